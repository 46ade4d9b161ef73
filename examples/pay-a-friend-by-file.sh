#!/usr/bin/env bash
# Pay a friend with e-cash carried in a file: alice writes notes to a file, bob redeems it, the
# file is deleted. Anyone who reads the file before bob reissues could spend the notes, so it is
# created mode 0600 and removed as soon as bob's reissue is accepted.
#   examples/pay-a-friend-by-file.sh DIR PORT       # fm-* on PATH (source bin/activate)
# Starts its own 1-guardian dev federation (peer port PORT, API PORT+1); JSON summary on stdout.
#
# TEST/DEV ONLY: alice's e-cash comes from `fm-mint dev-issue` on a dealer-made dev federation.
set -euo pipefail
dir=${1:?usage: pay-a-friend-by-file.sh DIR PORT}
port=${2:?usage: pay-a-friend-by-file.sh DIR PORT}
say() { printf 'pay-a-friend: %s\n' "$*" >&2; }

rm -rf "$dir"
mkdir -p "$dir"
guardian=
cleanup() { [ -z "$guardian" ] || { kill "$guardian" 2>/dev/null || true; wait "$guardian" 2>/dev/null || true; }; }
trap cleanup EXIT INT TERM

fm-node dealer --peers 1 --dir "$dir/fed" --base-port "$port" --dev >"$dir/dealer.json"
FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/fed/guardian-0" 2>"$dir/guardian.log" &
guardian=$!
api="ws://127.0.0.1:$((port + 1))/"
for _ in $(seq 1 150); do fm-node status --api "$api" >/dev/null 2>&1 && break; sleep 0.2; done
invite=$(jq -r .invite_code "$dir/dealer.json")

fm-mint join "$invite" --data-dir "$dir/alice" >/dev/null
fm-mint join "$invite" --data-dir "$dir/bob" >/dev/null
fm-mint dev-issue 50000 --data-dir "$dir/alice" >/dev/null
say "alice has $(fm-mint balance --data-dir "$dir/alice" | jq .balance_msat) msat"

# Alice: 20000 msat as a note string in a private file (umask 077: mode 0600).
file="$dir/payment-for-bob.fmnotes"
(umask 077 && fm-mint spend 20000 --data-dir "$dir/alice" | jq -r .notes >"$file")
mode=$(stat -c %a "$file")
say "alice wrote $(wc -c <"$file") bytes to $file (mode $mode)"

# Bob: check the notes offline, then reissue them into his own wallet; then the file goes.
fm-mint validate - --data-dir "$dir/bob" <"$file" | jq -c '{valid, total_msat, note_count}' >&2
fm-mint reissue - --data-dir "$dir/bob" <"$file" | jq -c '{id, status, result}' >&2
rm -f "$file"
say "bob redeemed the notes; $file deleted"

jq -n --argjson alice "$(fm-mint balance --data-dir "$dir/alice")" \
    --argjson bob "$(fm-mint balance --data-dir "$dir/bob")" \
    --arg mode "$mode" --argjson deleted "$([ -e "$file" ] && echo false || echo true)" \
    '{alice_msat: $alice.balance_msat, bob_msat: $bob.balance_msat, file_mode: $mode, file_deleted: $deleted}'
