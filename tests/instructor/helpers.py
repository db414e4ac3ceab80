"""Accounts and page helpers for the instructor tests."""

from __future__ import annotations

import html
import re

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.progress.models import Role
from quizsvc.services import accounts
from tests.web.helpers import PASSWORD, TEST_HASH_METHOD

INSTRUCTOR = "prof@example.org"
STUDENT = "ada@example.org"


def make_user(app: Flask, email: str, *, instructor: bool = False) -> int:
    with app.app_context():
        role = Role.INSTRUCTOR if instructor else Role.STUDENT
        return accounts.create_user(email, PASSWORD, hash_method=TEST_HASH_METHOD, role=role).id


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def text(fragment: str) -> str:
    """The visible text of a page, on one line, entities decoded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()
