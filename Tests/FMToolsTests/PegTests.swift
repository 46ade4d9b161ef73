import FMTesting
import Foundation
import Testing

/// Bitcoin in and out of a 4-guardian federation of real fm-node processes following a real fm-regtest node.
@Suite(.serialized) struct PegTests {
    /// The user story of examples/peg-in-peg-out.sh: 100,000 sat deposited become notes (minus the peg-in and mint
    /// fees); 40,000 sat pegged out are paid to the right address by a transaction the node confirms.
    @Test func depositBecomesNotesAndPegOutConfirms() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (status, stdout, stderr) = try ExampleScript.run("peg-in-peg-out.sh", [dir.path, "18600"])
        #expect(status == 0, "\(ExampleScript.failureSummary(stderr))")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let claimed = try #require(summary["claimed_msat"] as? Int)
        // 100,000,000 msat minus the 1,000 msat peg-in fee and 100 msat per issued note.
        #expect(claimed > 99_990_000 && claimed < 99_999_000)
        #expect(summary["paid_sats"] as? Int == 40_000)
        #expect((summary["pegout_confirmations"] as? Int ?? 0) >= 1)
        let audit = try #require(summary["audit"] as? [String: Any])
        #expect(audit["solvent"] as? Bool == true)
        // The wallet holds what was deposited minus what left on chain (the payment and its network fee).
        let balance = try #require(summary["balance_msat"] as? Int)
        #expect(balance < claimed - 40_000_000)
    }

    /// A guardian killed while a peg-out is being signed and restarted from its database ends with the same signed
    /// transaction as the others, and the peg-out confirms. A second claim of an already claimed deposit (by a
    /// client restored from the same mnemonic) is rejected by the federation.
    @Test func guardianRestartedDuringPegOutAndDoubleClaimRejected() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try Self.runScenario(Self.scenario, in: dir, basePort: 18650)
        #expect(summary["double_claim_status"] as? String == "failed")
        #expect((summary["double_claim_failure"] as? String)?.contains("already claimed") == true)
        #expect(summary["paid_sats"] as? Int == 30_000)
        // While the peg-out was on its way, `fm-mint balance` showed it as outgoing, by operation (issue 20).
        #expect(summary["outgoing_msat"] as? Int == 30_000_000 && summary["outgoing_listed"] as? Int == 1, "\(summary)")
        #expect((summary["confirmations"] as? Int ?? 0) >= 1)
        let audits = try #require(summary["audits"] as? [[String: Any]])
        #expect(audits.count == 4)
        let assets = Set(audits.compactMap { $0["assets"] as? Int })
        #expect(assets.count == 1, "guardians disagree after the restart: \(audits)")
        try Self.replayInBitcoinCore(dir.appendingPathComponent("run/blocks.json"))
    }

    /// Issue 24 item 9: a peg-out the node's mempool evicts (its minimum fee rose after the broadcast) is stuck until
    /// the federation bumps it. Once the nodes' fee estimates rise, every guardian builds the same CPFP child from
    /// consensus state, signs it with the peg-out signature items and sends it with the peg-out as a package
    /// (`submitpackage`); both confirm, a later peg-out spends the child's change, and the audit stays solvent.
    /// With the default fees (item 9 (a)): the peg-out's bump reserve pays the child (before, the 1,000-msat
    /// peg-out fee was all the surplus held, and the bump was refused).
    @Test func stuckPegOutIsBumpedByTheFederationAndConfirms() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try Self.runScenario(Self.feeBumpScenario, in: dir, basePort: 18700)
        let evicted = try #require(summary["evicted"] as? [String])
        let stuck = try #require(summary["stuck_txid"] as? String)
        #expect(evicted.contains(stuck), "the peg-out was not evicted: \(summary)")
        #expect(summary["stuck_in_block"] as? Bool == false)
        #expect((summary["stuck_confirmations"] as? Int ?? 0) >= 1)
        // The child spends the stuck peg-out's change and confirms; the next peg-out spends the child's output.
        #expect(summary["child_parent"] as? String == stuck)
        #expect((summary["child_confirmations"] as? Int ?? 0) >= 1)
        #expect(summary["next_spends"] as? String == summary["child_txid"] as? String)
        #expect((summary["next_confirmations"] as? Int ?? 0) >= 1)
        #expect(summary["next_paid_sats"] as? Int == 10_000)
        let audits = try #require(summary["audits"] as? [[String: Any]])
        #expect(audits.count == 4)
        #expect(Set(audits.compactMap { $0["solvent"] as? Bool }) == [true], "\(audits)")
        #expect(Set(audits.compactMap { $0["wallet_assets"] as? Int }).count == 1, "guardians disagree: \(audits)")
        // fm-pegout shows the bump reserve the peg-out paid (more than its network fee: see PegOutFeeBump.reserve).
        let pegOut = try #require(summary["pegout"] as? [String: Any])
        #expect((pegOut["bump_reserve_sats"] as? Int ?? 0) > (pegOut["fee_sats"] as? Int ?? .max), "\(pegOut)")
        try Self.replayInBitcoinCore(dir.appendingPathComponent("run/blocks.json"))
    }

    /// Runs `script` (bash, arguments DIR/run BASE_PORT, fm-* on PATH) and returns its JSON summary from stdout,
    /// recording a failure with its stderr if it exits non-zero.
    static func runScenario(_ text: String, in dir: URL, basePort: Int) throws -> [String: Any] {
        let script = dir.appendingPathComponent("scenario.sh")
        try text.write(to: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path, dir.appendingPathComponent("run").path, "\(basePort)"]
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = ToolRunner.binDirectory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        let stderr = try String(contentsOf: err, encoding: .utf8)
        #expect(process.terminationStatus == 0, "\(ExampleScript.failureSummary(stderr))")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any], "\(stderr)")
    }

    /// Replays the blocks fm-regtest mined (with the federation's deposit and its threshold-signed peg-out) into
    /// libbitcoinkernel, Bitcoin Core's consensus code (py-bitcoinkernel, the oracle of Tests/FMRegtestTests): every
    /// block must connect. A recorded skip when the oracle is not installed; a failure then under FM_REQUIRE_ORACLES=1.
    static func replayInBitcoinCore(_ blocks: URL) throws {
        try PythonOracle.requireOrSkip("pbk")
        let root = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("Tests/FMRegtestTests/oracle/replay_blocks.py").path
        let result = try ToolRunner.run(executable: PythonOracle.python, [script, blocks.path])
        #expect(result.status == 0, "libbitcoinkernel refused a block of the peg-in/peg-out run: \(result.stdout)\(result.stderr)")
    }

    @Test(arguments: [["fm-pegin"], ["fm-pegin", "address"], ["fm-pegin", "await"], ["fm-pegin", "claim"], ["fm-pegout"],
                      ["fm-pegout", "await"]])
    func helpShowsExamples(command: [String]) throws {
        let result = try ToolRunner.run(command[0], Array(command.dropFirst()) + ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Example"), "\(command.joined(separator: " ")) --help has no example")
    }

    @Test func badInputExitsTwoNamingTheField() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try ToolRunner.run("fm-pegin", ["claim", "not-a-txid", "--data-dir", dir.path])
        #expect(result.status == 2)
        #expect(result.stdout.contains("\"field\""))
    }

    /// DIR BASE_PORT. Uses FMTesting's PATH. Prints a JSON summary.
    static let scenario = #"""
    set -euo pipefail
    trap 'echo "failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
    dir=$1; base=$2
    mkdir -p "$dir"
    pids=()
    cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
    trap cleanup EXIT INT TERM
    FM_LOG_LEVEL=warning fm-regtest run --data-dir "$dir/btc" --rpc-port "$base" >"$dir/regtest.json" 2>"$dir/regtest.log" &
    pids+=($!)
    for _ in $(seq 1 100); do [ -s "$dir/regtest.json" ] && break; sleep 0.1; done
    btc() { fm-regtest cli --data-dir "$dir/btc" "$@"; }
    miner=$(btc getnewaddress | jq -r .)
    btc generatetoaddress 101 "$miner" >/dev/null
    export FM_BITCOIND_URL="http://127.0.0.1:$base" FM_BITCOIND_COOKIE="$dir/btc/.cookie"
    fm-node dealer --peers 4 --dir "$dir/fed" --base-port "$((base + 1))" --network regtest >"$dir/dealer.json"
    guardian=()
    start() { FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-$1" 2>>"$dir/guardian-$1.log" & guardian[$1]=$!; pids+=($!); }
    for i in 0 1 2 3; do start "$i"; done
    for _ in $(seq 1 100); do fm-node status --api "ws://127.0.0.1:$((base + 2))/" >/dev/null 2>&1 && break; sleep 0.2; done
    invite=$(jq -r .invite_code "$dir/dealer.json")
    fm-mint join "$invite" --data-dir "$dir/alice" >/dev/null

    fm-pegin address --data-dir "$dir/alice" >"$dir/address.json"
    deposit=$(btc sendtoaddress "$(jq -r .address "$dir/address.json")" 0.001 | jq -r .)
    btc generatetoaddress 3 "$miner" >/dev/null
    fm-pegin await "$(jq -r .operation_id "$dir/address.json")" --data-dir "$dir/alice" >/dev/null

    # A client restored from alice's mnemonic derives the same deposit key and claims the same deposit again.
    mkdir -p "$dir/restored"
    cp "$dir/alice/mnemonic" "$dir/restored/mnemonic"
    chmod 600 "$dir/restored/mnemonic"
    fm-mint join "$invite" --data-dir "$dir/restored" >/dev/null
    fm-pegin address --data-dir "$dir/restored" >/dev/null
    fm-pegin claim "$deposit" --data-dir "$dir/restored" >"$dir/double.json" 2>/dev/null || true

    # Peg-out while guardian 3 is killed mid-signing and restarted from its database.
    destination=$(btc getnewaddress | jq -r .)
    fm-pegout 30000 "$destination" --data-dir "$dir/alice" --no-wait >"$dir/pegout.json"
    fm-mint balance --offline --data-dir "$dir/alice" >"$dir/inflight.json"
    kill -9 "${guardian[3]}"
    sleep 1
    start 3
    fm-pegout await "$(jq -r .operation_id "$dir/pegout.json")" --data-dir "$dir/alice" >"$dir/pegout-done.json"
    txid=$(jq -r .txid "$dir/pegout-done.json")
    for _ in $(seq 1 150); do btc getrawmempool | jq -e --arg t "$txid" 'index($t) != null' >/dev/null && break; sleep 0.2; done
    btc generatetoaddress 1 "$miner" >/dev/null
    btc getrawtransaction "$txid" true >"$dir/tx.json"
    # Every guardian, the restarted one included, reaches the same state.
    for _ in $(seq 1 100); do
        h=$(for i in 0 1 2 3; do fm-node status --api "ws://127.0.0.1:$((base + 2 + 2 * i))/" | jq .block_height; done | sort -u | wc -l)
        [ "$h" = 1 ] && break; sleep 0.2
    done
    # Every block of the run (the deposit and the multisig peg-out among them) for Bitcoin Core's consensus code.
    tip=$(btc getblockcount | jq -r .)
    for h in $(seq 1 "$tip"); do btc getblock "$(btc getblockhash "$h" | jq -r .)" 0 | jq -r .; done |
        jq -R . | jq -s '{valid: .}' >"$dir/blocks.json"
    audits=$(for i in 0 1 2 3; do fm-node audit --api "ws://127.0.0.1:$((base + 2 + 2 * i))/" | jq -c '.modules[] | select(.kind == "wallet")'; done | jq -s .)
    jq -n --argjson double "$(head -n 1 "$dir/double.json")" --argjson tx "$(cat "$dir/tx.json")" --arg d "$destination" \
        --argjson audits "$audits" --argjson inflight "$(cat "$dir/inflight.json")" \
        --arg pegout "$(jq -r .operation_id "$dir/pegout.json")" \
        '{double_claim_status: $double.status, double_claim_failure: $double.failure, confirmations: $tx.confirmations,
          outgoing_msat: $inflight.outgoing_msat,
          outgoing_listed: ([$inflight.pending[] | select(.operation_id == $pegout and .direction == "outgoing")] | length),
          paid_sats: ([$tx.vout[] | select(.scriptPubKey.address == $d) | .value] | add * 100000000 | round),
          audits: $audits}'
    """#

    /// DIR BASE_PORT. A federation with the default fees. A peg-out at the consensus rate (the deposit's 2 sat/vB)
    /// is evicted when fm-regtest's mempool minimum rises to 3 sat/vB; fm-regtest restarts (keeping the chain, the
    /// minimum passed again) with a 4 sat/vB estimate, which the guardians vote; the federation's bump, paid by the
    /// peg-out's bump reserve, is the only way the peg-out re-enters the mempool.
    static let feeBumpScenario = #"""
    set -euo pipefail
    trap 'echo "failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
    dir=$1; base=$2
    mkdir -p "$dir"
    pids=()
    cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
    trap cleanup EXIT INT TERM
    regtest() { FM_LOG_LEVEL=warning fm-regtest run --data-dir "$dir/btc" --rpc-port "$base" "$@" >"$dir/regtest.json" 2>>"$dir/regtest.log" & node=$!; pids+=($!); }
    regtest
    for _ in $(seq 1 100); do [ -s "$dir/regtest.json" ] && break; sleep 0.1; done
    btc() { fm-regtest cli --data-dir "$dir/btc" "$@"; }
    miner=$(btc getnewaddress | jq -r .)
    btc generatetoaddress 101 "$miner" >/dev/null
    export FM_BITCOIND_URL="http://127.0.0.1:$base" FM_BITCOIND_COOKIE="$dir/btc/.cookie"
    fm-node dealer --peers 4 --dir "$dir/fed" --base-port "$((base + 1))" --network regtest >"$dir/dealer.json"
    for i in 0 1 2 3; do FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-$i" 2>>"$dir/guardian-$i.log" & pids+=($!); done
    api() { echo "ws://127.0.0.1:$((base + 2 + 2 * $1))/"; }
    for _ in $(seq 1 100); do fm-node status --api "$(api 0)" >/dev/null 2>&1 && break; sleep 0.2; done
    fm-mint join "$(jq -r .invite_code "$dir/dealer.json")" --data-dir "$dir/alice" >/dev/null
    fm-pegin address --data-dir "$dir/alice" >"$dir/address.json"
    btc sendtoaddress "$(jq -r .address "$dir/address.json")" 0.001 >/dev/null
    btc generatetoaddress 3 "$miner" >/dev/null
    fm-pegin await "$(jq -r .operation_id "$dir/address.json")" --data-dir "$dir/alice" >/dev/null
    in_mempool() { btc getrawmempool | jq -e --arg t "$1" 'index($t) != null' >/dev/null; }

    # The peg-out enters the mempool at the consensus rate; the minimum rises to 3 sat/vB and evicts it.
    fm-pegout 30000 "$(btc getnewaddress | jq -r .)" --data-dir "$dir/alice" >"$dir/pegout.json"
    stuck=$(jq -r .txid "$dir/pegout.json")
    for _ in $(seq 1 150); do in_mempool "$stuck" && break; sleep 0.2; done
    in_mempool "$stuck"
    btc setmempoolminfee 0.00003 >"$dir/evicted.json"
    btc generatetoaddress 1 "$miner" >/dev/null
    stuck_in_block=$(btc getblock "$(btc getbestblockhash | jq -r .)" 1 | jq --arg t "$stuck" '.tx | index($t) != null')

    # Fee estimates double (no transaction in the last 10 blocks: the 4 sat/vB fallback); the minimum stays.
    kill "$node"; wait "$node" 2>/dev/null || true
    regtest --fallback-fee-rate 4000 --mempool-min-fee 3000
    for _ in $(seq 1 300); do [ -s "$dir/regtest.json" ] && btc getblockcount >/dev/null 2>&1 && break; sleep 0.1; done
    btc generatetoaddress 10 "$miner" >/dev/null
    # The guardians vote the new rate, the bump comes due 3 consensus heights after the peg-out and is sent.
    child=""
    for _ in $(seq 1 300); do
        child=$(btc getrawmempool | jq -r --arg t "$stuck" 'map(select(. != $t)) | .[0] // empty')
        [ -n "$child" ] && in_mempool "$stuck" && break
        sleep 0.2
    done
    [ -n "$child" ]
    btc generatetoaddress 3 "$miner" >/dev/null
    btc getrawtransaction "$stuck" true >"$dir/stuck.json"
    btc getrawtransaction "$child" true >"$dir/child.json"

    # A later peg-out builds on the child's output. (At 10 sat/vB: the child's package moves the estimates, so
    # the consensus rate may rise between the quote and the peg-out's processing, which refuses the lower rate.)
    destination=$(btc getnewaddress | jq -r .)
    fm-pegout 10000 "$destination" --fee-rate 10 --data-dir "$dir/alice" >"$dir/next.json"
    next=$(jq -r .txid "$dir/next.json")
    for _ in $(seq 1 150); do in_mempool "$next" && break; sleep 0.2; done
    btc generatetoaddress 3 "$miner" >/dev/null
    btc getrawtransaction "$next" true >"$dir/next-tx.json"
    for _ in $(seq 1 100); do
        h=$(for i in 0 1 2 3; do fm-node status --api "$(api $i)" | jq .block_height; done | sort -u | wc -l)
        [ "$h" = 1 ] && break; sleep 0.2
    done
    tip=$(btc getblockcount | jq -r .)
    for h in $(seq 1 "$tip"); do btc getblock "$(btc getblockhash "$h" | jq -r .)" 0 | jq -r .; done |
        jq -R . | jq -s '{valid: .}' >"$dir/blocks.json"
    audits=$(for i in 0 1 2 3; do
        fm-node audit --api "$(api $i)" | jq -c '{solvent, wallet_assets: [.modules[] | select(.kind == "wallet") | .assets][0]}'
    done | jq -s .)
    jq -n --argjson pegout "$(cat "$dir/pegout.json")" --arg stuck "$stuck" --argjson evicted "$(jq .evicted "$dir/evicted.json")" --argjson in_block "$stuck_in_block" \
        --argjson s "$(cat "$dir/stuck.json")" --argjson c "$(cat "$dir/child.json")" --argjson n "$(cat "$dir/next-tx.json")" \
        --arg d "$destination" --argjson audits "$audits" \
        '{stuck_txid: $stuck, evicted: $evicted, stuck_in_block: $in_block, stuck_confirmations: $s.confirmations,
          child_txid: $c.txid, child_parent: $c.vin[0].txid, child_confirmations: $c.confirmations,
          next_spends: $n.vin[0].txid, next_confirmations: $n.confirmations,
          next_paid_sats: ([$n.vout[] | select(.scriptPubKey.address == $d) | .value] | add * 100000000 | round),
          audits: $audits, pegout: $pegout}'
    """#
}
