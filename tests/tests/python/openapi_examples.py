"""Checks every example of an OpenAPI 3.1 document against its schema.

openapi-spec-validator checks the document's structure, not that its examples
fit their schemas; this does, with the OpenAPI 3.1 dialect and its formats
(`date`, `date-time`, `uuid`, `int32`...). Usage: python openapi_examples.py FILE...
Prints one line per example that does not fit and exits 1 if any does not.
"""

import sys

import yaml
from openapi_schema_validator import OAS31Validator


def examples(document):
    """Yields (where, schema, value) for each example of the document."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            here = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                for name, example in parameter.get("examples", {}).items():
                    yield f"{here} parameter {parameter['name']} example {name}", parameter["schema"], example["value"]
            bodies = [("request body", operation.get("requestBody", {}).get("content", {}))]
            bodies += [(f"response {status}", r.get("content", {})) for status, r in operation["responses"].items()]
            for where, content in bodies:
                for media in content.values():
                    for name, example in media.get("examples", {}).items():
                        yield f"{here} {where} example {name}", media["schema"], example["value"]


def main(files):
    failed = 0
    for file in files:
        with open(file, encoding="utf-8") as f:
            document = yaml.safe_load(f)
        count = 0
        for where, schema, value in examples(document):
            count += 1
            # `#/components/...` references resolve against this root.
            root = {"components": document.get("components", {}), "allOf": [schema]}
            validator = OAS31Validator(root, format_checker=OAS31Validator.FORMAT_CHECKER)
            for error in validator.iter_errors(value):
                failed += 1
                print(f"{file}: {where}: {error.message}")
        print(f"{file}: {count} examples checked")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
