"""Personal API tokens: shown once, stored as a SHA-256 hash (see services.credentials),
revocable."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.models import ApiToken, User, utcnow
from quizsvc.services.credentials import delete_own, digest
from quizsvc.services.errors import Conflict, InvalidInput

TOKEN_PREFIX = "qz_"
MAX_TOKENS_PER_USER = 20
# Writing last_used_at on every API call would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its plaintext, which is never stored and cannot be shown again."""
    if user.is_guest:
        raise Conflict("Sign up to create API tokens: a guest's work is tied to this browser.")
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInput("Name the token (up to 80 characters), e.g. 'my notebook'.")
    session = get_session()
    if len(list_tokens(user)) >= MAX_TOKENS_PER_USER:
        raise Conflict(f"You have {MAX_TOKENS_PER_USER} tokens already: revoke one first.")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plaintext[: len(TOKEN_PREFIX) + 6],
        token_hash=digest(plaintext),
    )
    session.add(token)
    session.commit()
    return token, plaintext


def list_tokens(user: User) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
    return list(get_session().scalars(query))


def revoke_token(user: User, token_id: int) -> None:
    delete_own(ApiToken, token_id, user, "No such token.")


def user_for_token(plaintext: str) -> User | None:
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    session = get_session()
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(plaintext)))
    if token is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.commit()
    return token.user
