# Sourced by examples/ln-*.sh: a regtest Lightning network around a 1-guardian dev federation with a gateway.
#   fm-regtest (RPC on $base), fm-ln-regtest nodes `gw` (the gateway's) and `out` (a node outside the federation,
#   peer ports $base+1, $base+2) with a channel each way, a dev guardian (peer $base+3, API $base+4), fm-gateway
#   (public API $base+5; base fee 2000 msat + 10,000 ppm) holding 150,000 msat of e-cash, and alice's wallet in
#   $dir/alice holding the rest of 400,000 dev-issued msat.
# Expects $dir and $base; defines say, btc, mine, ln, lnpay; stops everything on exit.
# TEST/DEV ONLY: the dealer knows every secret, --dev lets anyone issue e-cash, fm-ln-regtest stands in for lightningd.

rm -rf "$dir"
mkdir -p "$dir"
guardian=
gateway=
cleanup() {
    for pid in $gateway $guardian; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    for node in gw out; do fm-ln-regtest cli --lightning-dir "$dir/$node" stop >/dev/null 2>&1 || true; done
    fm-regtest cli --data-dir "$dir/btc" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

btc() { fm-regtest cli --data-dir "$dir/btc" "$@"; }
mine() { btc generatetoaddress "$1" "$(btc getnewaddress | jq -r .)" >/dev/null; }
ln() { local node=$1; shift; fm-ln-regtest cli --lightning-dir "$dir/$node" "$@"; }
lnpay() { fm-ln-pay "$@" --data-dir "$dir/alice"; }

fm-regtest run --data-dir "$dir/btc" --rpc-port "$base" --daemon >/dev/null
mine 101
fm-ln-regtest run --lightning-dir "$dir/gw" --bitcoin-dir "$dir/btc" --port $((base + 1)) --daemon >"$dir/gw.json"
fm-ln-regtest run --lightning-dir "$dir/out" --bitcoin-dir "$dir/btc" --port $((base + 2)) --daemon >"$dir/out.json"
for node in gw out; do btc sendtoaddress "$(ln "$node" newaddr | jq -r .bech32)" 0.01 >/dev/null; done
mine 1
for node in gw out; do
    for _ in $(seq 1 100); do [ "$(ln "$node" listfunds | jq '.outputs | length')" -gt 0 ] && break; sleep 0.1; done
done
ln gw connect "$(jq -r .id "$dir/out.json")@127.0.0.1:$((base + 2))" >/dev/null
ln gw fundchannel "$(jq -r .id "$dir/out.json")" 400000 >/dev/null
ln out fundchannel "$(jq -r .id "$dir/gw.json")" 400000 >/dev/null
mine 3
normal() { ln "$1" listpeerchannels | jq -e '(.channels | length) == 2 and all(.channels[]; .state == "CHANNELD_NORMAL")' >/dev/null; }
for _ in $(seq 1 200); do normal gw && normal out && break; sleep 0.1; done
say "Lightning nodes gw and out, with a channel each way"

fm-node dealer --peers 1 --dir "$dir/fed" --base-port $((base + 3)) --dev >"$dir/dealer.json"
FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-0" 2>"$dir/guardian.log" &
guardian=$!
for _ in $(seq 1 150); do fm-node status --api "ws://127.0.0.1:$((base + 4))/" >/dev/null 2>&1 && break; sleep 0.2; done
invite=$(jq -r .invite_code "$dir/dealer.json")
federation=$(jq -r .federation_id "$dir/dealer.json")

FM_LOG_LEVEL=warning fm-gateway run --data-dir "$dir/gateway" --lightning-rpc "$dir/gw/lightning-rpc" \
    --api-url "http://127.0.0.1:$((base + 5))" --api-port $((base + 5)) --base-fee 2000 --fee-ppm 10000 \
    2>"$dir/gateway.log" &
gateway=$!
for _ in $(seq 1 150); do [ -f "$dir/gateway/gateway.json" ] && break; sleep 0.2; done
fm-gateway cli --data-dir "$dir/gateway" connect_fed "invite=$invite" >/dev/null

fm-mint join "$invite" --data-dir "$dir/alice" >/dev/null
fm-mint dev-issue 400000 --data-dir "$dir/alice" >/dev/null
float=$(fm-mint spend 150000 --data-dir "$dir/alice" | jq -r .notes)
fm-gateway cli --data-dir "$dir/gateway" deposit "federation_id=$federation" "notes=$float" >/dev/null
for _ in $(seq 1 150); do [ "$(lnpay gateways | jq '.gateways | length')" -gt 0 ] && break; sleep 0.2; done
say "federation $federation with gateway $(lnpay gateways | jq -r '.gateways[0].gateway_id')"
