#!/usr/bin/env python3
"""Checks deploy/schemas/examples against the JSON Schemas (draft 2020-12).

Every file under examples/<kind>/valid/ must validate against <kind>.schema.json. Every file
under examples/<kind>/invalid/ whose entry in examples/expectations.json has "schema": true
must fail validation; entries with "schema": false are rules a schema cannot express (a
timestamp relative to the receiver's clock, one field before another) and only the decoder
enforces them. The Swift tests check the decoder against the same files.

Needs the `jsonschema` package. Usage: python3 deploy/tools/check-schema-examples.py
"""
import glob
import json
import os
import sys

from jsonschema import Draft202012Validator

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas")


def main():
    with open(os.path.join(ROOT, "examples", "expectations.json"), encoding="utf-8") as f:
        expectations = json.load(f)["invalid"]
    failures = 0
    checked = 0
    for schema_path in sorted(glob.glob(os.path.join(ROOT, "*.schema.json"))):
        kind = os.path.basename(schema_path)[: -len(".schema.json")]
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema)
        for path in sorted(glob.glob(os.path.join(ROOT, "examples", kind, "*", "*.json"))):
            rel = os.path.relpath(path, os.path.join(ROOT, "examples"))
            with open(path, encoding="utf-8") as f:
                instance = json.load(f)
            errors = list(validator.iter_errors(instance))
            checked += 1
            if "/valid/" in "/" + rel.replace(os.sep, "/"):
                if errors:
                    failures += 1
                    print(f"FAIL {rel}: should be valid: {errors[0].message}")
            else:
                expected = expectations.get(rel.replace(os.sep, "/"))
                if expected is None:
                    failures += 1
                    print(f"FAIL {rel}: no entry in expectations.json")
                elif expected["schema"] and not errors:
                    failures += 1
                    print(f"FAIL {rel}: the schema accepts it")
                elif not expected["schema"] and errors:
                    failures += 1
                    print(f"FAIL {rel}: marked decoder-only but the schema rejects it: {errors[0].message}")
    print(f"{checked} examples checked, {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
