"""Building blocks of the OpenAPI document: schema helpers, common types and responses.

`quizsvc.api.openapi` (the attempt routes) and `quizsvc.api.courses_openapi` (the course
routes) both build on them, so an error, an id or a date-time reads the same everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from quizsvc import kinds


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _distinct(schemas: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each schema once (kinds share response shapes); ``oneOf`` needs them disjoint."""
    return list({json.dumps(schema, sort_keys=True): schema for schema in schemas}.values())


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


STRING: dict[str, Any] = {"type": "string"}
HTML: dict[str, Any] = {"type": "string", "description": "Sanitized HTML."}
INTEGER: dict[str, Any] = {"type": "integer"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
SCORE: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 1}
TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
URL: dict[str, Any] = {"type": "string", "format": "uri"}
MODE: dict[str, Any] = {"type": "string", "enum": ["practice", "exam"]}
KIND: dict[str, Any] = {"type": "string", "enum": list(kinds.names())}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _too_many(description: str) -> dict[str, Any]:
    wait = {"description": "Seconds until a request is let through again.", "schema": INTEGER}
    return {**_error(description), "headers": {"Retry-After": wait}}


UNAUTHORIZED = _error("No valid token or session.")
NOT_YOURS = _error("No such attempt or question among yours.")
TOO_LARGE = _error("The body is larger than the server accepts (256 KB by default).")
UNAVAILABLE = _error("The database cannot serve the request now; retry after Retry-After seconds.")
# Ids are 32-bit database integers: a larger one names nothing (404).
ID = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
