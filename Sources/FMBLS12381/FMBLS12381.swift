// FMBLS12381: module overview lives in docs/architecture.md.
