// The storage interface (FMStorage) is part of what FMDatabase offers: every module that imports FMDatabase sees the
// interface types, `StoredInteger` and `DatabaseSetupError` (which moved there) without a second import.
@_exported import FMStorage
