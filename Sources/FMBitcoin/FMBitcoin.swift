// FMBitcoin: module overview lives in docs/architecture.md.
