"""Decodes BOLT 11 invoices with the independent `bolt11` package (pip: bolt11==2.2.0, bitstring==4.2.3).

stdin: a JSON list of invoice strings; stdout: a JSON list with, per invoice, either the decoded fields or
{"error": "..."}.  Used by Tests/FMBolt11Tests/OracleTests.swift.
"""
import json
import sys

import bolt11


def decoded(text):
    try:
        invoice = bolt11.decode(text)
    except Exception as error:  # the oracle's own message, compared only for presence
        return {"error": f"{type(error).__name__}: {error}"}
    fields = json.loads(json.dumps(invoice.data, default=str))
    bits = invoice.features.data.bin if invoice.features is not None else ""
    fields["feature_bits"] = sorted(i for i, bit in enumerate(reversed(bits)) if bit == "1")
    fields["metadata"] = invoice.metadata
    return fields


print(json.dumps([decoded(text) for text in json.load(sys.stdin)]))
