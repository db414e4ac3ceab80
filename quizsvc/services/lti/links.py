"""What a verified launch opens: the LMS user's account, the link's assessment, an attempt.

The account is found by (issuer, ``sub``) and created on the first launch, without a password
(name and email from the claims; an email another account already uses is not taken, so a
launch can never take over an existing account). A launch from an LMS course opens the link's
assessment in the course behind the context (:mod:`.contexts`): a student starts or resumes
an attempt through the course services (attempts allowed, window, deadline), staff land on the
assessment's page. A launch without a context keeps the older behaviour: the link's lesson
quiz (custom ``lesson``, ``mode``, ``questions``). The link keeps the grade-service endpoints.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.courses import Assessment, CourseRole
from quizsvc.progress.lti import LtiAccount, LtiAttempt, LtiContext, LtiLink, LtiLogin
from quizsvc.progress.models import Attempt, Mode, Role, User, utcnow
from quizsvc.services import attempts, catalog, courses
from quizsvc.services.attempts.finishing import close_if_over
from quizsvc.services.background import background
from quizsvc.services.errors import Conflict, InvalidInput
from quizsvc.services.lti import contexts
from quizsvc.services.lti.launch import AGS_CLAIM, CLAIM, DEEP_LINKING, LaunchRefused

HANDOFF_LIFETIME = timedelta(minutes=10)
STAFF_ROLES = ("#Instructor", "#Administrator", "#ContentDeveloper", "#TeachingAssistant")


@dataclass(frozen=True)
class Opened:
    """A launch, opened: who, through which link, and the attempt to show."""

    user: User
    link: LtiLink | None  # None: a deep-linking request (no resource link yet)
    attempt: Attempt | None  # None: the link names nothing yet, or staff launched it
    staff: bool
    context: LtiContext | None = None
    assessment: Assessment | None = None


def is_staff(roles: list[str]) -> bool:
    return any(role.endswith(STAFF_ROLES) for role in roles)


def account_of(issuer: str, sub: str, claims: dict[str, Any]) -> LtiAccount:
    """The account of LMS user ``sub`` (created on first sight: a launch or a roster), its
    name kept up to date; ``claims`` holds ``name``/``email`` (a launch's or a member's)."""
    return _account({**claims, "iss": issuer, "sub": sub}, keep_roles=True)


def _account(claims: dict[str, Any], keep_roles: bool = False) -> LtiAccount:
    session = get_session()
    issuer, sub = str(claims["iss"]), str(claims["sub"])
    roles = [str(r) for r in claims.get(CLAIM + "roles") or []]
    account = session.scalar(
        select(LtiAccount).where(LtiAccount.issuer == issuer, LtiAccount.sub == sub)
    )
    if account is None:
        email = str(claims.get("email") or "").strip().lower() or None
        if email and session.scalar(select(User.id).where(User.email == email)) is not None:
            email = None
        name = str(claims.get("name") or claims.get("given_name") or "")[:80]
        user = User(email=email, display_name=name, password_hash=None, role=Role.STUDENT)
        account = LtiAccount(issuer=issuer, sub=sub, user=user, roles=roles)
        session.add(account)
    if not keep_roles:
        account.roles = roles
    return account


def _link(login: LtiLogin, claims: dict[str, Any]) -> LtiLink:
    session = get_session()
    resource = claims[CLAIM + "resource_link"]
    deployment = str(claims[CLAIM + "deployment_id"])
    link = session.scalar(
        select(LtiLink).where(
            LtiLink.platform_id == login.platform_id,
            LtiLink.deployment_id == deployment,
            LtiLink.resource_link_id == str(resource["id"]),
        )
    )
    if link is None:
        link = LtiLink(
            platform_id=login.platform_id,
            deployment_id=deployment,
            resource_link_id=str(resource["id"]),
        )
        session.add(link)
    link.title = str(resource.get("title") or "")[:255]
    link.context_id = (claims.get(CLAIM + "context") or {}).get("id")
    custom = claims.get(CLAIM + "custom") or {}
    if custom.get("lesson"):
        link.lesson_id = str(custom["lesson"])
        link.mode = _mode(custom.get("mode")).value
        link.questions = _questions(custom.get("questions"))
    endpoint = claims.get(AGS_CLAIM) or {}
    link.lineitem_url = endpoint.get("lineitem") or link.lineitem_url
    link.lineitems_url = endpoint.get("lineitems") or link.lineitems_url
    link.ags_scopes = list(endpoint.get("scope") or [])
    return link


def _mode(value: Any) -> Mode:
    try:
        return Mode(str(value or Mode.EXAM.value))
    except ValueError:
        raise LaunchRefused(
            f"The link's custom parameter mode={value!r} is not one of practice, exam."
        ) from None


def _questions(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        count = int(str(value))
    except ValueError:
        count = 0
    if not 1 <= count <= attempts.MAX_QUESTIONS:
        raise LaunchRefused(
            f"The link's custom parameter questions={value!r} must be a whole number from 1 "
            f"to {attempts.MAX_QUESTIONS}."
        )
    return count


def open_launch(login: LtiLogin, default_questions: int) -> Opened:
    """Account, course, link and attempt of a verified launch; a one-time ``handoff`` lets a
    new window continue it when the frame keeps no cookies."""
    claims = login.claims
    if claims is None or login.handed_off_at is not None:
        raise LaunchRefused("This launch was already opened.", 409)
    session = get_session()
    account = _account(claims)
    session.flush()
    staff = is_staff(account.roles)
    if claims.get(CLAIM + "message_type") == DEEP_LINKING:
        return _open_deep_linking(login, account, staff)
    link = _link(login, claims)
    session.flush()
    context = contexts.context_of_launch(login.platform, claims, account)
    if context is not None:  # inside a course, its role decides: staff see the staff page
        role = contexts.course_role(account.roles)
        staff = role in (CourseRole.INSTRUCTOR, CourseRole.TA)
        if role is CourseRole.INSTRUCTOR:
            _ask_roster(context)
    attempt, assessment = None, None
    if context is not None:
        custom = claims.get(CLAIM + "custom") or {}
        assessment = contexts.link_assessment(link, context, custom, default_questions)
        if assessment is not None and not staff:
            attempt = _assessment_attempt(account, link, assessment)
    elif link.lesson_id is not None:
        attempt = _open_attempt(account, link, default_questions)
    login.user_id = account.user_id
    login.attempt_id = attempt.id if attempt else None
    login.handoff = secrets.token_urlsafe(32)
    session.commit()
    return Opened(account.user, link, attempt, staff, context, assessment)


def _open_deep_linking(login: LtiLogin, account: LtiAccount, staff: bool) -> Opened:
    """An instructor's deep-linking request: their course (created on first launch), and a
    handoff that keys our page to pick or create the assessment."""
    assert login.claims is not None
    if contexts.course_role(account.roles) is not CourseRole.INSTRUCTOR:
        raise LaunchRefused(
            "Only the course's instructors choose what a link opens (Deep Linking).", 403
        )
    context = contexts.context_of_launch(login.platform, login.claims, account)
    if context is None:
        raise LaunchRefused("A deep-linking request must come from an LMS course (context).")
    session = get_session()
    login.user_id = account.user_id
    login.handoff = secrets.token_urlsafe(32)
    session.commit()
    return Opened(account.user, None, None, staff, context)


def _ask_roster(context: LtiContext) -> None:
    """An instructor launched: bring the roster up to date, away from the launch."""
    if context.memberships_url:
        background().sync_lti_roster(context.id)


def _assessment_attempt(account: LtiAccount, link: LtiLink, assessment: Assessment) -> Attempt:
    """Start or resume the student's attempt through the course services (which refuse a
    start outside the window or beyond the attempts allowed), tied to the link for passback."""
    try:
        attempt = courses.start_attempt(account.user, assessment)
    except Conflict as exc:
        raise LaunchRefused(exc.message, 409) from None
    session = get_session()
    if session.get(LtiAttempt, attempt.id) is None:
        session.add(LtiAttempt(attempt_id=attempt.id, link=link, account=account))
    return attempt


def _open_attempt(account: LtiAccount, link: LtiLink, default_questions: int) -> Attempt:
    session = get_session()
    open_one = session.scalar(
        select(Attempt)
        .join(LtiAttempt, LtiAttempt.attempt_id == Attempt.id)
        .where(
            LtiAttempt.link_id == link.id,
            LtiAttempt.account_id == account.id,
            Attempt.finished_at.is_(None),
        )
        .order_by(Attempt.id.desc())
    )
    if open_one is not None:
        close_if_over(open_one)
        if open_one.finished_at is None:
            return open_one
    assert link.lesson_id is not None
    try:
        attempt = attempts.start_lesson_attempt(
            account.user, link.lesson_id, Mode(link.mode), link.questions or default_questions
        )
    except InvalidInput as exc:
        raise LaunchRefused(exc.message) from None
    session.add(LtiAttempt(attempt_id=attempt.id, link=link, account=account))
    return attempt


def take_handoff(handoff: str) -> LtiLogin:
    """The launch a new window continues: once, and within minutes of the launch."""
    session = get_session()
    login = session.scalar(select(LtiLogin).where(LtiLogin.handoff == handoff)) if handoff else None
    if (
        login is None
        or login.handed_off_at is not None
        or login.launched_at is None
        or utcnow() - login.launched_at > HANDOFF_LIFETIME
    ):
        raise LaunchRefused(
            "This link to continue the launch was used already or has expired: open the "
            "assignment in the LMS again.", 410,
        )  # fmt: skip
    login.handed_off_at = utcnow()
    session.commit()
    return login


def set_target(login: LtiLogin, url: str) -> None:
    """Where this launch leads when it opens no attempt (a staff page)."""
    login.target = url[:300]
    get_session().commit()


def login_of_handoff(handoff: str) -> LtiLogin | None:
    """The launch behind a handoff token, without using it (the frame's own check)."""
    return get_session().scalar(select(LtiLogin).where(LtiLogin.handoff == handoff))


def lesson_choices() -> list[tuple[str, str]]:
    """(id, title) of the lessons a link can open, for the page of a link that names none."""
    return [(lesson.id, lesson.title) for lesson in catalog.lessons() if lesson.questions]
