import FMStorage

extension StorageWriting {
    /// Runs `body` in a savepoint that is rolled back whatever happens, and returns what it returned (or rethrows
    /// what it threw): a trial run that leaves nothing behind (the pre-check's confirmation of a rejection).
    func inRolledBackSavepoint<T>(_ body: () throws -> T) throws -> T {
        var result: Result<T, any Error>?
        do {
            try inSavepoint { () throws -> Void in
                result = Result { try body() }
                throw RollBack()
            }
        } catch is RollBack {}
        guard let result else { throw StorageError(.misuse, "the savepoint ended before its body ran") }
        return try result.get()
    }
}

/// Thrown out of a savepoint's body only to roll it back (``StorageWriting/inRolledBackSavepoint(_:)``).
private struct RollBack: Error {}
