"""Checks API responses against the OpenAPI document's own schemas.

A small validator for the JSON Schema subset the document uses (type, properties, required,
additionalProperties, items, enum, oneOf, minimum, maximum, $ref), so the tests need no extra
dependency and fail with the path of the first mismatch.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from quizsvc.api.openapi import document

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def errors(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return errors(value, root["components"]["schemas"][name], root, path)
    if "oneOf" in schema:
        matches = [s for s in schema["oneOf"] if not errors(value, s, root, path)]
        if len(matches) != 1:
            return [f"{path}: matches {len(matches)} of the oneOf schemas, not exactly one"]
        return []
    found: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        expected = _TYPES[kind]
        is_bool = isinstance(value, bool)
        if not isinstance(value, expected) or (is_bool and kind in ("integer", "number")):
            return [f"{path}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        found.append(f"{path}: {value} < {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        found.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{path}: missing {name!r}")
        for name, item in value.items():
            if name in properties:
                found += errors(item, properties[name], root, f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{path}: unexpected property {name!r}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += errors(item, schema["items"], root, f"{path}[{i}]")
    return found


def operation(path: str, method: str) -> dict[str, Any]:
    return document()["paths"][path][method.lower()]


def checked(response: TestResponse, path: str, method: str = "get") -> TestResponse:
    """Assert that `response` is one the document describes for this operation, then return it."""
    described = operation(path, method)["responses"]
    status = str(response.status_code)
    assert status in described, f"{method.upper()} {path}: status {status} is not documented"
    content = described[status]["content"]
    mimetype = response.mimetype
    assert mimetype in content, f"{method.upper()} {path} {status}: {mimetype} not documented"
    if mimetype == "application/json":
        problems = errors(response.get_json(), content[mimetype]["schema"], document())
        assert not problems, f"{method.upper()} {path} {status}: {problems}"
    return response


def call(client: FlaskClient, method: str, url: str, path: str, **kwargs: Any) -> TestResponse:
    """Send a request and validate its response against the operation at `path`."""
    response = client.open(url, method=method.upper(), **kwargs)
    return checked(response, path, method)
