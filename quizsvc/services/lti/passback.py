"""Grade passback with Assignment and Grade Services, retried with backoff.

When an attempt taken through a link is finished (by the learner or its deadline) its
``LtiAttempt`` becomes due in the finishing transaction (``progress.lti.mark_due``, called by
``services.progress_events``): the score is ours before anything is sent. Sending asks the
platform's token URL for an access token (client credentials, with a client assertion signed by
the tool's key), finds or creates the link's line item, and posts the score. A failure is
recorded with its reason and tried again after 1, 2, 4, ... minutes, and given up after
``MAX_TRIES``, until resent by hand (``quizsvc lti resend``). Sending runs on the task queue:
the finishing request asks for a job (``services.background.send_lti_scores``), the worker's
periodic task sends the retries that fell due, ``quizsvc lti passback`` does so by hand; each
claims a score before sending it (``_claim``), so they never send one twice at once.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlalchemy import select, update

from quizsvc.db import get_session
from quizsvc.progress.courses import (
    Assessment,
    AssessmentAttempt,
    Release,
    assessment_of,
    results_withheld,
)
from quizsvc.progress.lti import LtiAttempt, LtiLink, LtiPlatform, Passback
from quizsvc.progress.models import Attempt, utcnow
from quizsvc.services.lti.keys import ToolKey

logger = logging.getLogger("quizsvc.lti")

SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MAX_TRIES = 8
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=2)
HTTP_TIMEOUT = 10.0
# A sender holds a due score this long: another sender (the periodic task, the command, a
# second job for the same attempt) leaves it alone meanwhile, and picks it up after a crash.
SEND_LEASE = timedelta(minutes=2)
# (token URL, client id, scopes) -> (token, expiry); keyed by the URL, not a row id, so a
# re-registered or another database's platform never gets a token issued to another.
_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}


class PassbackError(Exception):
    """One failed exchange with the platform; the message is kept for the instructor."""


@dataclass(frozen=True)
class ScoreState:
    attempt_id: int
    user: str
    link: str
    score: float | None
    passback: Passback
    tries: int
    last_error: str
    next_try_at: datetime | None


def due(now: datetime | None = None) -> list[int]:
    now = now or utcnow()
    query = select(LtiAttempt.attempt_id).where(
        LtiAttempt.passback == Passback.DUE, LtiAttempt.next_try_at <= now
    )
    return list(get_session().scalars(query.order_by(LtiAttempt.next_try_at)))


def in_course(attempt_id: int, course_id: int) -> bool:
    """Whether this LMS score belongs to an assessment of the course (what its staff may see)."""
    found = get_session().scalar(
        select(AssessmentAttempt.attempt_id)
        .join(Assessment, Assessment.id == AssessmentAttempt.assessment_id)
        .join(LtiAttempt, LtiAttempt.attempt_id == AssessmentAttempt.attempt_id)
        .where(AssessmentAttempt.attempt_id == attempt_id, Assessment.course_id == course_id)
    )
    return found is not None


def resend(attempt_id: int) -> None:
    """Make a score due again at once (an instructor's resend after the platform was fixed)."""
    row = get_session().get(LtiAttempt, attempt_id)
    if row is not None and row.attempt.finished_at is not None:
        row.passback, row.tries, row.next_try_at = Passback.DUE, 0, utcnow()
        get_session().commit()


def _claim(attempt_id: int) -> bool:
    """Take a due score whose time has come, in one statement: of two senders racing for it,
    one sends and the other finds it taken (so a score is never sent twice at once)."""
    now = utcnow()
    claimed = get_session().execute(
        update(LtiAttempt)
        .where(
            LtiAttempt.attempt_id == attempt_id,
            LtiAttempt.passback == Passback.DUE,
            LtiAttempt.next_try_at <= now,
        )
        .values(next_try_at=now + SEND_LEASE)
        .execution_options(synchronize_session=False)
    )
    get_session().commit()
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def send(attempt_id: int, key: ToolKey) -> Passback:
    """Send one score if it is due now; record the outcome (and the next try after a
    failure). Idempotent: a score that is sent, waiting for its retry, or being sent by
    another worker is left as it is, and its state returned."""
    session = get_session()
    if not _claim(attempt_id):
        row = session.get(LtiAttempt, attempt_id)
        return row.passback if row else Passback.NO_SERVICE
    row = session.get(LtiAttempt, attempt_id)
    assert row is not None
    session.refresh(row)
    link = row.link
    if SCOPE_SCORE not in link.ags_scopes or not (link.lineitem_url or link.lineitems_url):
        row.passback, row.next_try_at = Passback.NO_SERVICE, None
        session.commit()
        return row.passback
    if _withheld(row):
        session.commit()
        return row.passback
    try:
        _post_score(row, key)
    except PassbackError as exc:
        row.tries += 1
        row.last_error = str(exc)[:2000]
        if row.tries >= MAX_TRIES:
            row.passback, row.next_try_at = Passback.GAVE_UP, None
        else:
            delay = min(FIRST_DELAY * 2 ** (row.tries - 1), MAX_DELAY)
            row.next_try_at = utcnow() + delay
        logger.warning("lti passback of attempt %s failed (try %s): %s", attempt_id, row.tries, exc)
    else:
        row.passback, row.sent_at, row.next_try_at, row.last_error = (
            Passback.SENT, utcnow(), None, ""
        )  # fmt: skip
    session.commit()
    return row.passback


def _withheld(row: LtiAttempt) -> bool:
    """An assessment that releases results after it closes, or never, must not show them in
    the LMS's gradebook earlier than here: the score waits (still due) until the last close,
    or, released never, until the instructor changes the release setting."""
    session = get_session()
    if not results_withheld(session, row.attempt):
        return False
    assessment = assessment_of(session, row.attempt)
    assert assessment is not None
    row.next_try_at = assessment.last_close() if assessment.release is Release.AFTER_CLOSE else None
    row.last_error = (
        "Waiting for the assessment's results to be released (after it closes)."
        if row.next_try_at is not None
        else "The assessment never releases results: change its release setting, then resend it."
    )
    return True


def send_due(key: ToolKey) -> list[tuple[int, Passback]]:
    """Send every score that is due now (the periodic task and ``quizsvc lti passback``)."""
    return [(attempt_id, send(attempt_id, key)) for attempt_id in due()]


def _post_score(row: LtiAttempt, key: ToolKey) -> None:
    link, attempt = row.link, row.attempt
    platform = link.platform
    maximum = float(len(attempt.questions))
    scopes = [s for s in (SCOPE_LINEITEM, SCOPE_SCORE) if s in link.ags_scopes]
    token = access_token(platform, key, scopes)
    lineitem = link.lineitem_url or _find_or_create_lineitem(link, token, maximum)
    finished = attempt.finished_at or utcnow()
    score = {
        "userId": row.account.sub,
        "scoreGiven": round((attempt.score or 0.0) * maximum, 6),
        "scoreMaximum": maximum,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": finished.isoformat(timespec="milliseconds"),
    }
    _request(
        "POST", _scores_url(lineitem), token, score,
        content_type="application/vnd.ims.lis.v1.score+json",
    )  # fmt: skip


def _scores_url(lineitem: str) -> str:
    """``{lineitem}/scores``, the query string (if any) kept after the path."""
    parts = urlsplit(lineitem)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _find_or_create_lineitem(link: LtiLink, token: str, maximum: float) -> str:
    assert link.lineitems_url is not None
    parts = urlsplit(link.lineitems_url)
    query = "&".join(
        filter(None, [parts.query, urlencode({"resource_link_id": link.resource_link_id})])
    )
    found = _request("GET", urlunsplit(parts._replace(query=query)), token,
                     accept="application/vnd.ims.lis.v2.lineitemcontainer+json")  # fmt: skip
    items = [i for i in found or [] if i.get("resourceLinkId") == link.resource_link_id]
    if items:
        url = str(items[0]["id"])
    else:
        item = {
            "scoreMaximum": maximum,
            "label": link.title or "quizsvc",
            "resourceLinkId": link.resource_link_id,
            "tag": "quizsvc",
        }
        created = _request("POST", link.lineitems_url, token, item,
                           content_type="application/vnd.ims.lis.v2.lineitem+json")  # fmt: skip
        url = str(created["id"])
    link.lineitem_url = url
    return url


def access_token(platform: LtiPlatform, key: ToolKey, scopes: list[str]) -> str:
    """A bearer token for ``scopes`` (cached until shortly before it expires)."""
    wanted = " ".join(scopes)
    cached = _tokens.get((platform.access_token_url, platform.client_id, wanted))
    if cached and cached[1] > time.time():
        return cached[0]
    now = int(time.time())
    assertion = key.sign({
        "iss": platform.client_id, "sub": platform.client_id, "aud": platform.access_token_url,
        "iat": now, "exp": now + 300, "jti": secrets.token_urlsafe(16),
    })  # fmt: skip
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": wanted,
    }
    body = _http("POST", platform.access_token_url, urlencode(form).encode(),
                 {"Content-Type": "application/x-www-form-urlencoded",
                  "Accept": "application/json"})  # fmt: skip
    try:
        token = str(body["access_token"])
        lifetime = float(body.get("expires_in", 3600))
    except (KeyError, TypeError, ValueError):
        raise PassbackError("the token URL answered without an access_token") from None
    _tokens[(platform.access_token_url, platform.client_id, wanted)] = (
        token,
        time.time() + max(lifetime - 60, 0),
    )
    return token


