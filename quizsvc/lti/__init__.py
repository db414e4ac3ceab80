"""LTI 1.3: the tool's HTTP side (``/lti/...``), beside the pages and the API.

``GET /lti/jwks`` (the tool's public key), ``GET|POST /lti/login`` (OIDC login initiation),
``POST /lti/launch`` (the id_token), ``POST /lti/launch/confirm`` (the state from the
platform's storage, inside a frame that keeps no cookies) and ``/lti/continue/<handoff>`` (the
quiz, in the frame or in a new window); ``/lti/scores`` shows instructors the grade passback.
The checks are :mod:`quizsvc.services.lti`'s; framing
and cookies are :mod:`quizsvc.security.framing`'s. See docs/instructor-tools.md.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response

from quizsvc.security import csrf
from quizsvc.services import progress_events
from quizsvc.services.lti import passback
from quizsvc.services.lti.keys import ToolKey, load_or_create


def tool_key(app: Flask) -> ToolKey:
    """The tool's key pair, from the instance folder (created there on first use)."""
    key: ToolKey | None = app.extensions.get("quizsvc.lti.key")
    if key is None:
        key = app.extensions["quizsvc.lti.key"] = load_or_create(Path(app.instance_path))
    return key


def send_scores(app: Flask, attempt_ids: list[int]) -> None:
    """Send these due scores now, each failure recorded for its retry."""
    with app.app_context():
        key = tool_key(app)
        for attempt_id in attempt_ids:
            passback.send(attempt_id, key)


def init_app(app: Flask) -> None:
    from quizsvc.lti.routes import CROSS_SITE, bp

    for view in CROSS_SITE:  # posted from the LMS's pages: state, nonce, signature protect them
        csrf.exempt(view)
    app.register_blueprint(bp)

    @app.after_request
    def _send_due_scores(response: Response) -> Response:
        # A request that finished a linked attempt sends its score once it has answered, so
        # the learner never waits on the LMS; failures wait for `quizsvc lti passback`.
        due = progress_events.lti_scores_due()
        if due:
            response.call_on_close(lambda: send_scores(app, due))
        return response
