#!/usr/bin/env bash
# A 4-guardian dev federation on this machine, and e-cash moving between two
# wallets through a pipe. fm-* must be on PATH (source bin/activate).
#   examples/local-federation.sh DIR [BASE_PORT]
# Progress on stderr; a JSON summary on stdout. Stops the guardians on exit.
#
# TEST/DEV ONLY: the federation is set up by a trusted dealer (`fm-node dealer`)
# and e-cash is created with `fm-mint dev-issue`; a real federation runs fm-dkg
# and takes deposits.
set -euo pipefail
dir=${1:?usage: local-federation.sh DIR [BASE_PORT]}
base=${2:-17100}
say() { printf 'local-federation: %s\n' "$*" >&2; }

rm -rf "$dir"
mkdir -p "$dir"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

fm-node dealer --peers 4 --dir "$dir/fed" --base-port "$base" --dev >"$dir/dealer.json"
invite=$(jq -r .invite_code "$dir/dealer.json")
for i in 0 1 2 3; do
    FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-$i" 2>"$dir/guardian-$i.log" &
    pids+=($!)
done
api="ws://127.0.0.1:$((base + 1))/"
for _ in $(seq 1 100); do fm-node status --api "$api" >/dev/null 2>&1 && break; sleep 0.2; done
say "federation $(jq -r .federation_id "$dir/dealer.json") is up"

fm-mint join "$invite" --data-dir "$dir/alice" >/dev/null
fm-mint join "$invite" --data-dir "$dir/bob" >/dev/null
fm-mint dev-issue 100000 --data-dir "$dir/alice" >/dev/null
say "alice: $(fm-mint balance --data-dir "$dir/alice" | jq .balance_msat) msat"

# The note string travels through a pipe; bob reissues at once so alice cannot spend it again.
fm-mint spend 30000 --data-dir "$dir/alice" | jq -r .notes | tee "$dir/notes.txt" |
    fm-mint reissue - --data-dir "$dir/bob" >/dev/null
if fm-mint reissue "$(cat "$dir/notes.txt")" --data-dir "$dir/alice" >/dev/null 2>&1; then
    say "ERROR: a spent note string was accepted twice"; exit 1
fi
say "the same note string a second time: refused (already spent)"

alice=$(fm-mint balance --data-dir "$dir/alice" | jq .balance_msat)
bob=$(fm-mint balance --data-dir "$dir/bob" | jq .balance_msat)
audit=$(fm-node audit --api "$api")
jq -n --argjson alice "$alice" --argjson bob "$bob" --argjson audit "$audit" \
    --argjson dealer "$(cat "$dir/dealer.json")" \
    '{federation_id: $dealer.federation_id, guardians: $dealer.peers, alice_msat: $alice, bob_msat: $bob, audit: $audit}'
