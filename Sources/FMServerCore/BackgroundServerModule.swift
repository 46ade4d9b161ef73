import FMStorage

/// A module that also works beside consensus while its guardian runs: the wallet watches its bitcoin node (to
/// vote block heights and fee rates) and broadcasts finalized peg-outs.
///
/// The guardian runs ``runBackground(storage:)`` for as long as it runs and cancels it on shutdown. Background
/// work may read the guardian's storage (whatever its backend) but never writes consensus state: everything that decides a
/// transaction's fate happens in the ``ServerModule`` methods, from the consensus log alone.
public protocol BackgroundServerModule: ServerModule {
    /// Runs until cancelled; returns (or throws `CancellationError`) promptly once the task is cancelled.
    func runBackground(storage: any Storage) async throws

    /// One line on the background work's health for the guardian's `status` (e.g. "bitcoind at height 812").
    var backgroundStatus: String { get }
}
