# Sourced by examples/ln-*.sh: a regtest Lightning network around a 1-guardian dev federation with a gateway.
#   fm-regtest (RPC on $base), fm-ln-regtest nodes `gw` (the gateway's) and `out` (a node outside the federation,
#   peer ports $base+1, $base+2) with a channel each way, a dev guardian (peer $base+3, API $base+4), fm-gateway
#   (public API $base+5; base fee 2000 msat + 10,000 ppm) holding 150,000 msat of e-cash, and alice's wallet in
#   $dir/alice holding the rest of 400,000 dev-issued msat.
# Expects $dir and $base; defines say, btc, mine, ln, lnpay; stops everything on exit.
# TEST/DEV ONLY: the dealer knows every secret, --dev lets anyone issue e-cash, fm-ln-regtest stands in for lightningd.

source "$(dirname "${BASH_SOURCE[0]}")/lightning-network.sh"
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
ln() { ln_cli "$dir" "$@"; }
lnpay() { fm-ln-pay "$@" --data-dir "$dir/alice"; }

fm-regtest run --data-dir "$dir/btc" --rpc-port "$base" --daemon >/dev/null
mine 101
ln_network "$dir" "$dir/btc" $((base + 1))
say "Lightning nodes gw and out, with a channel each way"

fm-node dealer --peers 1 --dir "$dir/fed" --base-port $((base + 3)) --dev >"$dir/dealer.json"
FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-0" 2>"$dir/guardian.log" &
guardian=$!
for _ in $(seq 1 150); do fm-node status --api "ws://127.0.0.1:$((base + 4))/" >/dev/null 2>&1 && break; sleep 0.2; done
invite=$(jq -r .invite_code "$dir/dealer.json")
federation=$(jq -r .federation_id "$dir/dealer.json")

fm-mint join "$invite" --data-dir "$dir/alice" >/dev/null
fm-mint dev-issue 400000 --data-dir "$dir/alice" >/dev/null
float=$(fm-mint spend 150000 --data-dir "$dir/alice" | jq -r .notes)
ln_gateway "$dir/gateway" "$dir" $((base + 5)) "$invite" "$float" "$dir/alice"
gateway=$gateway_pid
say "federation $federation with gateway $(lnpay gateways | jq -r '.gateways[0].gateway_id')"
