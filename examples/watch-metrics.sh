#!/usr/bin/env bash
# Watch a federation's guardians through their Prometheus endpoints (GET /metrics on the API port).
#   examples/watch-metrics.sh DIR PORT [ROUNDS] [INTERVAL]   # fm-* on PATH (source bin/activate)
# Starts a 4-guardian dev federation (guardian i: peer port PORT+2i, API PORT+2i+1), makes a
# little traffic (a wallet joins and dev-issues e-cash), then every INTERVAL seconds (default 2)
# scrapes every guardian's /metrics and prints one JSON line per round (ROUNDS, default 1):
#   {"round":1,"guardians":[{"peer":0,"requests_ok":12,"requests_failed":0,"rejected":0,
#     "connections":1,"requests_by_method":{"consensus_config":1,...},"block_height":7}, ...]}
# The guardians are stopped on exit.
#
# TEST/DEV ONLY: the federation is made by the trusted dealer and e-cash by dev-issue.
set -euo pipefail
dir=${1:?usage: watch-metrics.sh DIR PORT [ROUNDS] [INTERVAL]}
port=${2:?usage: watch-metrics.sh DIR PORT [ROUNDS] [INTERVAL]}
rounds=${3:-1}
interval=${4:-2}
guardians=4
say() { printf 'watch-metrics: %s\n' "$*" >&2; }

rm -rf "$dir"
mkdir -p "$dir"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

fm-node dealer --peers "$guardians" --dir "$dir/fed" --base-port "$port" --dev >"$dir/dealer.json"
for i in $(seq 0 $((guardians - 1))); do
    FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-$i" 2>"$dir/guardian-$i.log" &
    pids+=($!)
done
for i in $(seq 0 $((guardians - 1))); do
    api="ws://127.0.0.1:$((port + 2 * i + 1))/"
    for _ in $(seq 1 150); do fm-node status --api "$api" >/dev/null 2>&1 && break; sleep 0.2; done
done
say "$guardians guardians up"

fm-mint join "$(jq -r .invite_code "$dir/dealer.json")" --data-dir "$dir/wallet" >/dev/null
fm-mint dev-issue 10000 --data-dir "$dir/wallet" >/dev/null
say "traffic made: a join and a dev-issue"

# One guardian's metrics as JSON. Prometheus text lines look like
#   fm_rpc_requests_total{method="status",outcome="ok"} 3
# outcome is "ok" or the JSON-RPC error code; rejected counts refusals before a method ran.
scrape() {
    local peer=$1
    local http="http://127.0.0.1:$((port + 2 * peer + 1))"
    curl -fsS "$http/metrics" | awk -v peer="$peer" '
        /^fm_rpc_requests_total\{/ {
            match($0, /method="[^"]*"/); method = substr($0, RSTART + 8, RLENGTH - 9)
            if ($0 ~ /outcome="ok"/) { ok += $NF; by[method] += $NF } else { failed += $NF }
        }
        /^fm_rpc_rejected_total\{/ { rejected += $NF }
        /^fm_rpc_connections[ {]/ { connections += $NF }
        END {
            printf "{\"peer\":%d,\"requests_ok\":%d,\"requests_failed\":%d,\"rejected\":%d,\"connections\":%d,\"requests_by_method\":{", peer, ok, failed, rejected, connections
            sep = ""; for (m in by) { printf "%s\"%s\":%d", sep, m, by[m]; sep = "," }
            printf "}}\n"
        }'
}

for round in $(seq 1 "$rounds"); do
    [ "$round" = 1 ] || sleep "$interval"
    for i in $(seq 0 $((guardians - 1))); do
        # The status page (GET / on the API port) adds consensus progress to the metrics.
        height=$(curl -fsS "http://127.0.0.1:$((port + 2 * i + 1))/" | jq .block_height)
        scrape "$i" | jq -c --argjson height "$height" '. + {block_height: $height}'
    done | jq -sc --argjson round "$round" '{round: $round, guardians: .}'
done
