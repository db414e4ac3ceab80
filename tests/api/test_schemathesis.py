"""Schemathesis reads the OpenAPI document and throws generated requests (valid and invalid) at
every operation as a learner with a token: no 5xx, and every response matches the document.

The number of examples is bounded so that the suite stays fast; derandomized, so a failure in
CI is the same failure on a laptop. (The document is loaded from quizsvc.api.openapi, which is
what /api/v1/openapi.json serves; test_openapi checks that they agree.)
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from quizsvc.api.openapi import document
from tests.api.conftest import make_token

EXAMPLES_PER_OPERATION = 10  # plus schemathesis's own boundary cases (about 10-40 per operation)

pytestmark = pytest.mark.slow

schema = schemathesis.openapi.from_dict(document())


@pytest.fixture
def fuzz_token(app: Flask) -> str:
    return make_token(app, "fuzz@example.org")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_openapi_document(
    case: schemathesis.Case, app: Flask, fuzz_token: str
) -> None:
    case.operation.schema.app = app  # its probes (e.g. without the token) go here too
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {fuzz_token}"})