def _request(
    method: str, url: str, token: str, payload: dict[str, Any] | None = None, *,
    content_type: str = "application/json", accept: str = "application/json",
) -> Any:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}", "Accept": accept}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = content_type
    return _http(method, url, data, headers)


def _http(method: str, url: str, data: bytes | None, headers: dict[str, str]) -> Any:
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise PassbackError(f"{method} {url} answered {exc.code}: {detail}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise PassbackError(f"{method} {url} failed: {exc}") from None
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise PassbackError(f"{method} {url} answered something that is not JSON") from None


def states(limit: int = 200, course_id: int | None = None) -> list[ScoreState]:
    """The latest passbacks with their state, newest first (``quizsvc lti scores``); of one
    course's assessments when `course_id` is given (its staff's page)."""
    query = (
        select(LtiAttempt)
        .join(Attempt, Attempt.id == LtiAttempt.attempt_id)
        .order_by(Attempt.id.desc())
        .limit(limit)
    )
    if course_id is not None:
        query = (
            query.join(AssessmentAttempt, AssessmentAttempt.attempt_id == LtiAttempt.attempt_id)
            .join(Assessment, Assessment.id == AssessmentAttempt.assessment_id)
            .where(Assessment.course_id == course_id)
        )
    return [
        ScoreState(
            row.attempt_id,
            row.account.user.name if row.account.user else row.account.sub,
            row.link.title or row.link.resource_link_id,
            row.attempt.score,
            row.passback,
            row.tries,
            row.last_error,
            row.next_try_at,
        )
        for row in get_session().scalars(query)
    ]
