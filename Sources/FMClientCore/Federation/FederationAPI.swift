import FMCore

/// Questions to the whole federation, answered only when enough guardians back the answer (BRIEF §1):
/// every guardian is asked concurrently; ``consensus(_:params:as:timeout:)`` returns once t guardians
/// gave the same answer, ``validAnswers(_:params:as:timeout:verify:)`` once t answers passed their own
/// check (signature shares). A guardian that lies or answers nonsense is named in the error, never
/// believed; a guardian that is down only costs its answer.
public struct FederationAPI: Sendable {
    public let peers: [PeerID]
    public let threshold: Int
    public let transport: any GuardianTransport
    /// How guardians answering "try again" are asked again (``RetryPolicy``).
    public let retry: RetryPolicy

    public init(peers: [PeerID], threshold: Int, transport: any GuardianTransport, retry: RetryPolicy = RetryPolicy()) {
        precondition(threshold >= 1 && threshold <= peers.count, "threshold must be in 1...n")
        self.peers = peers
        self.threshold = threshold
        self.transport = transport
        self.retry = retry
    }

    public init(config: ClientConfig, transport: any GuardianTransport, retry: RetryPolicy = RetryPolicy()) {
        self.init(peers: config.peers.map(\.peerId), threshold: config.threshold, transport: transport, retry: retry)
    }

    /// The answer t guardians agree on.
    ///
    /// - Throws: ``FederationQueryError/rejected(method:code:message:)`` when t guardians agree on an
    ///   error, `.noQuorum` (exit 3) when fewer than t answered, `.noAgreement` naming the odd ones out.
    public func consensus<Result: Decodable & Equatable & Sendable>(
        _ method: String, params: some Encodable & Sendable, as type: Result.Type = Result.self,
        timeout: Duration? = nil
    ) async throws(FederationQueryError) -> Result {
        var groups: [(answer: GuardianAnswer<Result>, peers: [PeerID])] = []
        var unreadable: [PeerID: String] = [:]
        let outcome = await collect(method, params: params, timeout: timeout, decode: Result.self) { peer, answer in
            switch answer {
            case .failure(let reason):
                unreadable[peer] = reason.description
            case .success(let answer):
                if let index = groups.firstIndex(where: { $0.answer == answer }) {
                    groups[index].peers.append(peer)
                } else {
                    groups.append((answer, [peer]))
                }
            }
            return groups.contains { $0.peers.count >= threshold }
        }
        if let agreed = groups.first(where: { $0.peers.count >= threshold }) {
            switch agreed.answer {
            case .value(let value): return value
            case .error(let code, let message): throw .rejected(method: method, code: code, message: message)
            }
        }
        let answered = groups.flatMap(\.peers) + unreadable.keys
        guard answered.count >= threshold else {
            throw .noQuorum(method: method, threshold: threshold, answered: answered.sorted(), unreachable: outcome.unreachable)
        }
        var faulty = unreadable
        // With a tie for the most common answer (2 and 2 of 4) nothing says which side is wrong: every side is named.
        let most = groups.map(\.peers.count).max() ?? 0
        let tied = groups.filter { $0.peers.count == most }.count > 1
        for group in groups where tied || group.peers.count < most {
            for peer in group.peers {
                faulty[peer] = tied ? "answers split evenly: no answer is the most common" : "answer differs from the most common one"
            }
        }
        throw .noAgreement(method: method, threshold: threshold, faulty: faulty)
    }

