#!/usr/bin/env python3
"""Extracts the test vectors of BIP-174 (bitcoin/bips, bip-0174.mediawiki) into JSON.

Usage: git -C <bips checkout> show HEAD:bip-0174.mediawiki | python3 extract_bip174_vectors.py <commit> > bip174_vectors.json
Sections: "invalid" and "valid" PSBTs (case text + base64), "fails_signer_checks", and the
role walk-through ("roles": every "must create this PSBT" base64 with the paragraph before it).
"""
import json
import re
import sys

text = sys.stdin.read()
body = text[text.index("==Test Vectors=="):]
sections = {"invalid": [], "valid": [], "fails_signer_checks": []}
current = "invalid"
case = None
roles, paragraph = [], []
in_roles = False
for line in body.splitlines():
    if line.startswith("The following are valid PSBTs"):
        current = "valid"
    elif line.startswith("Fails Signer checks"):
        current = "fails_signer_checks"
    elif line.startswith("The private keys in the tests below"):
        in_roles = True
    m = re.match(r"\* Case: (.*)", line)
    if m and not in_roles:
        case = m.group(1)
    m = re.match(r"\*+ Base64 String: <pre>(.*)</pre>", line)
    if m:
        if in_roles:
            roles.append({"context": " ".join(paragraph).strip(), "base64": m.group(1)})
            paragraph = []
        else:
            sections[current].append({"case": case, "base64": m.group(1)})
        continue
    if in_roles and not line.startswith("* Bytes in Hex") and line.strip():
        paragraph.append(line.strip())
        paragraph = paragraph[-12:]
    if line.startswith("==") and "Test Vectors" not in line and in_roles:
        break
out = {"source": {"repo": "bitcoin/bips", "path": "bip-0174.mediawiki", "commit": sys.argv[1] if len(sys.argv) > 1 else ""}}
out.update(sections)
out["roles"] = roles
tail = body[body.index("a transaction extractor must create this Bitcoin transaction"):]
out["extracted_transaction"] = re.search(r"<pre>([0-9a-f]+)</pre>", tail).group(1)
print(json.dumps(out, indent=2))
