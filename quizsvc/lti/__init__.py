"""LTI 1.3: the tool's HTTP side (``/lti/...``), beside the pages and the API.

``GET /lti/jwks`` (the tool's public key), ``GET|POST /lti/login`` (OIDC login initiation),
``POST /lti/launch`` (the id_token), ``POST /lti/launch/confirm`` (the state from the
platform's storage, inside a frame that keeps no cookies) and ``/lti/continue/<handoff>`` (the
quiz or staff page, in the frame or in a new window), ``/lti/deep-link/<handoff>`` (an
instructor picks or creates the assessment of a new link); ``/lti/scores`` shows instructors
the grade passback.
The checks are :mod:`quizsvc.services.lti`'s; framing
and cookies are :mod:`quizsvc.security.framing`'s. See docs/instructor-tools.md.
"""

from __future__ import annotations

from flask import Flask, Response

from quizsvc.security import csrf
from quizsvc.services import progress_events
from quizsvc.services.background import background
from quizsvc.services.lti.keys import tool_key

__all__ = ["init_app", "tool_key"]


def init_app(app: Flask) -> None:
    from quizsvc.lti.routes import CROSS_SITE, bp

    for view in CROSS_SITE:  # posted from the LMS's pages: state, nonce, signature protect them
        csrf.exempt(view)
    app.register_blueprint(bp)

    @app.after_request
    def _send_due_scores(response: Response) -> Response:
        # A request that finished a linked attempt hands its score to the task queue, so the
        # learner never waits on the LMS. Not `response.call_on_close`: a server calls that
        # only if the client reads the whole response, and a browser that resets the
        # connection after a redirect (Chromium does, after a POST) left the score due.
        due = progress_events.lti_scores_due()
        if due:
            background(app).send_lti_scores(due)
        return response