    /// The answer t guardians agree on, for state that changes as consensus goes on (a final block height, a
    /// contract's state, a fee quote): a guardian still applying the latest block answers from the one before, so
    /// for a moment honest guardians split (2 and 2 of 4 leave no t = 3 alike). A split is asked again, from
    /// ``RetryPolicy/initialDelay`` apart and doubling, for up to ``RetryPolicy/settleWindow`` (never past `timeout`)
    /// before it is reported; an agreed refusal or too few answers is reported at once, as by ``consensus(_:params:as:timeout:)``.
    /// Not for submissions: asking again would submit again.
    public func settledConsensus<Result: Decodable & Equatable & Sendable>(
        _ method: String, params: some Encodable & Sendable, as type: Result.Type = Result.self,
        timeout: Duration? = nil
    ) async throws(FederationQueryError) -> Result {
        let started = ContinuousClock.now
        // `timeout` bounds the whole call, every round together.
        let deadline = timeout.map { started + $0 }
        let settleBy = started + min(retry.settleWindow, timeout ?? retry.settleWindow)
        var delay = retry.initialDelay
        while true {
            do {
                return try await consensus(
                    method, params: params, as: type, timeout: deadline.map { $0 - ContinuousClock.now })
            } catch .noAgreement(let method, let threshold, let faulty) {
                guard ContinuousClock.now + delay < settleBy else {
                    throw .noAgreement(method: method, threshold: threshold, faulty: faulty)
                }
                do { try await Task.sleep(for: delay) } catch {
                    // Cancelled while waiting: nobody refused, so not a disagreement naming guardians.
                    throw .noQuorum(
                        method: method, threshold: threshold, answered: [],
                        unreachable: Dictionary(uniqueKeysWithValues: peers.map { ($0, UnreachableGuardian(reason: "cancelled")) }))
                }
                delay = retry.next(after: delay)
            }
        }
    }

    /// t answers that each pass `verify` (e.g. blind signature shares checked against the guardian's
    /// public key share), keyed by guardian. Answers that fail are ignored and their guardians named
    /// if t valid ones cannot be had.
    public func validAnswers<Answer: Decodable & Sendable>(
        _ method: String, params: some Encodable & Sendable, as type: Answer.Type = Answer.self,
        timeout: Duration? = nil, verify: @escaping @Sendable (PeerID, Answer) -> Bool
    ) async throws(FederationQueryError) -> [PeerID: Answer] {
        try await verifiedAnswers(method, params: params, as: type, timeout: timeout, verify: verify).valid
    }

    /// What ``verifiedAnswers(_:params:as:timeout:verify:)`` collected: at least t answers that passed
    /// verification, and the answers of guardians that failed it (to be named, never used).
    public struct VerifiedAnswers<Answer: Sendable>: Sendable {
        public var valid: [PeerID: Answer]
        public var failedVerification: [PeerID: Answer]
    }

    /// Like ``validAnswers(_:params:as:timeout:verify:)``, and also returns the answers that failed
    /// `verify`. Once t answers are valid it still listens to the guardians that have not answered for
    /// a short grace period (``stragglerGrace``, at least as long as the t answers took to arrive after the first
    /// one, so it scales with load), so that a guardian serving bad answers is noticed and named even when the federation succeeds.
    public func verifiedAnswers<Answer: Decodable & Sendable>(
        _ method: String, params: some Encodable & Sendable, as type: Answer.Type = Answer.self,
        timeout: Duration? = nil, verify: @escaping @Sendable (PeerID, Answer) -> Bool
    ) async throws(FederationQueryError) -> VerifiedAnswers<Answer> {
        let answers = try await checkedAnswers(method, params: params, as: type, timeout: timeout) { peer, answer in
            verify(peer, answer) ? answer : nil
        }
        return VerifiedAnswers(valid: answers.valid, failedVerification: answers.failedVerification)
    }

    /// What ``checkedAnswers(_:params:as:timeout:fallback:check:)`` collected: what `check` made of at least t
    /// answers, and the answers of guardians that failed it (to be named, never used).
    public struct CheckedAnswers<Checked: Sendable, Answer: Sendable>: Sendable {
        public var valid: [PeerID: Checked]
        public var failedVerification: [PeerID: Answer]
    }

