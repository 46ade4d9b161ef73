# Sourced by the examples that put a regtest Lightning network next to a federation (examples/lib/lightning-federation.sh,
# examples/bitcoin-federation.sh, which bin/demo runs). Functions only: the caller owns its daemons' cleanup.
# TEST/DEV ONLY: fm-ln-regtest stands in for lightningd.

# ln_cli LNDIR NODE ARGS…: a Core Lightning RPC call to node LNDIR/NODE.
ln_cli() { local lndir=$1 node=$2; shift 2; fm-ln-regtest cli --lightning-dir "$lndir/$node" "$@"; }

# ln_network LNDIR BTCDIR PORT: fm-ln-regtest nodes `gw` (the gateway's) and `out` (outside the federation) in LNDIR/gw
# and LNDIR/out, peer ports PORT and PORT+1, following fm-regtest BTCDIR and funded with 0.01 BTC each from its wallet,
# with a 400,000 sat channel each way, both CHANNELD_NORMAL on return. Their ready lines (with pid) are LNDIR/NODE.json.
ln_network() {
    local lndir=$1 btcdir=$2 port=$3 node
    local miner
    miner=$(fm-regtest cli --data-dir "$btcdir" getnewaddress | jq -r .)
    mkdir -p "$lndir"
    # BTCDIR names the bitcoin node: FM_BITCOIND_URL (which the guardians may follow) would conflict with it.
    local -A peer_port=([gw]=$port [out]=$((port + 1)))
    for node in gw out; do
        env -u FM_BITCOIND_URL -u FM_BITCOIND_COOKIE fm-ln-regtest run --lightning-dir "$lndir/$node" \
            --bitcoin-dir "$btcdir" --port "${peer_port[$node]}" --daemon >"$lndir/$node.json"
    done
    for node in gw out; do
        fm-regtest cli --data-dir "$btcdir" sendtoaddress "$(ln_cli "$lndir" "$node" newaddr | jq -r .bech32)" 0.01 >/dev/null
    done
    fm-regtest cli --data-dir "$btcdir" generatetoaddress 1 "$miner" >/dev/null
    for node in gw out; do
        for _ in $(seq 1 100); do [ "$(ln_cli "$lndir" "$node" listfunds | jq '.outputs | length')" -gt 0 ] && break; sleep 0.1; done
    done
    ln_cli "$lndir" gw connect "$(jq -r .id "$lndir/out.json")@127.0.0.1:$((port + 1))" >/dev/null
    ln_cli "$lndir" gw fundchannel "$(jq -r .id "$lndir/out.json")" 400000 >/dev/null
    ln_cli "$lndir" out fundchannel "$(jq -r .id "$lndir/gw.json")" 400000 >/dev/null
    fm-regtest cli --data-dir "$btcdir" generatetoaddress 3 "$miner" >/dev/null
    for _ in $(seq 1 200); do ln_channels_normal "$lndir" gw && ln_channels_normal "$lndir" out && return 0; sleep 0.1; done
    echo "ln_network: the channels did not become normal" >&2
    return 1
}
ln_channels_normal() {
    ln_cli "$1" "$2" listpeerchannels | jq -e '(.channels | length) == 2 and all(.channels[]; .state == "CHANNELD_NORMAL")' >/dev/null
}

# ln_local_msat LNDIR NODE: what NODE owns in its channels (the sum of to_us_msat).
ln_local_msat() { ln_cli "$1" "$2" listpeerchannels | jq '[.channels[].to_us_msat] | add'; }

# ln_gateway GWDIR LNDIR API_PORT INVITE FLOAT_NOTES WALLET_DIR: fm-gateway (data in GWDIR, log GWDIR.log) on node
# LNDIR/gw with base fee 2000 msat + 10,000 ppm, public API on API_PORT; joins the federation of INVITE, reissues the
# note string FLOAT_NOTES as its e-cash float, and returns once the wallet in WALLET_DIR lists it. Sets gateway_pid.
ln_gateway() {
    local gwdir=$1 lndir=$2 port=$3 invite=$4 float=$5 wallet=$6 federation
    FM_LOG_LEVEL=warning fm-gateway run --data-dir "$gwdir" --lightning-rpc "$lndir/gw/lightning-rpc" \
        --api-url "http://127.0.0.1:$port" --api-port "$port" --base-fee 2000 --fee-ppm 10000 2>"$gwdir.log" &
    gateway_pid=$!
    for _ in $(seq 1 150); do [ -f "$gwdir/gateway.json" ] && break; sleep 0.2; done
    federation=$(fm-gateway cli --data-dir "$gwdir" connect_fed "invite=$invite" | jq -r .federation_id)
    fm-gateway cli --data-dir "$gwdir" deposit "federation_id=$federation" "notes=$float" >/dev/null
    for _ in $(seq 1 150); do
        [ "$(fm-ln-pay gateways --data-dir "$wallet" | jq '.gateways | length')" -gt 0 ] && return 0
        sleep 0.2
    done
    echo "ln_gateway: the wallet in $wallet never saw the gateway" >&2
    return 1
}

# ln_gateway_msat GWDIR: the gateway's e-cash in its one federation.
ln_gateway_msat() { fm-gateway cli --data-dir "$1" balances | jq '.federations[0].balance_msat'; }
