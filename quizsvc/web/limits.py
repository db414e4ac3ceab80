"""What one request may carry, checked before any view, form or CSRF check reads it.

* Body size: a body over MAX_CONTENT_LENGTH is refused with 413 unread when it announces its
  length, and after at most that many bytes when it is chunked.
* NUL characters in the path, form fields and query arguments are refused with 400:
  PostgreSQL cannot store them in text, and no field of ours has a use for them.
* Ids in URLs are 32-bit, like the database columns they name: a larger number is a 404, not a
  query PostgreSQL refuses.
"""

from __future__ import annotations

import io

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in our routes: non-negative and no larger than a database integer."""

    def __init__(self, url_map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)  # type: ignore[arg-type]


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


NUL_MESSAGE = "Text may not contain NUL characters (\\0); remove them and send it again."


def _refuse_nul_characters() -> None:
    fields = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields.append(request.form)
    texts = [request.path]
    for multidict in fields:
        for key, values in multidict.lists():
            texts += [key, *values]
    if any("\x00" in text for text in texts):
        raise BadRequest(NUL_MESSAGE)


def init_app(app: Flask) -> None:
    """Register first: these checks must run before anything else reads the request."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_check_body_size)
    app.before_request(_refuse_nul_characters)
