#!/usr/bin/env bash
# A 1-guardian dev federation: the smallest federation that works (n = 1, t = 1).
#   examples/single-guardian.sh DIR PORT            # fm-* on PATH (source bin/activate)
#   FM_KEEP_RUNNING=1 examples/single-guardian.sh /tmp/fm1 19000   # keep it up until Ctrl-C
# The guardian listens for peers on PORT and serves its API on PORT+1. A wallet in DIR/wallet
# joins, gets dev e-cash, and the script prints a JSON summary on stdout (progress on stderr).
# The guardian is stopped on exit.
#
# TEST/DEV ONLY: the trusted dealer (`fm-node dealer`) knows every secret and `--dev` lets
# anyone create e-cash with `fm-mint dev-issue`. Real federations use fm-keygen + fm-dkg.
set -euo pipefail
dir=${1:?usage: single-guardian.sh DIR PORT}
port=${2:?usage: single-guardian.sh DIR PORT}
say() { printf 'single-guardian: %s\n' "$*" >&2; }

rm -rf "$dir"
mkdir -p "$dir"
guardian=
cleanup() { [ -z "$guardian" ] || { kill "$guardian" 2>/dev/null || true; wait "$guardian" 2>/dev/null || true; }; }
trap cleanup EXIT INT TERM

# One guardian, dev mode: configs in DIR/fed/guardian-0, the invite code in dealer.json.
fm-node dealer --peers 1 --dir "$dir/fed" --base-port "$port" --dev >"$dir/dealer.json"
FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-0" 2>"$dir/guardian.log" &
guardian=$!
api="ws://127.0.0.1:$((port + 1))/"
for _ in $(seq 1 150); do fm-node status --api "$api" >/dev/null 2>&1 && break; sleep 0.2; done
say "guardian up at $api"

# A wallet joins with the invite code and creates test e-cash (fees: 100 msat per note in and out).
fm-mint join "$(jq -r .invite_code "$dir/dealer.json")" --data-dir "$dir/wallet" >/dev/null
fm-mint dev-issue 10000 --data-dir "$dir/wallet" | jq -c '{id, status, result}' >&2

jq -n --argjson dealer "$(cat "$dir/dealer.json")" \
    --argjson balance "$(fm-mint balance --data-dir "$dir/wallet")" \
    --argjson status "$(fm-node status --api "$api")" \
    --argjson audit "$(fm-node audit --api "$api")" \
    --arg api "$api" \
    '{federation_id: $dealer.federation_id, invite_code: $dealer.invite_code, api_url: $api,
      threshold: $dealer.threshold, balance_msat: $balance.balance_msat,
      block_height: $status.block_height, solvent: $audit.solvent}'

if [ "${FM_KEEP_RUNNING:-0}" = 1 ]; then
    say "running; join with: fm-mint join $(jq -r .invite_code "$dir/dealer.json") (Ctrl-C stops the guardian)"
    wait "$guardian"
fi
