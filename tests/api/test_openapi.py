"""The OpenAPI document is valid OpenAPI 3.1, describes exactly the routes the API has, and the
response check built on it rejects what the document does not allow."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import OpenAPIV31SpecValidator

from quizsvc.api.openapi import document
from tests.api.schema import errors

PREFIX = "/api/v1"


def routes(app: Flask) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len(PREFIX) :])
        for method in rule.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                found.add((path, method.lower()))
    return found


def documented() -> set[tuple[str, str]]:
    return {(path, method) for path, ops in document()["paths"].items() for method in ops}


def test_every_route_is_documented_and_every_documented_route_exists(app: Flask) -> None:
    assert routes(app) == documented()


def test_document_is_served_and_is_openapi_3_1(client: FlaskClient) -> None:
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["openapi"].startswith("3.1")
    assert body == document()


def test_path_parameters_are_declared(app: Flask) -> None:
    for path, ops in document()["paths"].items():
        names = set(re.findall(r"{([a-z_]+)}", path))
        for op in ops.values():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == names, path


def test_every_reference_resolves() -> None:
    doc = document()
    schemas = doc["components"]["schemas"]

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if "$ref" in node else []
            return own + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    for ref in refs(doc):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas


def test_document_is_valid_openapi_3_1() -> None:
    problems = [error.message for error in OpenAPIV31SpecValidator(document()).iter_errors()]
    assert problems == []


USER = {"id": 1, "name": "Ada", "guest": False, "role": "student"}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({**USER, "id": "1"}, "$.id: '1' is not of type 'integer'"),
        ({**USER, "id": True}, "$.id: True is not of type 'integer'"),
        ({k: v for k, v in USER.items() if k != "guest"}, "$: 'guest' is a required property"),
        ({**USER, "extra": 1}, "$: Additional properties are not allowed ('extra' was unexpected)"),
        ({**USER, "role": "admin"}, "$.role: 'admin' is not one of ['student', 'instructor']"),
    ],
)
def test_the_response_check_names_what_the_document_forbids(body: Any, problem: str) -> None:
    assert errors(USER, "components", "schemas", "User") == []
    assert errors(body, "components", "schemas", "User") == [problem]


def attempt(started_at: str) -> dict[str, Any]:
    links = {"self": "/api/v1/attempts/1", "review": "/attempts/1/review", "page": "/attempts/1"}
    return {
        "id": 1, "kind": "lesson", "mode": "practice", "lesson_id": "l", "title": "L",
        "question_count": 1, "answered": 0, "position": 1, "started_at": started_at,
        "deadline": None, "finished_at": None, "score": None, "links": links,
        "questions": [{"position": 1, "answered": False, "correct": None, "url": "/q/1"}],
    }  # fmt: skip


def test_the_response_check_follows_references_and_formats() -> None:
    listing = ("paths", "/attempts", "get", "responses", "200", "content", "application/json")
    good = attempt("2024-01-01T00:00:00Z")
    assert errors({"attempts": [good]}, *listing, "schema") == []
    assert errors({"attempts": [{**good, "answered": "0"}]}, *listing, "schema") == [
        "$.attempts[0].answered: '0' is not of type 'integer'"
    ]  # through the $ref to Attempt
    assert errors({"attempts": [{**good, "score": 1.5}]}, *listing, "schema") == [
        "$.attempts[0].score: 1.5 is not valid under any of the given schemas"
    ]  # oneOf [number 0..1, null]
    assert errors(attempt("yesterday"), "components", "schemas", "Attempt") == [
        "$.started_at: 'yesterday' is not a 'date-time'"
    ]
