"""API tests: a registered learner with a personal token."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizsvc.services import accounts, tokens
from tests.support.site import TEST_HASH_METHOD
from tests.web.helpers import PASSWORD


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
