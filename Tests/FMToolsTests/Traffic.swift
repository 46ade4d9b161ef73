import FMTesting
import Foundation

/// Alice and bob send each other notes until ``stop()``; a reissue cut short by a fault is retried
/// (``ProcessFaultTests/receive(_:_:_:attempts:)``).
final class Traffic: @unchecked Sendable {
    private let stopFlag = UnsafeResults<Bool>(count: 1)
    private let outcome = UnsafeResults<String>(count: 2)  // [0] failure, [1] rounds completed
    private let group = DispatchGroup()

    init(_ federation: EcashFederation) {
        let (stopFlag, outcome) = (self.stopFlag, self.outcome)
        DispatchQueue.global().async(group: group) {
            var round = 0
            do {
                while stopFlag[0] != true {
                    let (from, to) = round % 2 == 0 ? ("alice", "bob") : ("bob", "alice")
                    var notes: String?
                    for _ in 0..<60 where notes == nil {
                        notes = try? federation.spend(from, ProcessFaultTests.payment(round))
                        if notes == nil { Thread.sleep(forTimeInterval: 0.5) }
                    }
                    guard let notes else { outcome[0] = "\(from) could not spend in round \(round)"; return }
                    guard try ProcessFaultTests.receive(federation, to, notes) != nil else {
                        outcome[0] = "\(to) never received round \(round)"
                        return
                    }
                    round += 1
                }
            } catch {
                outcome[0] = "round \(round): \(error)"
            }
            outcome[1] = "\(round)"
        }
    }

    /// Stops after the current round; the first failure, if any, and the rounds completed.
    func stop() -> (failure: String?, rounds: Int) {
        stopFlag[0] = true
        group.wait()
        return (outcome[0], Int(outcome[1] ?? "0") ?? 0)
    }
}

extension EcashFederation {
    /// Kills a random guardian of `victims` with SIGKILL `count` times at random points (0.1–0.8 s apart), restarting
    /// it after 0.05–0.5 s and waiting until it serves again. Returns each kill as "guardian/downtime" for messages.
    func killRepeatedly(_ count: Int, victims: Range<Int>, random: inout SeededRandom) throws -> [String] {
        var kills: [String] = []
        for _ in 0..<count {
            Thread.sleep(forTimeInterval: Double.random(in: 0.1...0.8, using: &random))
            let victim = Int.random(in: victims, using: &random)
            kill(victim, signal: SIGKILL)
            let down = Double.random(in: 0.05...0.5, using: &random)
            kills.append("\(victim)/\(String(format: "%.2f", down))s")
            Thread.sleep(forTimeInterval: down)
            try start(victim)
            try waitUntilServing(victim)
        }
        return kills
    }
}
