"""Login sessions on the server: opened at log-in (or when a guest starts), ended at log-out.

The browser's signed cookie holds only a random session token; the database keeps its SHA-256
(see services.credentials). Ending a session deletes its row, so every copy of the cookie stops
working at once: this module is the one place a session is revoked. A session unused for
`idle_lifetime` expires, as the cookie does.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select

from quizsvc.db import get_session
from quizsvc.progress.models import LoginSession, User, utcnow
from quizsvc.services.credentials import delete_own, digest

# Writing last_seen_at on every request would turn each page view into a write.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
MAX_USER_AGENT = 200


def open_session(user: User, *, user_agent: str, idle_lifetime: timedelta) -> str:
    """A new session of `user`; returns its token, which only the cookie keeps."""
    session = get_session()
    # Expired rows would otherwise pile up (guests in particular never log out).
    session.execute(
        delete(LoginSession).where(LoginSession.last_seen_at < utcnow() - idle_lifetime)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            user_id=user.id, token_hash=digest(token), user_agent=user_agent[:MAX_USER_AGENT]
        )
    )
    session.commit()
    user.session_token = token
    return token


def user_for_session(token: str, *, idle_lifetime: timedelta) -> User | None:
    """The user of a live session, with `session_token` set; None when ended or expired."""
    if not token or len(token) > 100:
        return None
    session = get_session()
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == digest(token)))
    if row is None:
        return None
    now = utcnow()
    if now - row.last_seen_at > idle_lifetime:
        session.delete(row)
        session.commit()
        return None
    if now - row.last_seen_at > LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
        session.commit()
    user = row.user
    user.session_token = token
    return user


def end_session(token: str) -> None:
    session = get_session()
    session.execute(delete(LoginSession).where(LoginSession.token_hash == digest(token)))
    session.commit()


def end_session_by_id(user: User, session_id: int) -> None:
    """End one of `user`'s sessions (from the account page's list)."""
    delete_own(LoginSession, session_id, user, "No such session: it may have ended already.")


def end_all_sessions(user: User, *, except_token: str | None = None) -> int:
    """End every session of `user` (but `except_token`'s); returns how many ended."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if except_token is not None:
        query = query.where(LoginSession.token_hash != digest(except_token))
    session = get_session()
    ended = cast(CursorResult[Any], session.execute(query)).rowcount
    session.commit()
    return ended


def list_sessions(user: User) -> list[LoginSession]:
    query = (
        select(LoginSession)
        .where(LoginSession.user_id == user.id)
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
    )
    return list(get_session().scalars(query))


def is_current(row: LoginSession, token: str | None) -> bool:
    return token is not None and secrets.compare_digest(row.token_hash, digest(token))
