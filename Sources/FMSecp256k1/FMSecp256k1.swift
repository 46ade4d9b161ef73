// FMSecp256k1: module overview lives in docs/architecture.md.
