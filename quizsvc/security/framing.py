"""Who may frame a page, and the cookies a page in a frame needs (issue 18).

Every page refuses to be framed (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``)
except pages reached through an LTI launch, which the launching platform's origin may frame:

* the LTI launch pages allow the origin of the platform they serve (:func:`allow_framing`,
  set per response, since inside a frame they may have no cookie);
* a browser session opened by a launch remembers that origin (:func:`remember_frame_origin`),
  and its quiz and course pages (the blueprints in ``FRAMABLE_BLUEPRINTS``: a student's
  attempt, the assessment page where an instructor's launch lands) allow it too. Account,
  instructor and log-in pages never do.

Forms post to our own origin only (``form-action 'self'``), except the one page that hands the
LMS its Deep Linking answer, which may post to the LMS's return URL (:func:`allow_form_post`).

A framable response carries no ``X-Frame-Options`` (it cannot name an origin). The session
cookie of a launched session, which holds the CSRF secret too, is ``SameSite=None; Secure`` so
the LMS's frame (a third-party context) keeps it.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface

FRAMABLE_BLUEPRINTS = frozenset({"quiz", "courses"})
SESSION_KEY = "lti_frame_origin"


def allow_framing(origin: str) -> None:
    """Let ``origin`` frame this response."""
    g.frame_origin = origin


def remember_frame_origin(origin: str) -> None:
    """This browser session came from a launch by ``origin``: its quiz pages may be framed."""
    session[SESSION_KEY] = origin


def frame_origin() -> str | None:
    """The origin allowed to frame this response, or None (refuse every frame)."""
    origin: str | None = g.get("frame_origin")
    if origin is None and request.blueprint in FRAMABLE_BLUEPRINTS:
        origin = session.get(SESSION_KEY)
    return origin


def allow_form_post(origin: str) -> None:
    """This response's form may post to ``origin`` as well as to us."""
    g.form_origin = origin


def form_origin() -> str | None:
    origin: str | None = g.get("form_origin")
    return origin


def content_security_policy(base: str, origin: str | None, form: str | None = None) -> str:
    policy = base
    if form is not None:
        policy = policy.replace("form-action 'self'", f"form-action 'self' {form}")
    if origin is None:
        return policy
    return policy.replace("frame-ancestors 'none'", f"frame-ancestors {origin}")


def _framed_session() -> bool:
    return has_request_context() and bool(session.get(SESSION_KEY))


class FramableSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session; a launched session's cookie works in a third-party frame."""

    def get_cookie_samesite(self, app: Flask) -> str | None:
        return "None" if _framed_session() else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return True if _framed_session() else super().get_cookie_secure(app)
