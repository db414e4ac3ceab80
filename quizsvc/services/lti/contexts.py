"""The LMS course behind a launch, and the course assessment behind a resource link.

An LMS context (issuer, deployment, context id) is one of our courses. An instructor's first
launch creates it (title from the context claim); a learner who comes first is told their
instructor has not set it up yet, so a course never exists without someone to run it. Every
launch enrolls the launching user with the role of their LTI roles claim (``course_role``).

A resource link opens one assessment of that course, kept in ``LtiLink.assessment_ref``:
chosen through Deep Linking (custom ``assessment=<id>``, which must belong to the context's
course), or created on the link's first launch from the custom parameters ``lesson=<id>``,
``mode=practice|exam`` and ``questions=N``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizsvc.db import get_session
from quizsvc.progress.courses import Assessment, AssessmentMode, Course, CourseRole
from quizsvc.progress.lti import LtiAccount, LtiContext, LtiLink, LtiMember, LtiPlatform
from quizsvc.progress.models import utcnow
from quizsvc.services import courses
from quizsvc.services.attempts import MAX_QUESTIONS
from quizsvc.services.errors import InvalidInput, NotFound
from quizsvc.services.lti.launch import CLAIM, LaunchRefused

NOT_SET_UP = (
    "Your instructor has not set this up yet: the course opens here once your instructor has "
    "launched this tool from the LMS course. Try again later."
)
# The principal roles of the LTI vocabulary (membership, institution and system roles end the
# same way); a TeachingAssistant sub-role wins over the Instructor principal it comes with.
_INSTRUCTOR = ("#Instructor", "#Administrator")
_TA = ("#TeachingAssistant",)
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def course_role(roles: list[str]) -> CourseRole:
    """The course role of an LTI roles claim: Instructor or Administrator: instructor;
    TeachingAssistant: teaching assistant; anything else (Learner, Mentor, none): student."""
    if any(role.endswith(_TA) for role in roles):
        return CourseRole.TA
    if any(role.endswith(_INSTRUCTOR) for role in roles):
        return CourseRole.INSTRUCTOR
    return CourseRole.STUDENT


def find_context(issuer: str, deployment_id: str, context_id: str) -> LtiContext | None:
    return get_session().scalar(
        select(LtiContext).where(
            LtiContext.issuer == issuer,
            LtiContext.deployment_id == deployment_id,
            LtiContext.context_id == context_id,
        )
    )


def context_of_launch(
    platform: LtiPlatform, claims: dict[str, Any], account: LtiAccount
) -> LtiContext | None:
    """The launch's context, its course created on an instructor's first launch, and the
    launching user enrolled with their claimed role; None for a launch without a context."""
    context_claim = claims.get(CLAIM + "context") or {}
    context_id = str(context_claim.get("id") or "")
    if not context_id:
        return None
    issuer, deployment = str(claims["iss"]), str(claims[CLAIM + "deployment_id"])
    role = course_role(account.roles)
    context = find_context(issuer, deployment, context_id)
    title = str(context_claim.get("title") or context_claim.get("label") or "LMS course")
    if context is None:
        if role is not CourseRole.INSTRUCTOR:
            raise LaunchRefused(NOT_SET_UP, 409)
        context = _create(platform, issuer, deployment, context_id, title, account)
    context.title = title[:255]
    nrps = claims.get(NRPS_CLAIM) or {}
    if nrps.get("context_memberships_url"):
        context.memberships_url = str(nrps["context_memberships_url"])
    courses.enroll(course_of(context), account.user, role)  # commits
    remember_member(context, account, role)
    get_session().commit()
    return context


def _create(
    platform: LtiPlatform, issuer: str, deployment: str, context_id: str, title: str,
    account: LtiAccount,
) -> LtiContext:  # fmt: skip
    session = get_session()
    session.commit()  # the account (a first launch) exists before its course
    course = courses.open_course(account.user, title, term="", timezone="UTC")
    context = LtiContext(
        issuer=issuer, deployment_id=deployment, context_id=context_id,
        platform_id=platform.id, course_id=course.id, title=title[:255],
    )  # fmt: skip
    session.add(context)
    try:
        session.commit()
    except IntegrityError:  # two instructors' first launches at once: keep the first course
        session.rollback()
        session.delete(course)
        session.commit()
        found = find_context(issuer, deployment, context_id)
        assert found is not None
        return found
    return context


def remember_member(context: LtiContext, account: LtiAccount, role: CourseRole) -> LtiMember:
    """The LMS says ``account`` is in the context now (a launch or a roster sync)."""
    session = get_session()
    member = session.get(LtiMember, (context.id, account.id))
    if member is None:
        member = LtiMember(context_id=context.id, account_id=account.id, role=role.value)
        session.add(member)
    member.role, member.seen_at, member.removed_at = role.value, utcnow(), None
    return member


def course_of(context: LtiContext) -> Course:
    course = get_session().get(Course, context.course_id)
    assert course is not None
    return course


def context_of_course(course_id: int) -> LtiContext | None:
    """The LMS context a course was created for (None: a course made on our pages)."""
    return get_session().scalar(select(LtiContext).where(LtiContext.course_id == course_id))


# --- the link's assessment ---------------------------------------------------------------------


def _mode(value: Any) -> AssessmentMode:
    text = str(value or AssessmentMode.EXAM.value)
    if text not in (AssessmentMode.PRACTICE.value, AssessmentMode.EXAM.value):
        raise LaunchRefused(f"The link's custom parameter mode={value!r} is not one of practice, "
                            "exam.")  # fmt: skip
    return AssessmentMode(text)


def _questions(value: Any, default: int) -> int:
    if value in (None, ""):
        return min(default, MAX_QUESTIONS)
    try:
        count = int(str(value))
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_QUESTIONS:
        raise LaunchRefused(
            f"The link's custom parameter questions={value!r} must be a whole number from 1 "
            f"to {MAX_QUESTIONS}."
        )
    return count


def assessment_in(context: LtiContext, assessment_id: Any) -> Assessment:
    """An assessment of the context's course by id; refused for any other course's."""
    try:
        wanted = int(str(assessment_id))
        return courses.get_assessment(context.course_id, wanted)
    except (ValueError, NotFound):
        raise LaunchRefused(
            f"This link names assessment {assessment_id!r}, which is not an assessment of this "
            "course. Your instructor chooses it again (Deep Linking) from the LMS.", 404,
        ) from None  # fmt: skip


def link_assessment(
    link: LtiLink, context: LtiContext, custom: dict[str, Any], default_questions: int
) -> Assessment | None:
    """The assessment the link opens: the one Deep Linking named (custom ``assessment``), the
    one made on an earlier launch, or one made now from ``lesson``/``mode``/``questions``;
    None while the link names nothing."""
    if custom.get("assessment") not in (None, ""):
        assessment = assessment_in(context, custom["assessment"])
        link.assessment_ref = str(assessment.id)
        return assessment
    if link.assessment_ref:
        try:
            return courses.get_assessment(context.course_id, int(link.assessment_ref))
        except (ValueError, NotFound):
            link.assessment_ref = None  # deleted, or the link moved to another course: remake
    lesson_id = str(custom.get("lesson") or "")
    if not lesson_id:
        return None
    spec = courses.AssessmentSpec(
        title=(link.title or lesson_id)[:120],
        lesson_ids=[lesson_id],
        question_count=_questions(custom.get("questions"), default_questions),
        mode=_mode(custom.get("mode")),
        attempts_allowed=None,  # as a link always did; the instructor may limit it
    )
    try:
        assessment = courses.open_assessment(course_of(context), spec)
    except (InvalidInput, NotFound) as exc:
        raise LaunchRefused(f"The link's custom parameters do not make an assessment: "
                            f"{exc.message}") from None  # fmt: skip
    link.assessment_ref = str(assessment.id)
    return assessment
