#!/usr/bin/env bash
# The whole story on one machine, with no trusted dealer and no dev mode: a regtest bitcoin node, four guardians
# that set up their federation with fm-keygen and fm-dkg, two users who peg in bitcoin, pay each other in e-cash
# through a pipe, and peg out again; then Lightning through fm-gateway, one payment each way, every balance
# reconciled to the msat. fm-* must be on PATH (source bin/activate; bin/demo runs this script).
#   examples/bitcoin-federation.sh DIR [BASE_PORT]
# Ports: BASE_PORT is fm-regtest's RPC; guardian i uses BASE_PORT+1+2i (p2p) and BASE_PORT+2+2i (API); the Lightning
# nodes gw and out BASE_PORT+9 and +10 (peer ports), fm-gateway BASE_PORT+11 (API).
# Progress on stderr; a JSON summary on stdout. Every daemon is stopped on exit or Ctrl-C, and their pids are
# kept in DIR/pids so that a later run first stops what an interrupted one may have left behind.
set -euo pipefail
dir=${1:?usage: bitcoin-federation.sh DIR [BASE_PORT]}
base=${2:-17300}
say() { printf 'bitcoin-federation: %s\n' "$*" >&2; }

# A previous run's daemons (if it was killed before its trap ran) would hold the ports: stop them first.
if [ -f "$dir/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$dir/pids"
    sleep 0.5
fi
rm -rf "$dir"
mkdir -p "$dir"
pids=()
started() { pids+=("$1"); echo "$1" >>"$dir/pids"; }
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Bitcoin: a regtest node whose wallet owns mature coins (101 blocks).
FM_LOG_LEVEL=warning fm-regtest run --data-dir "$dir/bitcoin" --rpc-port "$base" \
    >"$dir/bitcoin.json" 2>"$dir/bitcoin.log" &
started $!
btc() { fm-regtest cli --data-dir "$dir/bitcoin" "$@"; }
miner=$(btc --rpc-wait getnewaddress | jq -r .)
btc generatetoaddress 101 "$miner" >/dev/null
export FM_BITCOIND_URL="http://127.0.0.1:$base" FM_BITCOIND_COOKIE="$dir/bitcoin/.cookie"
say "fm-regtest at $FM_BITCOIND_URL: $(btc getblockcount) blocks, wallet $(btc getbalance) BTC"

# 2. Four operators each make an identity (secrets sealed under their own passphrase) and publish a setup code.
names=(atlas boreas cygnus draco)
for i in 0 1 2 3; do
    head -c 24 /dev/urandom | base64 >"$dir/${names[$i]}.pass"
    chmod 600 "$dir/${names[$i]}.pass"
    fm-keygen --dir "$dir/${names[$i]}" --name "${names[$i]}" --passphrase-file "$dir/${names[$i]}.pass" \
        --p2p-url "fm://127.0.0.1:$((base + 1 + 2 * i))" --api-url "ws://127.0.0.1:$((base + 2 + 2 * i))/" \
        >"$dir/${names[$i]}.setup.json"
done
cat "$dir"/*.setup.json >"$dir/setup-codes.jsonl"
say "setup codes of ${names[*]} exchanged"

# 3. Distributed key generation: every guardian runs fm-dkg (a little apart); no machine ever holds a whole key.
echo '{"wallet": {"network": "regtest", "finality_delay": 2}, "mint": {"max_exponent": 30}}' >"$dir/module-params.json"
dkg=()
for i in 0 1 2 3; do
    (
        sleep "0.$i"
        FM_LOG_LEVEL=warning fm-dkg --identity-dir "$dir/${names[$i]}" --config-dir "$dir/${names[$i]}/config" \
            --passphrase-file "$dir/${names[$i]}.pass" --module-params "$dir/module-params.json" --timeout 120 \
            <"$dir/setup-codes.jsonl" >"$dir/${names[$i]}.dkg.json" 2>"$dir/${names[$i]}.dkg.log"
    ) &
    dkg+=($!)
done
for i in 0 1 2 3; do
    wait "${dkg[$i]}" || { say "fm-dkg of ${names[$i]} failed: $(tail -n 3 "$dir/${names[$i]}.dkg.log")"; exit 1; }
done
hashes=$(jq -r .consensus_config_hash "$dir"/*.dkg.json | sort -u)
[ "$(wc -l <<<"$hashes")" -eq 1 ] || { say "ERROR: the guardians computed different configs"; exit 1; }
say "DKG done: every guardian has consensus config hash $hashes"

# 4. The guardians run, each following the bitcoin node (FM_BITCOIND_* above) and unsealing its private config.
for i in 0 1 2 3; do
    FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/${names[$i]}/config" \
        --passphrase-file "$dir/${names[$i]}.pass" 2>"$dir/${names[$i]}.log" &
    started $!
done
invite=$(jq -r .invite_code "$dir/atlas.dkg.json")
api="ws://127.0.0.1:$((base + 2))/"
# Every guardian's API (each unseals its config first, at its own pace): joining asks all of them.
for i in 0 1 2 3; do
    for _ in $(seq 1 150); do fm-node status --api "ws://127.0.0.1:$((base + 2 + 2 * i))/" >/dev/null 2>&1 && break; sleep 0.2; done
done
say "federation $(jq -r .federation_id "$dir/atlas.dkg.json") is up"

# 5. Two users join and peg in: bitcoin to a fresh deposit address each, mined past the finality delay.
for user in alice bob; do fm-mint join "$invite" --data-dir "$dir/$user" >/dev/null; done
declare -A deposit=([alice]=0.002 [bob]=0.001)
for user in alice bob; do
    fm-pegin address --data-dir "$dir/$user" >"$dir/$user.address.json"
    btc sendtoaddress "$(jq -r .address "$dir/$user.address.json")" "${deposit[$user]}" >/dev/null
done
btc generatetoaddress 3 "$miner" >/dev/null
for user in alice bob; do
    fm-pegin await "$(jq -r .operation_id "$dir/$user.address.json")" --data-dir "$dir/$user" >"$dir/$user.pegin.json"
    say "$user pegged in ${deposit[$user]} BTC: $(fm-mint balance --data-dir "$dir/$user" | jq .balance_msat) msat"
done

# 6. E-cash: alice pays bob 50,000 sat through a pipe; bob validates the notes offline as they arrive, then
#    reissues them (only then are they his: until the reissue, alice could still spend them).
fm-mint spend 50000000 --data-dir "$dir/alice" | jq -r .notes | tee "$dir/notes.txt" |
    fm-mint validate - --data-dir "$dir/bob" >"$dir/validate.json"
say "bob validated the notes offline: $(jq -c . "$dir/validate.json")"
fm-mint reissue - --data-dir "$dir/bob" <"$dir/notes.txt" >/dev/null
if fm-mint reissue - --data-dir "$dir/alice" <"$dir/notes.txt" >/dev/null 2>&1; then
    say "ERROR: a spent note string was accepted twice"; exit 1
fi
say "alice -> bob: 50000 sat in e-cash; the same notes a second time: refused (already spent)"

# 7. Peg-out: bob sends 120,000 sat on chain; the guardians sign with their key shares and broadcast.
destination=$(btc getnewaddress | jq -r .)
fm-pegout 120000 "$destination" --data-dir "$dir/bob" >"$dir/pegout.json"
txid=$(jq -r .txid "$dir/pegout.json")
for _ in $(seq 1 150); do btc getrawmempool | jq -e --arg t "$txid" 'index($t) != null' >/dev/null && break; sleep 0.2; done
btc generatetoaddress 1 "$miner" >/dev/null
btc getrawtransaction "$txid" true >"$dir/pegout-tx.json"
paid=$(jq --arg a "$destination" '[.vout[] | select(.scriptPubKey.address == $a) | .value] | add * 100000000 | round' \
    "$dir/pegout-tx.json")
say "bob's peg-out $txid confirmed: $paid sat to $destination"

# 8. Lightning: a regtest Lightning network (the gateway's node `gw`, a node `out` outside the federation, a channel
#    each way) and fm-gateway joined to the federation with 20,000 sat of alice's e-cash as its float. Alice pays an
#    invoice of `out` through the gateway; `out` pays an invoice bob got from the gateway. Every balance must then
#    reconcile to the msat, or the demo fails.
source "$(dirname "$0")/lib/lightning-network.sh"
ln_network "$dir/ln" "$dir/bitcoin" $((base + 9))
for node in gw out; do started "$(jq .pid "$dir/ln/$node.json")"; done
ln_gateway "$dir/gateway" "$dir/ln" $((base + 11)) "$invite" \
    "$(fm-mint spend 20000000 --data-dir "$dir/alice" | jq -r .notes)" "$dir/alice"
started "$gateway_pid"
say "Lightning nodes gw and out with a channel each way; fm-gateway on gw holds $(ln_gateway_msat "$dir/gateway") msat"
wallet_msat() { fm-mint balance --data-dir "$dir/$1" | jq .total_msat; }
wallet_fees() { fm-mint list --data-dir "$1" | jq '[.operations[] | select(.kind == "mint-issue") | .state.fee // 0] | add // 0'; }
before=$(jq -n --argjson alice "$(wallet_msat alice)" --argjson bob "$(wallet_msat bob)" \
    --argjson gateway "$(ln_gateway_msat "$dir/gateway")" --argjson alice_fees "$(wallet_fees "$dir/alice")" \
    --argjson bob_fees "$(wallet_fees "$dir/bob")" --argjson gateway_fees "$(wallet_fees "$dir/gateway/client")" \
    --argjson out "$(ln_local_msat "$dir/ln" out)" --argjson gw "$(ln_local_msat "$dir/ln" gw)" '$ARGS.named')
invoice=$(ln_cli "$dir/ln" out invoice 10000000 demo-coffee "a coffee for alice" | jq -r .bolt11)
fm-ln-pay pay "$invoice" --max-fee 200000 --data-dir "$dir/alice" >"$dir/ln-pay.json"
say "alice paid out's 10,000 sat invoice through the gateway: $(jq -c '{outcome, fee_msat}' "$dir/ln-pay.json")"
fm-ln-pay receive 5000000 --description "for bob" --data-dir "$dir/bob" >"$dir/ln-receive.json"
ln_cli "$dir/ln" out pay "$(jq -r .invoice "$dir/ln-receive.json")" >"$dir/ln-out-pay.json"
fm-ln-pay await "$(jq -r .operation_id "$dir/ln-receive.json")" --data-dir "$dir/bob" >"$dir/ln-received.json"
say "out paid bob's 5,000 sat invoice: $(jq -c '{outcome, amount_msat, fee_msat}' "$dir/ln-received.json")"

# Expected to the msat: alice lost invoice + fee, bob gained invoice - fee, the gateway's e-cash gained what alice
# locked and lost what it funded for bob, each less the federation's e-cash fees its transactions paid (100 msat a
# note in and out; every mint operation records its fee), and the two nodes swapped the invoice amounts over direct
# channels (no routing fee). The gateway fees are the announced 2000 msat + 10,000 ppm. Settling is asynchronous (the
# gateway claims alice's contract after paying), so each figure gets up to 10 s to reach its value.
paid_fee=$(jq .fee_msat "$dir/ln-pay.json")
recv_fee=$(jq .fee_msat "$dir/ln-received.json")
expect() { # NAME EXPECTED COMMAND…
    local name=$1 want=$2 got; shift 2
    for _ in $(seq 1 50); do got=$("$@"); [ "$got" = "$want" ] && return 0; sleep 0.2; done
    say "ERROR: $name is $got msat, expected $want msat"; exit 1
}
spent_fees() { # FEES_BEFORE WALLET_DIR: the federation fees WALLET_DIR paid since FEES_BEFORE
    echo $(($(wallet_fees "$2") - $1))
}
field() { jq ".$1" <<<"$before"; }
expect "alice's payment fee" $((2000 + 10000000 / 100)) jq .fee_msat "$dir/ln-pay.json"
expect "bob's receive fee" $((2000 + 5000000 / 100)) jq .fee_msat "$dir/ln-received.json"
expect "alice's balance" $(($(field alice) - 10000000 - paid_fee - $(spent_fees "$(field alice_fees)" "$dir/alice"))) \
    wallet_msat alice
expect "bob's balance" $(($(field bob) + 5000000 - recv_fee - $(spent_fees "$(field bob_fees)" "$dir/bob"))) \
    wallet_msat bob
gateway_settled() { # the gateway's e-cash less what it should be now (its fees are read at the same moment)
    local fees
    fees=$(spent_fees "$(field gateway_fees)" "$dir/gateway/client")
    echo $(($(ln_gateway_msat "$dir/gateway") - ($(field gateway) + 10000000 + paid_fee - (5000000 - recv_fee) - fees)))
}
expect "the gateway's e-cash less its expected value" 0 gateway_settled
expect "out's channel balance" $(($(field out) + 10000000 - 5000000)) ln_local_msat "$dir/ln" out
expect "gw's channel balance" $(($(field gw) - 10000000 + 5000000)) ln_local_msat "$dir/ln" gw
fm-node audit --api "$api" >"$dir/audit.json"
jq -e .solvent "$dir/audit.json" >/dev/null || { say "ERROR: the federation audit is not solvent"; exit 1; }
jq -n --argjson before "$before" --argjson pay "$(cat "$dir/ln-pay.json")" \
    --argjson received "$(cat "$dir/ln-received.json")" \
    --argjson after "$(jq -n --argjson alice "$(wallet_msat alice)" --argjson bob "$(wallet_msat bob)" \
        --argjson gateway "$(ln_gateway_msat "$dir/gateway")" --argjson out "$(ln_local_msat "$dir/ln" out)" \
        --argjson gw "$(ln_local_msat "$dir/ln" gw)" '$ARGS.named')" \
    '{alice_paid: {invoice_msat: $pay.amount_msat, fee_msat: $pay.fee_msat, preimage: $pay.preimage},
      bob_received: {amount_msat: $received.amount_msat, fee_msat: $received.fee_msat},
      before_msat: $before, after_msat: $after, reconciled: true}' >"$dir/lightning.json"
say "Lightning balances reconcile to the msat (alice, bob, the gateway's e-cash, both nodes' channels); audit solvent"

# 9. What the operators see.
for i in 0 1 2 3; do fm-node status --api "ws://127.0.0.1:$((base + 2 + 2 * i))/" >"$dir/${names[$i]}.status.json"; done
jq -n --arg dir "$dir" --arg hash "$hashes" --argjson dkg "$(cat "$dir/atlas.dkg.json")" \
    --argjson alice "$(fm-mint balance --data-dir "$dir/alice" | jq .balance_msat)" \
    --argjson bob "$(fm-mint balance --data-dir "$dir/bob" | jq .balance_msat)" \
    --argjson pegout "$(cat "$dir/pegout.json")" --argjson paid "$paid" --argjson lightning "$(cat "$dir/lightning.json")" \
    --argjson confirmations "$(jq .confirmations "$dir/pegout-tx.json")" \
    --argjson audit "$(cat "$dir/audit.json")" \
    --slurpfile status <(cat "$dir"/*.status.json) \
    '{demo_dir: $dir, federation_id: $dkg.federation_id, consensus_config_hash: $hash, invite_code: $dkg.invite_code,
      threshold: $dkg.threshold, alice_msat: $alice, bob_msat: $bob,
      pegout: {txid: $pegout.txid, paid_sats: $paid, confirmations: $confirmations}, lightning: $lightning,
      guardians: $status, audit: $audit}'
