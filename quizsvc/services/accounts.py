"""Accounts: sign-up, log-in, guests and the guest-to-account hand-over.

A guest is a real user row without an email, so everything a guest does is stored like anyone
else's work; signing up fills in that same row, which is why nothing needs copying.
"""

from __future__ import annotations

import functools
import re
import secrets

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from quizsvc.db import get_session
from quizsvc.progress.models import Attempt, Role, User, utcnow
from quizsvc.services import progress_events, sessions
from quizsvc.services.errors import Conflict, InvalidInput, NotFound

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    email = normalize_email(email)
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise InvalidInput("Enter an email address such as ada@example.org.")
    return email


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"Use a password of at most {MAX_PASSWORD_LENGTH} characters.")
    return password


def hash_password(password: str, method: str) -> str:
    """A hash of an acceptable password; `method` is Settings.password_hash_method."""
    return generate_password_hash(check_password(password), method=method)


def get_user(user_id: int) -> User | None:
    return get_session().get(User, user_id)


def find_by_email(email: str) -> User | None:
    return get_session().scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    email: str,
    password: str,
    *,
    hash_method: str,
    role: Role = Role.STUDENT,
    display_name: str = "",
) -> User:
    """A new account; a taken email is a Conflict."""
    user = User(
        email=check_email(email),
        password_hash=hash_password(password, hash_method),
        role=role,
        display_name=display_name.strip()[:80],
        is_guest=False,
    )
    return _save_new_account(user)


def set_role(email: str, role: Role) -> User:
    user = find_by_email(email)
    if user is None:
        raise NotFound(f"No account has the email {normalize_email(email)!r}.")
    user.role = role
    get_session().commit()
    return user


def create_guest() -> User:
    session = get_session()
    user = User(is_guest=True, role=Role.STUDENT)
    session.add(user)
    session.commit()
    return user


def sign_up(
    email: str,
    password: str,
    display_name: str = "",
    guest: User | None = None,
    *,
    hash_method: str,
) -> User:
    """Create an account; when a guest signs up, their row becomes the account and keeps
    every attempt they made."""
    if guest is None or not guest.is_guest:
        return create_user(email, password, hash_method=hash_method, display_name=display_name)
    guest.email = check_email(email)
    guest.password_hash = hash_password(password, hash_method)
    guest.display_name = display_name.strip()[:80]
    guest.is_guest = False
    return _save_new_account(guest)


def _save_new_account(user: User) -> User:
    session = get_session()
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict("An account with this email exists already: log in instead.") from None
    return user


@functools.cache
def _stand_in_hash(method: str) -> str:
    """A hash of a random password, made once per method: an unknown email is checked against
    it, so a failed log-in does the same hashing work whether or not the account exists."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def authenticate(email: str, password: str, *, hash_method: str) -> User | None:
    """The account for these credentials, or None; never says which of the two was wrong.
    `hash_method` is that of new hashes, which the stand-in for an unknown email matches."""
    user = find_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_stand_in_hash(hash_method), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    get_session().commit()
    return user


def change_password(user: User, current: str, new: str, *, hash_method: str) -> int:
    """Change the password of a logged-in user who knows the current one; see set_password."""
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise InvalidInput("Your current password is not right.")
    return set_password(user, new, hash_method=hash_method)


def set_password(user: User, password: str, *, hash_method: str) -> int:
    """A new password, and every login session of the account ends: changing the password is
    how a person locks out whoever else had it (or a copy of a session cookie). Returns how
    many sessions ended; the caller opens a new one for the browser that made the change."""
    user.password_hash = hash_password(password, hash_method)
    return sessions.end_all_sessions(user)  # commits the new hash too


def merge_guest(guest: User, into: User) -> None:
    """A guest who logs in to an existing account brings their attempts along."""
    if not guest.is_guest or guest.id == into.id:
        return
    session = get_session()
    session.execute(update(Attempt).where(Attempt.user_id == guest.id).values(user_id=into.id))
    progress_events.on_guest_merged(guest.id, into.id)
    session.delete(guest)
    session.commit()
