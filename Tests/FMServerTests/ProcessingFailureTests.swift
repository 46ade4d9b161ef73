import FMDatabase
import FMServerCore
import Testing

/// ``ProcessingFailure/classify(_:)`` on storage errors: the deterministic kinds reject the item, everything else
/// aborts the block (docs/decisions/0003-storage-interface.md, "Errors").
@Suite struct ProcessingFailureTests {
    static let deterministic: [StorageError.Kind] = [.uniqueViolation, .constraintViolation, .invalidValue]
    static let environmental: [StorageError.Kind] = [
        .transactionAborted, .serializationFailure, .connectionLost, .commitOutcomeUnknown, .unavailable, .notPortable,
        .decoding, .misuse, .backend,
    ]

    @Test(arguments: deterministic)
    func deterministicStorageErrorsRejectTheItem(kind: StorageError.Kind) {
        guard case .reject(let rejection) = ProcessingFailure.classify(StorageError(kind, "the backend's own words")) else {
            Issue.record("\(kind) must reject the item")
            return
        }
        #expect(rejection.code == ProcessingFailure.unexpectedCode)
        // The kind's portable wording, not the backend's (review 8: guardians on SQLite and PostgreSQL must record
        // the same rejection).
        #expect(rejection.message.contains(StorageError(kind, "").portableDescription))
        #expect(!rejection.message.contains("the backend's own words"))
    }

    @Test(arguments: environmental)
    func environmentalStorageErrorsAbortTheBlock(kind: StorageError.Kind) {
        guard case .abort = ProcessingFailure.classify(StorageError(kind, "gone")) else {
            Issue.record("\(kind) must abort the block")
            return
        }
    }
}
