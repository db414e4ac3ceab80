"""Deep Linking: an instructor picks (or creates) the assessment a new LMS link opens.

The LMS sends an ``LtiDeepLinkingRequest`` launch; after the usual checks
(:mod:`.launch`) and the instructor's course (:mod:`.contexts`), our page offers the course's
assessments and a short form for a new one. The answer is an ``LtiDeepLinkingResponse`` JWT
signed with the tool's key (``iss`` our client id, ``aud`` the platform's issuer, the
request's deployment id, its ``data`` echoed) holding one ``ltiResourceLink`` content item:
its title, the custom parameter ``assessment=<id>`` (which later launches of the link open,
only inside this course) and a line item with the assessment's ``scoreMaximum``. The browser
posts it to the request's ``deep_link_return_url``.

The page is keyed by the launch's one-time handoff token rather than by a cookie, so it works
inside an LMS frame that keeps no third-party cookies; it is answered once.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.courses import Assessment, Course
from quizsvc.progress.lti import LtiContext, LtiLogin
from quizsvc.progress.models import User, utcnow
from quizsvc.services import accounts, courses
from quizsvc.services.lti import contexts
from quizsvc.services.lti.keys import ToolKey
from quizsvc.services.lti.launch import CLAIM, DEEP_LINKING, DL_CLAIM, LaunchRefused

CHOICE_LIFETIME = timedelta(hours=1)  # time to choose, from the deep-linking launch
RESPONSE_LIFETIME = 300  # seconds the signed answer is valid for the LMS


@dataclass(frozen=True)
class Request:
    """An open deep-linking request: who asked, for which course, where to answer."""

    login: LtiLogin
    user: User
    context: LtiContext
    course: Course
    return_url: str
    title: str  # the LMS's suggested title, if any


@dataclass(frozen=True)
class Answer:
    """The signed response and where the browser posts it."""

    return_url: str
    jwt: str
    assessment: Assessment


def open_request(handoff: str) -> Request:
    """The deep-linking request behind ``handoff``: recent, unanswered, an instructor's."""
    session = get_session()
    login = session.scalar(select(LtiLogin).where(LtiLogin.handoff == handoff)) if handoff else None
    claims = login.claims if login else None
    if (
        login is None
        or claims is None
        or claims.get(CLAIM + "message_type") != DEEP_LINKING
        or login.launched_at is None
        or utcnow() - login.launched_at > CHOICE_LIFETIME
    ):
        raise LaunchRefused("This choice is unknown or has expired: start again from the LMS.", 404)
    if login.handed_off_at is not None:
        raise LaunchRefused("This link was chosen already: start again from the LMS.", 410)
    context = contexts.find_context(
        str(claims["iss"]), str(claims[CLAIM + "deployment_id"]),
        str((claims.get(CLAIM + "context") or {}).get("id") or ""),
    )  # fmt: skip
    user = accounts.get_user(login.user_id) if login.user_id else None
    if context is None or user is None:
        raise LaunchRefused("This choice is unknown: start again from the LMS.", 404)
    courses.instructor_course(user, context.course_id)  # still its instructor
    settings = claims.get(DL_CLAIM + "deep_linking_settings") or {}
    return_url, title = str(settings["deep_link_return_url"]), str(settings.get("title") or "")
    return Request(login, user, context, contexts.course_of(context), return_url, title)


def choices(request: Request) -> list[Assessment]:
    return courses.assessments_of(request.course)


def answer(
    request: Request, key: ToolKey, assessment_id: int | None,
    spec: courses.AssessmentSpec | None = None,
) -> Answer:  # fmt: skip
    """Sign the content item for the chosen assessment, or for one created from ``spec`` by
    the request's instructor (the course services check both)."""
    if assessment_id is not None:
        assessment = courses.get_assessment(request.course.id, assessment_id)
    elif spec is not None:
        assessment = courses.create_assessment(request.user, request.course.id, spec)
    else:
        raise LaunchRefused("Choose an assessment, or create one.", 422)
    claims = request.login.claims or {}
    settings = claims.get(DL_CLAIM + "deep_linking_settings") or {}
    platform = request.login.platform
    now = int(time.time())
    # The questions an attempt will have (a pool smaller than the count gives fewer), which
    # is the scoreMaximum of each score sent (services.lti.passback).
    pool = courses.templates_of(assessment.lesson_ids, assessment.objectives,
                                assessment.template_ids)  # fmt: skip
    maximum = min(assessment.question_count, len(pool)) or assessment.question_count
    item: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": assessment.title,
        "custom": {"assessment": str(assessment.id)},
        "lineItem": {
            "scoreMaximum": maximum,
            "label": assessment.title,
            "resourceId": f"quizsvc-assessment-{assessment.id}",
        },
    }
    response: dict[str, Any] = {
        "iss": platform.client_id, "aud": platform.issuer, "iat": now,
        "exp": now + RESPONSE_LIFETIME, "nonce": secrets.token_urlsafe(16),
        CLAIM + "deployment_id": claims[CLAIM + "deployment_id"],
        CLAIM + "message_type": "LtiDeepLinkingResponse", CLAIM + "version": "1.3.0",
        DL_CLAIM + "content_items": [item],
    }  # fmt: skip
    if "data" in settings:
        response[DL_CLAIM + "data"] = settings["data"]
    request.login.handed_off_at = utcnow()  # answered once
    get_session().commit()
    return Answer(request.return_url, key.sign(response), assessment)
