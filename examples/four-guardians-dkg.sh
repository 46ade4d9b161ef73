#!/usr/bin/env bash
# Four guardians set up a federation together with fm-dkg — no trusted dealer — and then e-cash moves
# between two wallets. This is what four operators do on four machines, here on one:
#   fm-keygen (each)  ->  exchange setup codes  ->  fm-dkg (each, started at different times)
#   -> compare consensus_config_hash  ->  fm-node run (each)  ->  fm-mint join, dev-issue, spend | reissue
# fm-* must be on PATH (source bin/activate).
#   examples/four-guardians-dkg.sh DIR [BASE_PORT]     # guardian i uses BASE_PORT+2i (p2p) and +2i+1 (API)
# Progress on stderr; a JSON summary on stdout. Stops the guardians on exit.
#
# DEV MODE: the federation is created with --dev so that `fm-mint dev-issue` can create e-cash from nothing
# for the demonstration; a real federation omits --dev and takes deposits.
set -euo pipefail
dir=${1:?usage: four-guardians-dkg.sh DIR [BASE_PORT]}
base=${2:-18240}
say() { printf 'four-guardians-dkg: %s\n' "$*" >&2; }

rm -rf "$dir"
mkdir -p "$dir"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# 1. Every guardian makes its identity; its secrets stay sealed under its own passphrase.
: >"$dir/setup-codes.jsonl"
for i in 0 1 2 3; do
    pass="$dir/guardian-$i.pass"
    head -c 24 /dev/urandom | base64 >"$pass"
    chmod 600 "$pass"
    fm-keygen --dir "$dir/guardian-$i" --name "guardian-$i" --passphrase-file "$pass" \
        --p2p-url "fm://127.0.0.1:$((base + 2 * i))" --api-url "ws://127.0.0.1:$((base + 2 * i + 1))/" \
        >>"$dir/setup-codes.jsonl"
done
say "4 identities made; every guardian gets setup-codes.jsonl"

# 2. Every guardian runs fm-dkg, each a little later than the previous one; they wait for each other.
dkg=()
for i in 0 1 2 3; do
    (
        sleep "$i"
        FM_LOG_LEVEL=warning fm-dkg --identity-dir "$dir/guardian-$i" --config-dir "$dir/guardian-$i/config" \
            --passphrase-file "$dir/guardian-$i.pass" --dev --max-exponent 20 --timeout 120 \
            <"$dir/setup-codes.jsonl" >"$dir/dkg-$i.json" 2>"$dir/dkg-$i.log"
    ) &
    dkg+=($!)
done
for i in 0 1 2 3; do
    if ! wait "${dkg[$i]}"; then say "fm-dkg of guardian-$i failed: $(cat "$dir/dkg-$i.log")"; exit 1; fi
done

# 3. The operators compare the consensus config hash out of band: it must be the same everywhere.
hashes=$(for i in 0 1 2 3; do jq -r .consensus_config_hash "$dir/dkg-$i.json"; done | sort -u)
if [ "$(printf '%s\n' "$hashes" | wc -l)" -ne 1 ]; then say "ERROR: the guardians disagree: $hashes"; exit 1; fi
say "DKG done; every guardian has consensus config hash $hashes"

# 4. Every guardian starts fm-node from its configs (private.json is sealed: it needs the passphrase).
for i in 0 1 2 3; do
    FM_LOG_LEVEL=warning fm-node run --config-dir "$dir/guardian-$i/config" \
        --passphrase-file "$dir/guardian-$i.pass" 2>"$dir/guardian-$i.log" &
    pids+=($!)
done
invite=$(jq -r .invite_code "$dir/dkg-0.json")
api="ws://127.0.0.1:$((base + 1))/"
# Every guardian's API (each unseals its config first, at its own pace): joining asks all of them.
for i in 0 1 2 3; do
    for _ in $(seq 1 100); do fm-node status --api "ws://127.0.0.1:$((base + 2 * i + 1))/" >/dev/null 2>&1 && break; sleep 0.2; done
done
say "federation $(jq -r .federation_id "$dir/dkg-0.json") is up"

# 5. E-cash: alice gets dev-issued notes and pays bob through a pipe; a second reissue is refused.
fm-mint join "$invite" --data-dir "$dir/alice" >/dev/null
fm-mint join "$invite" --data-dir "$dir/bob" >/dev/null
fm-mint dev-issue 100000 --data-dir "$dir/alice" >/dev/null
fm-mint spend 30000 --data-dir "$dir/alice" | jq -r .notes | tee "$dir/notes.txt" |
    fm-mint reissue - --data-dir "$dir/bob" >/dev/null
if fm-mint reissue "$(cat "$dir/notes.txt")" --data-dir "$dir/alice" >/dev/null 2>&1; then
    say "ERROR: a spent note string was accepted twice"; exit 1
fi
say "notes moved from alice to bob; the same notes a second time: refused (already spent)"

alice=$(fm-mint balance --data-dir "$dir/alice" | jq .balance_msat)
bob=$(fm-mint balance --data-dir "$dir/bob" | jq .balance_msat)
audit=$(fm-node audit --api "$api")
jq -n --argjson alice "$alice" --argjson bob "$bob" --argjson audit "$audit" \
    --argjson dkg "$(cat "$dir/dkg-0.json")" --arg hashes "$hashes" \
    '{federation_id: $dkg.federation_id, consensus_config_hash: $hashes, guardians: $dkg.guardians,
      threshold: $dkg.threshold, invite_code: $dkg.invite_code, alice_msat: $alice, bob_msat: $bob, audit: $audit}'
