"""Accounts and page helpers for the instructor tests."""

from __future__ import annotations

import html
import re

from flask import Flask

from quizsvc.progress.models import Role
from quizsvc.services import accounts
from tests.support.site import TEST_HASH_METHOD
from tests.web.helpers import PASSWORD

INSTRUCTOR = "prof@example.org"
STUDENT = "ada@example.org"


def make_user(app: Flask, email: str, *, instructor: bool = False) -> int:
    with app.app_context():
        role = Role.INSTRUCTOR if instructor else Role.STUDENT
        return accounts.create_user(email, PASSWORD, hash_method=TEST_HASH_METHOD, role=role).id


def text(fragment: str) -> str:
    """The visible text of a page, on one line, entities decoded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()
