"""Request bodies: an oversized one is refused with 413 before it is read, and the API finds the
caller before it reads a body (an anonymous 300 MB POST once grew a worker by 900 MB)."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.api.conftest import make_token

HUGE = 300 * 1024 * 1024


class Body:
    """A request body of `size` bytes that counts what the server reads of it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.position
        n = left if n is None or n < 0 else min(n, left)
        self.position += n
        self.read_bytes += n
        return b"a" * n

    # The test client measures the body by seeking to its end, without reading it.
    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def readline(self, limit: int = -1) -> bytes:
        return self.read(limit if limit > 0 else 65536)


def post(client: FlaskClient, url: str, body: Body, **headers: str) -> TestResponse:
    return client.post(url, input_stream=body, headers=headers)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/login", "application/x-www-form-urlencoded"),
        ("/guest", "application/x-www-form-urlencoded"),
        ("/api/v1/attempts", "application/json"),
    ],
)
def test_an_oversized_body_is_refused_unread(
    client: FlaskClient, url: str, content_type: str
) -> None:
    body = Body(HUGE)
    response = post(client, url, body, **{"Content-Type": content_type, "Accept": "text/html"})
    assert response.status_code == 413
    assert body.read_bytes == 0
    if url.startswith("/api/"):
        assert response.get_json()["error"]["code"] == 413
    else:
        page = response.get_data(as_text=True)
        assert 'class="site-header"' in page and "256 KB" in page
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_chunked_body_is_cut_off_at_the_limit(client: FlaskClient, app: Flask) -> None:
    """Without a Content-Length (chunked upload), reading stops at the limit."""
    body = Body(HUGE)
    response = client.post(
        "/login",
        input_stream=body,  # type: ignore[arg-type]
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Transfer-Encoding": "chunked",
            "Accept": "text/html",
        },
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn sets it
    )
    assert response.status_code == 413
    assert body.read_bytes == app.config["MAX_CONTENT_LENGTH"] + 1


def test_a_small_chunked_body_is_read_as_usual(app: Flask, client: FlaskClient) -> None:
    token = make_token(app, "api@example.org")
    response = client.post(
        "/api/v1/attempts",
        input_stream=io.BytesIO(b'{"lesson_id": "no-such-lesson"}'),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 404  # the body was read: the lesson is unknown


def test_the_limit_leaves_room_for_real_forms(client: FlaskClient) -> None:
    """A long but plausible answer (a page of text) is still read and judged."""
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * 100_000})
    assert response.status_code == 422  # a wrong password, not a refused body


def test_the_api_finds_the_caller_before_it_reads_the_body(app: Flask, client: FlaskClient) -> None:
    url = "/api/v1/attempts/1/questions/1/answer"
    body = Body(200 * 1024)  # under the limit: only authentication stops it
    response = post(client, url, body, **{"Content-Type": "application/json"})
    assert response.status_code == 401
    assert body.read_bytes == 0
    bad = post(client, url, Body(10), **{"Authorization": "Bearer qz_nobody"})
    assert bad.status_code == 401
    token = make_token(app, "api@example.org")
    known = post(client, url, Body(10), **{"Authorization": f"Bearer {token}"})
    assert known.status_code == 400  # now the body is read, and it is not JSON
