"""API tests: the web tests' set-up, plus a registered learner with a personal token."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizsvc.services import accounts, tokens
from tests.web.helpers import PASSWORD, TEST_HASH_METHOD, configure


@pytest.fixture(scope="session")
def figure_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("figures")


@pytest.fixture
def app(app: Flask, figure_cache: Path) -> Flask:
    return configure(app, figure_cache)


def make_token(app: Flask, email: str) -> str:
    with app.app_context():
        user = accounts.create_user(email, PASSWORD, hash_method=TEST_HASH_METHOD)
        _, plaintext = tokens.create_token(user, "tests")
    return plaintext


@pytest.fixture
def token(app: Flask) -> str:
    return make_token(app, "api@example.org")


@pytest.fixture
def api(client: FlaskClient, token: str) -> FlaskClient:
    """A client that sends the token on every request."""
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client
