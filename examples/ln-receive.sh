#!/usr/bin/env bash
# Receive over Lightning as e-cash: alice asks the gateway for an invoice (fm-ln-pay receive), a node outside the
# federation pays it, and alice's wallet claims the notes (fm-ln-pay await).
#   examples/ln-receive.sh DIR [BASE_PORT]      # fm-* on PATH (source bin/activate); ports BASE_PORT…+5
# Progress on stderr; a JSON summary on stdout. Stops everything it started on exit.
set -euo pipefail
dir=${1:?usage: ln-receive.sh DIR [BASE_PORT]}
base=${2:-18910}
say() { printf 'ln-receive: %s\n' "$*" >&2; }
source "$(dirname "$0")/lib/lightning-federation.sh"

before=$(fm-mint balance --data-dir "$dir/alice" | jq .total_msat)
receive=$(lnpay receive 40000 --description "for alice" --expiry 600)
say "alice's invoice: $(jq -r .invoice <<<"$receive")"
paid=$(ln out pay "$(jq -r .invoice <<<"$receive")")
say "out paid it: preimage $(jq -r .payment_preimage <<<"$paid")"
received=$(lnpay await "$(jq -r .operation_id <<<"$receive")")
say "received $(jq -r .amount_msat <<<"$received") msat (gateway fee $(jq -r .fee_msat <<<"$received") msat)"

jq -n --argjson received "$received" --argjson paid "$paid" --argjson before "$before" \
    --argjson after "$(fm-mint balance --data-dir "$dir/alice" | jq .total_msat)" \
    '{outcome: $received.outcome, amount_msat: $received.amount_msat, fee_msat: $received.fee_msat,
      payer_status: $paid.status, alice_before_msat: $before, alice_after_msat: $after}'
