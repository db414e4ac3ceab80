"""Taking a launched quiz over HTTP, and waiting for what the LMS received."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.lti import LtiAttempt
from tests.lti.conftest import Tool
from tests.web.helpers import correct_response, form_data, stored_questions

T = TypeVar("T")


def csrf_token(page: str) -> str:
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def attempt_of(response: requests.Response) -> int:
    match = re.search(r"/attempts/(\d+)/questions/\d+$", response.url)
    assert match, (response.status_code, response.url, response.text[:500])
    return int(match.group(1))


def answer_all_and_finish(
    client: requests.Session, tool: Tool, attempt_id: int, review: bool = True
) -> None:
    """Every question answered right, then finished, through the quiz pages (which show the
    review, unless the assessment withholds results)."""
    questions = stored_questions(tool.app, attempt_id)
    for question in questions:
        url = f"{tool.url}/attempts/{attempt_id}/questions/{question.position}"
        token = csrf_token(client.get(url).text)
        data = form_data(question.variant, correct_response(question.variant))
        answered = client.post(url, data={**data, "csrf_token": token})
        assert answered.status_code == 200, answered.text[:500]
    token = csrf_token(client.get(f"{tool.url}/attempts/{attempt_id}/questions/1").text)
    finished = client.post(f"{tool.url}/attempts/{attempt_id}/finish", data={"csrf_token": token})
    assert finished.status_code == 200 and ("/review" in finished.url) == review, finished.url


def eventually(probe: Callable[[], T | None], what: str, tries: int = 300) -> T:
    """``probe()`` once it returns something: the score is sent after the response."""
    for _ in range(tries):
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def passback_row(tool: Tool, attempt_id: int) -> dict[str, Any]:
    with tool.app.app_context():
        row = get_session().scalar(select(LtiAttempt).where(LtiAttempt.attempt_id == attempt_id))
        assert row is not None
        return {"passback": row.passback.value, "tries": row.tries, "error": row.last_error,
                "score": row.attempt.score, "questions": len(row.attempt.questions)}  # fmt: skip
