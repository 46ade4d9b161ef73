// FMEncoding: module overview lives in docs/architecture.md.
