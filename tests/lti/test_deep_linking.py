"""Deep Linking: an instructor picks or creates an assessment on our page; the signed
LtiDeepLinkingResponse reaches the LMS double, which checks its signature against our JWKS;
the link it adds opens that assessment."""

from __future__ import annotations

import html
import re
import time

import jwt
import pytest
import requests
from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.courses import Assessment, AssessmentAttempt
from tests.lti.conftest import Tool
from tests.lti.helpers import attempt_of
from tests.support.lti_platform import (
    CLAIM,
    DL,
    STUDENT,
    TEACHER,
    TestPlatform,
    http_client,
    launch,
    new_key,
)

pytestmark = [pytest.mark.xdist_group("lti"), pytest.mark.usefixtures("fresh_platform")]


def returned_form(page: requests.Response) -> tuple[str, str]:
    """The auto-posted answer: where it goes and the JWT."""
    action = re.search(r'<form method="post" action="([^"]+)" id="lti-deep-link-return"', page.text)
    token = re.search(r'name="JWT" value="([^"]+)"', page.text)
    assert action and token, page.text[:1000]
    return html.unescape(action.group(1)), html.unescape(token.group(1))


def test_an_instructor_creates_an_assessment_and_the_lms_takes_the_signed_link(
    tool: Tool, lms: TestPlatform
) -> None:
    client = http_client()
    page = launch(client, lms, TEACHER, "deep-link:course-1")
    assert page.status_code == 200 and "/lti/deep-link/" in page.url
    assert "Choose what this link opens" in page.text
    chosen = client.post(page.url, data={"assessment": "new", "title": "Deep exam",
                                         "lesson": "web-facts", "mode": "exam",
                                         "questions": "2"})  # fmt: skip
    assert chosen.status_code == 200, chosen.text[:500]
    action, token = returned_form(chosen)
    assert action == lms.url + "/deep-link-return"
    # The page may post to the LMS (and only there besides us), inside the LMS's frame.
    policy = chosen.headers["Content-Security-Policy"]
    assert f"form-action 'self' {lms.url};" in policy
    assert f"frame-ancestors {lms.url}" in policy
    # The signed response, as the browser's auto-post delivers it; the LMS verifies it.
    taken = client.post(action, data={"JWT": token})
    assert taken.status_code == 200 and "Link added" in taken.text, lms.deep_link_errors
    claims = lms.deep_links[-1]
    assert claims["aud"] == lms.issuer and claims["iss"] == lms.client_id
    assert claims[CLAIM + "deployment_id"] == lms.deployment_id
    assert str(claims[DL + "data"]).startswith("opaque-")
    (item,) = claims[DL + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["title"] == "Deep exam"
    assert item["lineItem"]["scoreMaximum"] == 2
    assessment_id = int(item["custom"]["assessment"])
    with tool.app.app_context():
        made = get_session().get(Assessment, assessment_id)
        assert made is not None and made.question_count == 2 and made.mode.value == "exam"

    # The page answers once.
    assert client.post(page.url, data={"assessment": str(assessment_id)}).status_code == 410
    # The new link, launched by a student, opens that assessment.
    link_id = f"link-dl-{len(lms.deep_links)}"
    attempt_id = attempt_of(launch(http_client(), lms, STUDENT, link_id))
    with tool.app.app_context():
        taken_attempt = get_session().get(AssessmentAttempt, attempt_id)
        assert taken_attempt is not None and taken_attempt.assessment_id == assessment_id


def test_an_instructor_picks_an_existing_assessment(tool: Tool, lms: TestPlatform) -> None:
    with tool.app.app_context():
        existing = get_session().scalars(select(Assessment).order_by(Assessment.id)).first()
        assert existing is not None
        existing_id, course_id = existing.id, existing.course_id
    client = http_client()
    page = launch(client, lms, TEACHER, "deep-link:course-1")
    assert f'value="{existing_id}"' in page.text
    action, token = returned_form(client.post(page.url, data={"assessment": str(existing_id)}))
    assert client.post(action, data={"JWT": token}).status_code == 200
    (item,) = lms.deep_links[-1][DL + "content_items"]
    assert item["custom"] == {"assessment": str(existing_id)}
    assert course_id  # picked from the instructor's own course


def test_an_assessment_of_another_course_cannot_be_picked(tool: Tool, lms: TestPlatform) -> None:
    client = http_client()
    other = launch(client, lms, TEACHER, "deep-link:course-3")  # another course of the LMS
    page = launch(client, lms, TEACHER, "deep-link:course-1")
    with tool.app.app_context():
        first = get_session().scalars(select(Assessment).order_by(Assessment.id)).first()
        assert first is not None
    refused = client.post(other.url, data={"assessment": str(first.id)})
    assert refused.status_code == 422 and "no such assessment" in refused.text
    assert "lti-deep-link-return" not in refused.text
    assert page.status_code == 200


def test_a_student_s_deep_linking_request_is_refused(tool: Tool, lms: TestPlatform) -> None:
    refused = launch(http_client(), lms, STUDENT, "deep-link:course-1")
    assert refused.status_code == 403 and "choose what a link opens" in refused.text


def test_the_lms_double_refuses_a_response_not_signed_by_the_tool(lms: TestPlatform) -> None:
    """The double's check can fail: a response signed with another key is refused."""
    now = int(time.time())
    forged = jwt.encode({"iss": lms.client_id, "aud": lms.issuer, "iat": now, "exp": now + 60,
                         "nonce": "n", CLAIM + "message_type": "LtiDeepLinkingResponse"},
                        new_key(), algorithm="RS256", headers={"kid": "not-the-tool"})  # fmt: skip
    before = len(lms.deep_links)
    answer = requests.post(lms.url + "/deep-link-return", data={"JWT": forged})
    assert answer.status_code == 400 and len(lms.deep_links) == before
