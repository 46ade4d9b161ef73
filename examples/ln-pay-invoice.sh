#!/usr/bin/env bash
# Pay a Lightning invoice with e-cash: alice's wallet pays an invoice of a node outside the federation through the
# gateway (fm-ln-pay pay), and gets the preimage, the proof of payment.
#   examples/ln-pay-invoice.sh DIR [BASE_PORT]      # fm-* on PATH (source bin/activate); ports BASE_PORT…+5
# Progress on stderr; a JSON summary on stdout. Stops everything it started on exit.
set -euo pipefail
dir=${1:?usage: ln-pay-invoice.sh DIR [BASE_PORT]}
base=${2:-18900}
say() { printf 'ln-pay-invoice: %s\n' "$*" >&2; }
source "$(dirname "$0")/lib/lightning-federation.sh"

before=$(fm-mint balance --data-dir "$dir/alice" | jq .total_msat)
bolt11=$(ln out invoice 50000 coffee "a coffee" | jq -r .bolt11)
say "out's invoice: $bolt11"
payment=$(lnpay pay "$bolt11" --max-fee 5000)
say "paid: preimage $(jq -r .preimage <<<"$payment"), fee $(jq -r .fee_msat <<<"$payment") msat"

jq -n --argjson payment "$payment" --argjson before "$before" \
    --argjson after "$(fm-mint balance --data-dir "$dir/alice" | jq .total_msat)" \
    --argjson invoice "$(ln out listinvoices coffee | jq '.invoices[0]')" \
    '{outcome: $payment.outcome, preimage: $payment.preimage, amount_msat: $payment.amount_msat,
      fee_msat: $payment.fee_msat, invoice_status: $invoice.status, invoice_payment_hash: $invoice.payment_hash,
      alice_before_msat: $before, alice_after_msat: $after}'
