"""Checks API responses against the OpenAPI document's own schemas.

The document is OpenAPI 3.1, whose schemas are JSON Schema 2020-12: jsonschema validates each
body against the operation's schema, resolving ``$ref`` inside the whole document, and checks
formats (date-time) too. That the document itself is valid OpenAPI is tested with
openapi-spec-validator in test_openapi.py.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

from quizsvc.api.openapi import document

DOCUMENT_URI = "urn:quizsvc:openapi"


@cache
def _registry() -> Registry:
    return Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document()))


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def errors(value: Any, *where: str) -> list[str]:
    """Where ``value`` breaks the schema at path ``where`` in the document, one line each."""
    validator = Draft202012Validator(
        {"$ref": f"{DOCUMENT_URI}#{_pointer(*where)}"},
        registry=_registry(),
        format_checker=FormatChecker(),
    )
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(value)]


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
        where = ("paths", path, method.lower(), "responses", status, "content", mimetype)
        problems = errors(response.get_json(), *where, "schema")
        assert not problems, f"{method.upper()} {path} {status}: {problems}"
    return response


def call(client: FlaskClient, method: str, url: str, path: str, **kwargs: Any) -> TestResponse:
    """Send a request and validate its response against the operation at `path`."""
    response = client.open(url, method=method.upper(), **kwargs)
    return checked(response, path, method)