    /// ``verifiedAnswers(_:params:as:timeout:verify:)`` whose check also returns what it made of a valid answer
    /// (e.g. the decoded signature shares), so that the caller does not do that work a second time; nil fails the
    /// answer.
    ///
    /// - Parameter fallback: asked instead for a guardian that does not know `method` (it answered
    ///   `method_not_found`: an older release), with that guardian's id; it returns that guardian's answer in
    ///   `method`'s shape, e.g. assembled from calls to an older method (``ask(_:method:params:timeout:)``).
    public func checkedAnswers<Answer: Decodable & Sendable, Checked: Sendable>(
        _ method: String, params: some Encodable & Sendable, as type: Answer.Type = Answer.self,
        timeout: Duration? = nil, fallback: Fallback? = nil, check: @escaping @Sendable (PeerID, Answer) -> Checked?
    ) async throws(FederationQueryError) -> CheckedAnswers<Checked, Answer> {
        var valid: [PeerID: Checked] = [:]
        var failed: [PeerID: Answer] = [:]
        var faulty: [PeerID: String] = [:]
        var rejections: [PeerID: (code: String, message: String)] = [:]
        let outcome = await collect(
            method, params: params, timeout: timeout, decode: Answer.self, grace: Self.stragglerGrace, fallback: fallback
        ) { peer, answer in
            switch answer {
            case .failure(let reason): faulty[peer] = reason.description
            case .success(.error(let code, let message)): rejections[peer] = (code, message)
            case .success(.value(let value)):
                if let checked = check(peer, value) {
                    valid[peer] = checked
                } else {
                    failed[peer] = value
                    faulty[peer] = "answer failed verification"
                }
            }
            // t refusals settle it too: with n ≥ 3f + 1, the f guardians left cannot make t valid answers.
            return valid.count >= threshold || rejections.count >= threshold
        }
        if valid.count >= threshold { return CheckedAnswers(valid: valid, failedVerification: failed) }
        if rejections.count >= threshold, let first = rejections.sorted(by: { $0.key < $1.key }).first {
            throw .rejected(method: method, code: first.value.code, message: first.value.message)
        }
        let answered = Array(valid.keys) + faulty.keys + rejections.keys
        guard answered.count >= threshold else {
            throw .noQuorum(method: method, threshold: threshold, answered: answered.sorted(), unreachable: outcome.unreachable)
        }
        for (peer, rejection) in rejections { faulty[peer] = "answered with an error: \(rejection.message)" }
        throw .noAgreement(method: method, threshold: threshold, faulty: faulty)
    }

    /// What a guardian that does not know a method is asked instead (``checkedAnswers(_:params:as:timeout:fallback:check:)``).
    public typealias Fallback = @Sendable (PeerID) async -> Swift.Result<JSONValue, any Error>

    /// One guardian's answer to `method`, asked again while it says "try again" (as every query does) until `timeout`
    /// (or ``RetryPolicy/window``) has passed: for a ``Fallback`` that assembles an answer from other calls.
    public func ask(
        _ peer: PeerID, method: String, params: some Encodable & Sendable, timeout: Duration?
    ) async -> Swift.Result<JSONValue, any Error> {
        let encoded: JSONValue
        do { encoded = try JSONValue(params) } catch { return .failure(error) }
        return await Self.ask(
            peer, method: method, params: encoded, timeout: timeout, transport: transport, retry: retry,
            until: ContinuousClock.now + (timeout ?? retry.window))
    }

    /// The least time ``verifiedAnswers(_:params:as:timeout:verify:)`` keeps listening after t valid answers.
    public static let stragglerGrace: Duration = .milliseconds(100)

    /// One guardian's answer as the query sees it: a decoded answer, or why it could not be read.
    typealias Received<Value: Sendable> = Swift.Result<GuardianAnswer<Value>, UnreadableAnswer>

    struct UnreadableAnswer: Error, CustomStringConvertible {
        let description: String
    }

    /// One guardian's raw reply, as a child task returns it.
    ///
    /// - Important: a struct, not a `(PeerID, Result<JSONValue, any Error>)` tuple: with Swift 6.3.1 at -O
    ///   the tuple form delivered corrupted peer ids to `for await` (every release-build query failed),
    ///   while debug builds were correct. Keep it a struct until that is reduced and reported.
    struct Reply: Sendable {
        /// `nil` for the grace timer's wake-up, not a guardian.
        let peer: PeerID?
        let result: Swift.Result<JSONValue, any Error>
    }

    struct CollectionOutcome {
        var unreachable: [PeerID: UnreachableGuardian] = [:]
    }

