import FMTesting
import Foundation
import Testing

/// Issue 24 item 2: a peg-out whose change would be below the 330-sat dust limit. Before, the change was given to
/// the miners but the peg-out was charged only amount + fee, so the federation's bitcoin fell 300 sat more than the
/// notes burned, the audit found liabilities above assets and the guardian halted for good. Now the quote charges
/// the dust (`dust_sats`), the transaction pays exactly the fee the user paid, and the federation stays solvent.
@Suite(.serialized) struct PegOutDustTests {
    @Test func pegOutLeavingDustChangeIsChargedAndTheFederationStaysSolvent() throws {
        let dir = try ToolRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let summary = try PegTests.runScenario(Self.scenario, in: dir, basePort: 18680)
        let fee = try #require(summary["quoted_fee"] as? Int)
        let pegOut = try #require(summary["pegout"] as? [String: Any])
        #expect(pegOut["amount_sats"] as? Int == 100_000 - fee - 300)
        #expect(pegOut["dust_sats"] as? Int == 300)
        #expect(pegOut["fee_sats"] as? Int == fee + 300)
        // One output: the 100,000-sat deposit pays the destination and the miners, nothing is left as change.
        #expect(summary["outputs"] as? [Int] == [100_000 - fee - 300])
        #expect((summary["confirmations"] as? Int ?? 0) >= 1)
        let status = try #require(summary["status"] as? [String: Any])
        #expect(status["halted_reason"] == nil || status["halted_reason"] is NSNull, "\(status)")
        let audit = try #require(summary["audit"] as? [String: Any])
        #expect(audit["solvent"] as? Bool == true, "\(audit)")
        // The wallet holds the second deposit, untouched.
        let wallet = (audit["modules"] as? [[String: Any]])?.first { $0["kind"] as? String == "wallet" }
        #expect(wallet?["assets"] as? Int == 50_000_000)
    }

    /// DIR BASE_PORT. One guardian following fm-regtest; alice deposits 100,000 and 50,000 sat, asks the fee of a
    /// peg-out, and pegs out 100,000 − fee − 300 sat (largest output first: the 100,000-sat deposit, 300 sat left).
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
    fm-node dealer --peers 1 --dir "$dir/fed" --base-port "$((base + 1))" --network regtest >"$dir/dealer.json"
    FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-0" 2>>"$dir/guardian-0.log" &
    pids+=($!)
    api="ws://127.0.0.1:$((base + 2))/"
    for _ in $(seq 1 100); do fm-node status --api "$api" >/dev/null 2>&1 && break; sleep 0.2; done
    fm-mint join "$(jq -r .invite_code "$dir/dealer.json")" --data-dir "$dir/alice" >/dev/null
    for btc_amount in 0.001 0.0005; do
        fm-pegin address --data-dir "$dir/alice" >"$dir/address.json"
        btc sendtoaddress "$(jq -r .address "$dir/address.json")" "$btc_amount" >/dev/null
        btc generatetoaddress 3 "$miner" >/dev/null
        fm-pegin await "$(jq -r .operation_id "$dir/address.json")" --data-dir "$dir/alice" >/dev/null 2>&1
    done
    destination=$(btc getnewaddress | jq -r .)
    fee=$(curl -sf -X POST -H 'content-type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"wallet/peg_out_fees\",\"params\":{\"address\":\"$destination\",\"amount_sats\":10000}}" \
        "http://127.0.0.1:$((base + 2))/rpc" | jq -e .result.fee)
    fm-pegout "$((100000 - fee - 300))" "$destination" --data-dir "$dir/alice" >"$dir/pegout.json"
    txid=$(jq -r .txid "$dir/pegout.json")
    for _ in $(seq 1 150); do btc getrawmempool | jq -e --arg t "$txid" 'index($t) != null' >/dev/null && break; sleep 0.2; done
    btc generatetoaddress 1 "$miner" >/dev/null
    btc getrawtransaction "$txid" true >"$dir/tx.json"
    # Let the guardian apply a few more blocks (the audit runs after each).
    sleep 2
    jq -n --argjson fee "$fee" --argjson pegout "$(cat "$dir/pegout.json")" --argjson tx "$(cat "$dir/tx.json")" \
        --argjson status "$(fm-node status --api "$api")" --argjson audit "$(fm-node audit --api "$api")" \
        '{quoted_fee: $fee, pegout: $pegout, confirmations: $tx.confirmations,
          outputs: [$tx.vout[] | .value * 100000000 | round], status: $status, audit: $audit}'
    """#
}
