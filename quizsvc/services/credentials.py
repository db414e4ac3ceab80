"""What personal API tokens and login sessions share: random bearer secrets stored as a hash,
and rows a user may delete only when they are their own.

A secret has 256 bits of randomness, so a fast hash is enough (no salt or slow KDF: there is
nothing to brute-force), and a lookup stays one indexed query.
"""

from __future__ import annotations

import hashlib

from quizsvc.db import Base, get_session
from quizsvc.progress.models import User
from quizsvc.services.errors import NotFound


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def delete_own(model: type[Base], row_id: int, user: User, missing: str) -> None:
    """Delete `user`'s row `row_id` of `model`; anyone else's is NotFound, as is a missing one."""
    session = get_session()
    row = session.get(model, row_id)
    if row is None or getattr(row, "user_id", None) != user.id:
        raise NotFound(missing)
    session.delete(row)
    session.commit()
