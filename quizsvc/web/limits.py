"""What one request may carry, checked before any view, form or CSRF check reads it.

* Body size: a body over MAX_CONTENT_LENGTH is refused with 413 unread when it announces its
  length, and after at most that many bytes when it is chunked.
"""

from __future__ import annotations

import io

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge


def too_large() -> RequestEntityTooLarge:
    limit_kb = int(current_app.config["MAX_CONTENT_LENGTH"]) // 1024
    return RequestEntityTooLarge(
        f"This request is larger than the {limit_kb} KB we accept. Nothing was saved; "
        "shorten what you sent and try again."
    )


def _check_body_size() -> None:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is None:
        return
    length = request.content_length
    if length is not None:
        if length > limit:
            raise too_large()
        return
    environ = request.environ
    if not environ.get("wsgi.input_terminated"):
        return  # no length and no chunked framing: werkzeug reads no body at all
    # Chunked: read up to one byte past the limit, then serve the buffered body as a sized one.
    body = environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        raise too_large()
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ.pop("wsgi.input_terminated")


def init_app(app: Flask) -> None:
    """Register first: these checks must run before anything else reads the request."""
    app.before_request(_check_body_size)
