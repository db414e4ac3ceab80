"""Schemathesis reads the OpenAPI document and throws generated requests (valid and invalid) at
every operation as a learner with a token, and the course routes as an instructor with a
course: no 5xx, and every response matches the document.

The number of examples is bounded so that the suite stays fast; derandomized, so a failure in
CI is the same failure on a laptop. (The document is loaded from quizsvc.api.openapi, which is
what /api/v1/openapi.json serves; test_openapi checks that they agree.)
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from quizsvc.api.openapi import document
from quizsvc.progress.models import Role
from quizsvc.services import accounts, courses, tokens
from tests.api.conftest import make_token
from tests.support.site import TEST_HASH_METHOD
from tests.web.helpers import LESSON, PASSWORD

EXAMPLES_PER_OPERATION = 10  # plus schemathesis's own boundary cases (about 10-40 per operation)

pytestmark = pytest.mark.slow

schema = schemathesis.openapi.from_dict(document())
# A body the schema allows may still be refused, with a 422 and a message, for what a schema
# does not say: an unknown lesson id, a close before the open, a NUL character or an unpaired
# surrogate in a string. So "schema-valid data is accepted" is not one of the checks.


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
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {fuzz_token}"},
        excluded_checks=[positive_data_acceptance],
    )


@pytest.fixture
def instructor_token(app: Flask) -> str:
    """An instructor with a course (id 1) and an assessment in it, so that generated requests
    reach the course routes' bodies, not only their 403 and 404."""
    with app.app_context():
        user = accounts.create_user(
            "fuzz-instructor@example.org", PASSWORD, hash_method=TEST_HASH_METHOD,
            role=Role.INSTRUCTOR,
        )  # fmt: skip
        _, plaintext = tokens.create_token(user, "tests")
        course = courses.create_course(user, "Fuzzing 101", "T", "Europe/Athens")
        spec = courses.AssessmentSpec(title="Quiz", lesson_ids=[LESSON])
        courses.create_assessment(user, course.id, spec)
    return plaintext


course_schema = schema.include(path_regex="^/courses")


@course_schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_course_api_keeps_to_its_document_for_an_instructor(
    case: schemathesis.Case, app: Flask, instructor_token: str
) -> None:
    case.operation.schema.app = app
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {instructor_token}"},
        excluded_checks=[positive_data_acceptance],
    )
