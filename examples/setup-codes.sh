#!/usr/bin/env bash
# Makes N guardian identities in one directory and collects their setup codes
# as JSON lines: the file every guardian hands to fm-dkg.
#   examples/setup-codes.sh DIR [N]        # fm-* on PATH (source bin/activate)
#   jq -r .name DIR/setup-codes.jsonl
set -euo pipefail
dir=${1:?usage: setup-codes.sh DIR [N]}
count=${2:-4}
mkdir -p "$dir"
: >"$dir/setup-codes.jsonl"
for i in $(seq 0 $((count - 1))); do
    # Each guardian keeps its own passphrase; here they live beside the identities, mode 0600.
    pass="$dir/guardian-$i.pass"
    [ -f "$pass" ] || { head -c 24 /dev/urandom | base64 >"$pass"; chmod 600 "$pass"; }
    fm-keygen --dir "$dir/guardian-$i" --name "guardian-$i" --force \
        --p2p-url "fm://127.0.0.1:$((28173 + 10 * i))" --api-url "ws://127.0.0.1:$((28174 + 10 * i))" \
        --passphrase-file "$pass" >>"$dir/setup-codes.jsonl"
done
echo "wrote $count setup codes to $dir/setup-codes.jsonl" >&2
