"""Failures a service reports to its caller, each with a message a learner can act on.

The web and API layers translate them into an HTTP status; the service never does.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base class; `status` is the HTTP status that fits, `message` is for people."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """Missing, or not yours: the two are indistinguishable on purpose."""

    status = 404


class Conflict(ServiceError):
    """The request is valid but the state forbids it (a finished attempt, a locked answer)."""

    status = 409


class InvalidInput(ServiceError):
    """Malformed input that costs the learner nothing (an unparseable number, no choice)."""

    status = 422


class Unauthorized(ServiceError):
    status = 401


class Forbidden(ServiceError):
    """Known and visible to the caller, but their role does not allow this change (a TA)."""

    status = 403
