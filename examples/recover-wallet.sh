#!/usr/bin/env bash
# Lose a wallet, keep its 12 words, get the e-cash back: a 1-guardian dev federation, a wallet that gets notes and
# pays some away, then its data directory is deleted and `fm-mint recover` rebuilds it from the mnemonic alone.
#   examples/recover-wallet.sh DIR PORT            # fm-* on PATH (source bin/activate)
# The guardian listens for peers on PORT and serves its API on PORT+1. Progress on stderr; a JSON summary on
# stdout. The guardian is stopped on exit.
#
# TEST/DEV ONLY: the trusted dealer and `fm-mint dev-issue`; recovery itself works the same on any federation.
set -euo pipefail
dir=${1:?usage: recover-wallet.sh DIR PORT}
port=${2:?usage: recover-wallet.sh DIR PORT}
say() { printf 'recover-wallet: %s\n' "$*" >&2; }

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

# The wallet gets notes, pays 20,000 msat to someone (those notes are reissued, so spent), and keeps the rest.
fm-mint join "$invite" --data-dir "$dir/wallet" >/dev/null
fm-mint dev-issue 50000 --data-dir "$dir/wallet" >/dev/null
fm-mint join "$invite" --data-dir "$dir/friend" >/dev/null
fm-mint spend 20000 --data-dir "$dir/wallet" | jq -r .notes | fm-mint reissue - --data-dir "$dir/friend" >/dev/null
before=$(fm-mint balance --data-dir "$dir/wallet" | jq .balance_msat)
say "the wallet holds $before msat"

# The backup is the mnemonic; then the disk is lost.
( umask 077; fm-mint backup --show-mnemonic --data-dir "$dir/wallet" | jq -r .mnemonic >"$dir/mnemonic.txt" )
rm -rf "$dir/wallet"
say "wallet directory deleted; only $dir/mnemonic.txt (mode $(stat -c %a "$dir/mnemonic.txt")) is left"

# Recovery: the mnemonic and the invite code are all it takes.
fm-mint recover --data-dir "$dir/restored" --mnemonic-file "$dir/mnemonic.txt" "$invite" >"$dir/recover.json"
after=$(fm-mint balance --data-dir "$dir/restored" | jq .balance_msat)
say "recovered $after msat"
[ "$after" = "$before" ] || { say "ERROR: recovered $after msat, the wallet held $before"; exit 1; }

# The restored wallet works: it pays again, with fresh note secrets.
fm-mint spend 5000 --data-dir "$dir/restored" | jq -r .notes | fm-mint reissue - --data-dir "$dir/friend" >/dev/null
rm -f "$dir/mnemonic.txt"
jq -n --argjson before "$before" --argjson after "$after" --argjson recover "$(cat "$dir/recover.json")" \
    --argjson restored "$(fm-mint balance --data-dir "$dir/restored" | jq .balance_msat)" \
    '{balance_before_msat: $before, recovered_msat: $after, after_paying_again_msat: $restored,
      recovery: $recover.modules}'
