"""Names and Roles Provisioning: the course's people as the LMS lists them.

A launch that carries the ``namesroleservice`` claim leaves its membership URL on the context.
A sync (a job asked by an instructor's launch, or the "Sync roster with the LMS" button) takes
a client-credentials token for the ``contextmembership.readonly`` scope, reads every page of
the membership (``rel="next"`` Link headers), creates the accounts it has not seen (by ``sub``,
with name and email), enrolls each member with the role of their roles claim, and marks the
LTI members it no longer lists (or lists as Inactive/Deleted) as removed, taking their seat.
People who joined on our pages (no LMS account of this issuer) are never touched.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.lti import LtiAccount, LtiContext, LtiMember
from quizsvc.progress.models import utcnow
from quizsvc.services import courses
from quizsvc.services.errors import NotFound
from quizsvc.services.lti import contexts, links
from quizsvc.services.lti.keys import ToolKey
from quizsvc.services.lti.passback import HTTP_TIMEOUT, PassbackError, access_token

logger = logging.getLogger("quizsvc.lti")

SCOPE_NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 200  # a roster of 200 pages is a loop in the LMS's links, not a class
_NEXT = re.compile(r'<([^>]+)>\s*;[^,]*\brel="?next"?', re.IGNORECASE)


@dataclass(frozen=True)
class SyncResult:
    members: int  # active members the LMS listed
    added: int  # seats created by this sync
    removed: int  # LTI members marked removed


def context_for_staff(user: Any, course_id: int) -> LtiContext:
    """The LMS context of a course its instructor wants to sync (NotFound otherwise)."""
    courses.instructor_course(user, course_id)
    context = contexts.context_of_course(course_id)
    if context is None or not context.memberships_url:
        raise NotFound("This course has no LMS roster to sync (launch it from the LMS first).")
    return context


def _get(url: str, token: str) -> tuple[Any, str | None]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE}
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            raw, link = response.read(), response.headers.get("Link", "")
    except urllib.error.HTTPError as exc:
        raise PassbackError(f"GET {url} answered {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise PassbackError(f"GET {url} failed: {exc}") from None
    try:
        body = json.loads(raw)
    except ValueError:
        raise PassbackError(f"GET {url} answered something that is not JSON") from None
    found = _NEXT.search(link or "")
    return body, found.group(1) if found else None


def fetch_members(context: LtiContext, key: ToolKey) -> list[dict[str, Any]]:
    """Every member on every page of the context's membership."""
    assert context.memberships_url is not None
    token = access_token(context.platform, key, [SCOPE_NRPS])
    url: str | None = context.memberships_url
    members: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        if url is None:
            return members
        body, url = _get(url, token)
        members.extend(m for m in (body or {}).get("members", []) if isinstance(m, dict))
    raise PassbackError(f"the membership has more than {MAX_PAGES} pages")


def sync(context_id: int, key: ToolKey) -> SyncResult:
    """Make the course's LTI members those the LMS lists; the error is kept on the context."""
    session = get_session()
    context = session.get(LtiContext, context_id)
    if context is None or not context.memberships_url:
        return SyncResult(0, 0, 0)
    try:
        listed = fetch_members(context, key)
    except PassbackError as exc:
        context.last_sync_error = str(exc)[:2000]
        session.commit()
        logger.warning("roster sync of context %s failed: %s", context_id, exc)
        raise
    course = contexts.course_of(context)
    seated = {m.user_id for m in course.memberships}
    active: set[int] = set()
    added = 0
    for member in listed:
        sub = str(member.get("user_id") or "")
        if not sub or str(member.get("status") or "Active") != "Active":
            continue
        account = links.account_of(context.issuer, sub, member)
        session.flush()
        role = contexts.course_role([str(r) for r in member.get("roles") or []])
        if account.user_id not in seated:
            added += 1
        courses.enroll(course, account.user, role)
        contexts.remember_member(context, account, role)
        active.add(account.id)
    removed = 0
    gone = session.scalars(
        select(LtiMember).where(
            LtiMember.context_id == context.id,
            LtiMember.removed_at.is_(None),
            LtiMember.account_id.not_in(active),
        )
    )
    for left in list(gone):
        former = session.get(LtiAccount, left.account_id)
        if former is None or former.issuer != context.issuer:
            continue
        if courses.withdraw(course, former.user_id):
            left.removed_at = utcnow()
            removed += 1
    context.synced_at, context.last_sync_error = utcnow(), ""
    session.commit()
    return SyncResult(len(active), added, removed)
