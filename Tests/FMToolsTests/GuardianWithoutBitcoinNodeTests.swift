import FMTesting
import Foundation
import Testing

/// Issue 16 item 2: one guardian of four cannot reach its bitcoin node (it is given a port nothing listens on). Before, it waited for its node inside block application as soon as the federation's block height
/// rose, and stopped applying blocks for good. Now chain facts are agreed from the other guardians' votes: it keeps
/// applying blocks with the same state digest, e-cash reissues complete, and a peg-in is claimed.
@Suite(.serialized) struct GuardianWithoutBitcoinNodeTests {
    @Test func guardianWithoutItsNodeKeepsApplyingBlocksAndPegInsSucceed() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try PegTests.runScenario(Self.scenario, in: dir, basePort: 18760)
        #expect(summary["pegin_status"] as? String == "succeeded", "\(summary)")
        #expect((summary["bob_balance_msat"] as? Int ?? 0) > 0, "the reissue did not complete: \(summary)")
        let statuses = try #require(summary["statuses"] as? [[String: Any]])
        #expect(statuses.count == 4)
        for status in statuses {
            #expect(status["halted_reason"] == nil || status["halted_reason"] is NSNull, "\(status)")
            #expect((status["state_digest"] as? [String: Any])?["mismatch_count"] as? Int == 0, "\(status)")
        }
        #expect(((statuses[3]["modules"] as? [String: Any])?["wallet"] as? String ?? "").contains("unreachable"), "\(statuses[3])")
        // Guardian 3 applied the blocks that carried the peg-in and the reissue, with the others' state.
        let same = try #require(summary["same_digest"] as? [String: Any], "\(summary)")
        #expect((same["height"] as? Int ?? 0) >= (summary["reissue_height"] as? Int ?? .max), "\(summary)")
    }

    /// DIR BASE_PORT. Prints a JSON summary; `same_digest` is the (height, digest) all four guardians report at once.
    static let scenario = #"""
    set -euo pipefail
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
    for i in 0 1 2; do FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-$i" 2>>"$dir/guardian-$i.log" & pids+=($!); done
    # Guardian 3's bitcoin node is unreachable: nothing listens on the port it is given.
    FM_BITCOIND_URL="http://127.0.0.1:$((base + 30))" FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-3" \
        2>>"$dir/guardian-3.log" & pids+=($!)
    api() { echo "ws://127.0.0.1:$((base + 2 + 2 * $1))/"; }
    for _ in $(seq 1 100); do fm-node status --api "$(api 0)" >/dev/null 2>&1 && break; sleep 0.2; done
    invite=$(jq -r .invite_code "$dir/dealer.json")
    fm-mint join "$invite" --data-dir "$dir/alice" >/dev/null
    fm-mint join "$invite" --data-dir "$dir/bob" >/dev/null

    # A peg-in: its block's hash is agreed from guardians 0-2's votes (t = 3).
    fm-pegin address --data-dir "$dir/alice" >"$dir/address.json"
    btc sendtoaddress "$(jq -r .address "$dir/address.json")" 0.001 >/dev/null
    btc generatetoaddress 3 "$miner" >/dev/null
    fm-pegin await "$(jq -r .operation_id "$dir/address.json")" --data-dir "$dir/alice" >"$dir/pegin.json" 2>"$dir/pegin.err"

    # E-cash: alice pays bob, bob reissues; more bitcoin blocks keep the wallet's height rising meanwhile.
    fm-mint spend 20000000 --data-dir "$dir/alice" | jq -r .notes >"$dir/notes.txt"
    btc generatetoaddress 2 "$miner" >/dev/null
    fm-mint reissue - --data-dir "$dir/bob" <"$dir/notes.txt" >/dev/null
    reissue_height=$(fm-node status --api "$(api 0)" | jq .block_height)

    # Every guardian, guardian 3 included, reports the same state digest at the same block.
    same=null
    for _ in $(seq 1 150); do
        d=$(for i in 0 1 2 3; do fm-node status --api "$(api $i)" | jq -c '{height: .state_digest.height, digest: .state_digest.digest}'; done | sort -u)
        if [ "$(wc -l <<<"$d")" = 1 ] && [ "$(jq .height <<<"$d")" -ge "$reissue_height" ]; then same=$d; break; fi
        sleep 0.2
    done
    statuses=$(for i in 0 1 2 3; do fm-node status --api "$(api $i)" | jq -c '{block_height, halted_reason, state_digest, modules}'; done | jq -s .)
    jq -n --argjson pegin "$(head -n 1 "$dir/pegin.json")" --argjson bob "$(fm-mint balance --data-dir "$dir/bob")" \
        --argjson statuses "$statuses" --argjson same "$same" --argjson rh "$reissue_height" \
        '{pegin_status: $pegin.status, bob_balance_msat: $bob.balance_msat, statuses: $statuses, same_digest: $same,
          reissue_height: $rh}'
    """#
}
