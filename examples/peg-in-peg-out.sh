#!/usr/bin/env bash
# Bitcoin in and out of a 4-guardian federation on a regtest node: deposit to a fresh federation address, claim the
# deposit as e-cash, then peg out part of it to an on-chain address and see it confirm.
# fm-* must be on PATH (source bin/activate).
#   examples/peg-in-peg-out.sh DIR [BASE_PORT]
# Uses BASE_PORT (fm-regtest's RPC) and the 8 ports after it (guardians). Progress on stderr; a JSON summary on
# stdout. Stops everything it started on exit.
#
# TEST/DEV ONLY: the federation is set up by a trusted dealer (`fm-node dealer`); a real federation runs fm-dkg,
# and its guardians each follow their own bitcoind.
set -euo pipefail
# A failure names its command (on stderr), so a red run says what broke.
trap 'echo "peg-in-peg-out: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR
dir=${1:?usage: peg-in-peg-out.sh DIR [BASE_PORT]}
base=${2:-18700}
say() { printf 'peg-in-peg-out: %s\n' "$*" >&2; }

rm -rf "$dir"
mkdir -p "$dir"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# The bitcoin node, with 101 blocks so its wallet has mature coins.
FM_LOG_LEVEL=warning fm-regtest run --data-dir "$dir/btc" --rpc-port "$base" >"$dir/regtest.json" 2>"$dir/regtest.log" &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$dir/regtest.json" ] && break; sleep 0.1; done
btc() { fm-regtest cli --data-dir "$dir/btc" "$@"; }
miner=$(btc getnewaddress | jq -r .)
btc generatetoaddress 101 "$miner" >/dev/null
export FM_BITCOIND_URL="http://127.0.0.1:$base" FM_BITCOIND_COOKIE="$dir/btc/.cookie"

# The federation: every guardian follows the node (FM_BITCOIND_* above).
fm-node dealer --peers 4 --dir "$dir/fed" --base-port "$((base + 1))" --network regtest >"$dir/dealer.json"
for i in 0 1 2 3; do
    FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-$i" 2>"$dir/guardian-$i.log" &
    pids+=($!)
done
api="ws://127.0.0.1:$((base + 2))/"
for _ in $(seq 1 100); do fm-node status --api "$api" >/dev/null 2>&1 && break; sleep 0.2; done
say "federation $(jq -r .federation_id "$dir/dealer.json") is up"
fm-mint join "$(jq -r .invite_code "$dir/dealer.json")" --data-dir "$dir/alice" >/dev/null

# Peg-in: a fresh deposit address, 100,000 sat to it, and enough blocks for the finality delay (2 on regtest).
fm-pegin address --data-dir "$dir/alice" >"$dir/address.json"
address=$(jq -r .address "$dir/address.json")
deposit=$(btc sendtoaddress "$address" 0.001 | jq -r .)
btc generatetoaddress 3 "$miner" >/dev/null
say "deposited 100000 sat to $address in $deposit"
fm-pegin await "$(jq -r .operation_id "$dir/address.json")" --data-dir "$dir/alice" >"$dir/pegin.json"
balance=$(fm-mint balance --data-dir "$dir/alice" | jq .balance_msat)
say "claimed: alice holds $balance msat"

# Peg-out: 40,000 sat to an address of the node's wallet; the guardians sign and broadcast, a block confirms it.
destination=$(btc getnewaddress | jq -r .)
fm-pegout 40000 "$destination" --data-dir "$dir/alice" >"$dir/pegout.json"
txid=$(jq -r .txid "$dir/pegout.json")
for _ in $(seq 1 150); do btc getrawmempool | jq -e --arg t "$txid" 'index($t) != null' >/dev/null && break; sleep 0.2; done
btc generatetoaddress 1 "$miner" >/dev/null
btc getrawtransaction "$txid" true >"$dir/pegout-tx.json"
paid=$(jq --arg a "$destination" '[.vout[] | select(.scriptPubKey.address == $a) | .value] | add' "$dir/pegout-tx.json")
say "peg-out $txid confirmed: $(jq .confirmations "$dir/pegout-tx.json") confirmation(s), $paid BTC to $destination"

jq -n --argjson pegin "$(cat "$dir/pegin.json")" --argjson pegout "$(cat "$dir/pegout.json")" \
    --argjson tx "$(cat "$dir/pegout-tx.json")" --arg destination "$destination" --arg deposit "$deposit" \
    --argjson balance "$(fm-mint balance --data-dir "$dir/alice" | jq .balance_msat)" \
    --argjson audit "$(fm-node audit --api "$api")" \
    '{deposit_txid: $deposit, claimed_msat: $pegin.result.issued_msat, pegout_txid: $pegout.txid,
      pegout_confirmations: $tx.confirmations, destination: $destination,
      paid_sats: ([$tx.vout[] | select(.scriptPubKey.address == $destination) | .value] | add * 100000000 | round),
      balance_msat: $balance, audit: $audit}'
