// FMBenchmarking: module overview lives in docs/architecture.md.
