#!/usr/bin/env bash
# A regtest Lightning network: fm-regtest and three fm-ln-regtest nodes alice–bob–carol, channels funded on chain,
# and carol's invoice paid by alice through bob.
# fm-* must be on PATH (source bin/activate).
#   examples/lightning-regtest.sh DIR [BASE_PORT]
# Uses BASE_PORT (fm-regtest's RPC) and the 3 ports after it (the nodes' peer ports). Progress on stderr; a JSON
# summary on stdout. Stops everything it started on exit.
#
# TEST/DEV ONLY: fm-ln-regtest nodes speak Core Lightning's RPC but their own node-to-node protocol
# (docs/lightning-regtest.md); they stand in for lightningd in tests and the demo.
set -euo pipefail
dir=${1:?usage: lightning-regtest.sh DIR [BASE_PORT]}
base=${2:-18800}
say() { printf 'lightning-regtest: %s\n' "$*" >&2; }

rm -rf "$dir"
mkdir -p "$dir"
cleanup() {
    for node in alice bob carol; do fm-ln-regtest cli --lightning-dir "$dir/$node" stop >/dev/null 2>&1 || true; done
    fm-regtest cli --data-dir "$dir/btc" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

fm-regtest run --data-dir "$dir/btc" --rpc-port "$base" --daemon >/dev/null
btc() { fm-regtest cli --data-dir "$dir/btc" "$@"; }
mine() { btc generatetoaddress "$1" "$(btc getnewaddress | jq -r .)" >/dev/null; }
mine 101

ln() { local node=$1; shift; fm-ln-regtest cli --lightning-dir "$dir/$node" "$@"; }
port=$((base + 1))
for node in alice bob carol; do
    fm-ln-regtest run --lightning-dir "$dir/$node" --bitcoin-dir "$dir/btc" --port "$port" --daemon >"$dir/$node.json"
    port=$((port + 1))
done
id() { jq -r .id "$dir/$1.json"; }
address() { echo "$(id "$1")@127.0.0.1:$(jq -r .port "$dir/$1.json")"; }
say "nodes up: alice $(id alice), bob $(id bob), carol $(id carol)"

# On-chain money for the two channel openers, then the channels alice→bob and bob→carol.
for node in alice bob; do btc sendtoaddress "$(ln "$node" newaddr | jq -r .bech32)" 0.01 >/dev/null; done
mine 1
for node in alice bob; do
    for _ in $(seq 1 100); do [ "$(ln "$node" listfunds | jq '.outputs | length')" -gt 0 ] && break; sleep 0.1; done
done
ln alice connect "$(address bob)" >/dev/null
ln bob connect "$(address carol)" >/dev/null
ln alice fundchannel "$(id bob)" 500000 >/dev/null
ln bob fundchannel "$(id carol)" 500000 >/dev/null
mine 3
normal() { ln "$1" listpeerchannels | jq -e 'all(.channels[]; .state == "CHANNELD_NORMAL")' >/dev/null; }
for _ in $(seq 1 200); do normal alice && normal bob && normal carol && break; sleep 0.1; done
say "channels alice→bob and bob→carol are open"

# carol's invoice, paid by alice through bob (once alice has heard of bob→carol).
bolt11=$(ln carol invoice 100000 coffee "a coffee" | jq -r .bolt11)
for _ in $(seq 1 100); do
    if paid=$(ln alice pay "$bolt11" 2>/dev/null); then break; fi
    sleep 0.2
done
say "paid: $(echo "$paid" | jq -r .payment_preimage)"
received=$(ln carol waitinvoice coffee | jq .amount_received_msat)
jq -n --argjson pay "$paid" --argjson received "$received" \
    --argjson alice "$(ln alice listpeerchannels | jq '.channels[0].to_us_msat')" \
    --argjson bob "$(ln bob listpeerchannels | jq '[.channels[].to_us_msat] | add')" \
    --argjson carol "$(ln carol listpeerchannels | jq '.channels[0].to_us_msat')" \
    '{payment_preimage: $pay.payment_preimage, amount_sent_msat: $pay.amount_sent_msat, received_msat: $received,
      alice_msat: $alice, bob_msat: $bob, carol_msat: $carol}'
