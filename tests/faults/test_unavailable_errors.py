"""Which database errors mean "unavailable now" (503) rather than a bug in our statement."""

from __future__ import annotations

import psycopg
from sqlalchemy import exc as sa_exc

from quizsvc.db import is_unavailable


def _wrapped(error: Exception) -> sa_exc.DBAPIError:
    return sa_exc.DBAPIError.instance("SELECT 1", None, error, psycopg.Error)


def test_a_programming_error_raised_while_cleaning_up_a_lost_connection_is_unavailable() -> None:
    # psycopg's pre-ping on a socket the server closed: the OperationalError is replaced by a
    # ProgrammingError from resetting autocommit in a `finally` (seen through the fault proxy).
    try:
        try:
            raise psycopg.OperationalError("connection socket closed")
        finally:
            raise psycopg.ProgrammingError("can't change 'autocommit' now")
    except psycopg.ProgrammingError as error:
        wrapped = _wrapped(error)
    assert isinstance(wrapped, sa_exc.ProgrammingError)
    assert is_unavailable(wrapped)


def test_a_plain_programming_error_is_our_fault_not_the_databases() -> None:
    wrapped = _wrapped(psycopg.ProgrammingError('column "nope" does not exist'))
    assert not is_unavailable(wrapped)