    /// Asks every guardian concurrently and feeds each answer to `accept` as it arrives, until `accept`
    /// says it has enough (the remaining calls are cancelled) or every guardian answered or failed.
    /// With a `grace`, answers still arriving within max(grace, time since the first answer) after `accept` said
    /// enough are fed to it too before the rest are cancelled.
    private func collect<Value: Decodable & Sendable>(
        _ method: String, params: some Encodable & Sendable, timeout: Duration?, decode: Value.Type,
        grace: Duration? = nil, fallback: Fallback? = nil,
        accept: (PeerID, Swift.Result<GuardianAnswer<Value>, UnreadableAnswer>) -> Bool
    ) async -> CollectionOutcome {
        var outcome = CollectionOutcome()
        let encoded: JSONValue
        do { encoded = try JSONValue(params) } catch {
            // Encoding our own params cannot fail for the types the client sends; treat it as every guardian failing.
            for peer in peers { outcome.unreachable[peer] = UnreachableGuardian(reason: "cannot encode the request: \(error)") }
            return outcome
        }
        let transport = self.transport
        let retry = self.retry
        let started = ContinuousClock.now
        let deadline = started + (timeout ?? retry.window)
        await withTaskGroup(of: Reply.self) { group in
            var enough = false
            var firstAnswer: ContinuousClock.Instant?
            var pending = peers.count
            for peer in peers {
                group.addTask {
                    let result = await Self.ask(
                        peer, method: method, params: encoded, timeout: timeout, transport: transport, retry: retry,
                        until: deadline)
                    if let fallback, case .failure(let error as GuardianRejection) = result, Self.methodNotFound.contains(error.code) {
                        return Reply(peer: peer, result: await fallback(peer))
                    }
                    return Reply(peer: peer, result: result)
                }
            }
            for await reply in group {
                guard let peer = reply.peer else { break }  // the grace period is over
                pending -= 1
                let result = reply.result
                let received: Swift.Result<GuardianAnswer<Value>, UnreadableAnswer>
                switch result {
                case .success(let json):
                    do { received = .success(.value(try json.decode(Value.self))) }
                    catch { received = .failure(UnreadableAnswer(description: "unreadable answer: \(error)")) }
                case .failure(let error as any ReportableError) where error.category == .unreachable:
                    outcome.unreachable[peer] = UnreachableGuardian(error)
                    continue
                case .failure(let error as any ReportableError):
                    received = .success(.error(code: error.code, message: error.description))
                case .failure(let error):
                    if error is CancellationError { outcome.unreachable[peer] = UnreachableGuardian(error); continue }
                    received = .success(.error(code: "error", message: "\(error)"))
                }
                // A guardian that could not be reached (often at once) gave no answer: it does not start the spread.
                if firstAnswer == nil { firstAnswer = ContinuousClock.now }
                let satisfied = accept(peer, received)
                if satisfied && !enough {
                    enough = true
                    guard let grace, pending > 0 else { break }
                    // The spread of the answers so far, not the time since asking: a long poll that waited for
                    // consensus must not stretch the wait for stragglers by that much again.
                    let wait = max(grace, ContinuousClock.now - (firstAnswer ?? started))
                    group.addTask {
                        try? await Task.sleep(for: wait)
                        return Reply(peer: nil, result: .failure(CancellationError()))
                    }
                } else if enough && pending == 0 {
                    break
                }
            }
            group.cancelAll()
        }
        return outcome
    }

    /// The codes of a guardian's answer to a method it does not serve (JSON-RPC -32601; the second when it sent no
    /// `data.code`).
    static let methodNotFound: Set<String> = ["method_not_found", "jsonrpc_-32601"]

    /// One guardian's answer to `method`, asking again while it answers "try again" (a retryable
    /// ``GuardianRejection``, or what `retrying` picks) and the next attempt can start before `deadline`; after that
    /// its last "try again" is the result (category `.unreachable`: the guardian did not answer).
    static func ask(
        _ peer: PeerID, method: String, params: JSONValue, timeout: Duration?, transport: any GuardianTransport,
        retry: RetryPolicy, until deadline: ContinuousClock.Instant,
        retrying: @Sendable (GuardianRejection) -> Bool = { $0.isRetryable }
    ) async -> Swift.Result<JSONValue, any Error> {
        var delay = retry.initialDelay
        var lastRejection: GuardianRejection?
        while true {
            // A retry gets what is left of the question's time, not its whole timeout again.
            let left = timeout.map { min($0, deadline - ContinuousClock.now) }
            if let left, left <= .zero, let lastRejection { return .failure(lastRejection) }
            do {
                return .success(try await transport.call(peer, method: method, params: params, timeout: left))
            } catch let rejection as GuardianRejection where retrying(rejection) {
                guard ContinuousClock.now + delay < deadline else { return .failure(rejection) }
                lastRejection = rejection
                do { try await Task.sleep(for: delay) } catch { return .failure(error) }
                delay = retry.next(after: delay)
            } catch {
                return .failure(error)
            }
        }
    }
}
