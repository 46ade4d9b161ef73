// FMCrypto: module overview lives in docs/architecture.md.
