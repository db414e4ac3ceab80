"""LTI 1.3 against the LMS double, over HTTP: registration, login, launch and every refusal,
accounts by (issuer, sub), and the score reaching the line item (with retries)."""

from __future__ import annotations

import os
import stat
import time

import pytest
import requests
from sqlalchemy import func, select

from quizsvc.db import get_session
from quizsvc.progress.lti import LtiAccount, LtiAttempt
from quizsvc.progress.models import User
from tests.lti.conftest import Tool
from tests.lti.helpers import (
    answer_all_and_finish,
    attempt_of,
    csrf_token,
    eventually,
    passback_row,
)
from tests.support.lti_platform import (
    CLAIM,
    STUDENT,
    TEACHER,
    LmsUser,
    TestPlatform,
    auto_post,
    http_client,
    launch,
    new_key,
)

pytestmark = [pytest.mark.xdist_group("lti"), pytest.mark.usefixtures("fresh_platform")]


def users(tool: Tool) -> int:
    with tool.app.app_context():
        return get_session().scalar(select(func.count()).select_from(User)) or 0


# --- the tool's key ---------------------------------------------------------------------------


def test_the_tool_serves_its_public_key_and_keeps_the_private_one_private(tool: Tool) -> None:
    keys = requests.get(tool.url + "/lti/jwks").json()["keys"]
    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS256", "sig")]
    assert "d" not in keys[0] and keys[0]["kid"]
    mode = stat.S_IMODE(os.stat(tool.instance / "lti-tool-key.pem").st_mode)
    assert mode == 0o600
    assert requests.get(tool.url + "/lti/jwks").json()["keys"] == keys  # the same key again


# --- a launch, end to end ---------------------------------------------------------------------


def test_a_student_launch_opens_the_quiz_and_the_score_reaches_the_line_item(
    tool: Tool, lms: TestPlatform
) -> None:
    client = http_client()
    opened = launch(client, lms)
    attempt_id = attempt_of(opened)
    assert "Question 1" in opened.text or "question" in opened.text.lower()
    # The launched page may be framed by the LMS only, and carries no X-Frame-Options.
    assert f"frame-ancestors {lms.url}" in opened.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in opened.headers
    cookie = next(c for c in client.cookies if c.name == "session")
    assert cookie.secure and cookie.get_nonstandard_attr("SameSite") == "None"

    answer_all_and_finish(client, tool, attempt_id)
    (score,) = eventually(lambda: lms.scores() or None, "the score reaches the LMS")
    row = passback_row(tool, attempt_id)
    assert row["passback"] == "sent" and row["score"] == 1.0
    assert score["userId"] == STUDENT.sub
    assert score["scoreGiven"] == score["scoreMaximum"] == row["questions"]
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    (item,) = lms.lineitems.values()
    assert item.resource_link_id == "link-facts" and item.score_maximum == row["questions"]


def test_launches_map_one_lms_user_to_one_account_and_resume_the_open_attempt(
    tool: Tool, lms: TestPlatform
) -> None:
    user = LmsUser("lms-student-2", "Bea Learner", "bea@lms.example", STUDENT.roles)
    lms.users[user.sub] = user
    first = attempt_of(launch(http_client(), lms, user))
    again = attempt_of(launch(http_client(), lms, user))  # another browser, same LMS user
    assert again == first
    with tool.app.app_context():
        account = get_session().scalar(select(LtiAccount).where(LtiAccount.sub == user.sub))
        assert account is not None and account.issuer == lms.issuer
        assert (account.user.display_name, account.user.email) == (user.name, user.email)
        assert account.user.password_hash is None and not account.user.is_instructor


def test_an_email_that_belongs_to_another_account_is_not_taken(
    tool: Tool, lms: TestPlatform
) -> None:
    someone = LmsUser("lms-student-3", "Impostor", STUDENT.email, STUDENT.roles)
    lms.users[someone.sub] = someone
    launch(http_client(), lms)  # STUDENT owns the address by now
    attempt_of(launch(http_client(), lms, someone))
    with tool.app.app_context():
        account = get_session().scalar(select(LtiAccount).where(LtiAccount.sub == someone.sub))
        assert account is not None and account.user.email is None


def test_a_link_without_a_lesson_tells_staff_how_to_choose_one(
    tool: Tool, lms: TestPlatform
) -> None:
    staff = launch(http_client(), lms, TEACHER, "link-empty")
    assert staff.status_code == 200 and "lesson=ID" in staff.text and "web-facts" in staff.text
    student = launch(http_client(), lms, STUDENT, "link-empty")
    assert "has not chosen the quiz" in student.text and "lesson=ID" not in student.text


# --- refusals ---------------------------------------------------------------------------------


def refused(response: requests.Response, status: int, words: str) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert words in response.text
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]


def test_a_tampered_signature_is_refused(tool: Tool, lms: TestPlatform) -> None:
    before = users(tool)
    lms.signing_key = new_key()
    refused(launch(http_client(), lms), 401, "signature does not verify")
    assert users(tool) == before


def test_a_replayed_id_token_is_refused(tool: Tool, lms: TestPlatform) -> None:
    client = http_client()
    started = client.post(tool.url + "/lti/login", data=lms.login_params(STUDENT, "link-facts"),
                          allow_redirects=False)  # fmt: skip
    fields = auto_post(client.get(started.headers["Location"]).text)
    assert client.post(tool.url + "/lti/launch", data=fields).status_code == 200
    refused(client.post(tool.url + "/lti/launch", data=fields), 409, "already used")


@pytest.mark.parametrize(
    ("claim", "value", "status", "words"),
    [
        ("aud", "another-tool", 401, "another tool"),
        ("exp", -3600, 401, "expired"),
        ("nonce", "not-the-login-nonce", 401, "nonce"),
        (CLAIM + "deployment_id", "deployment-unknown", 403, "not registered"),
        (CLAIM + "version", "1.1", 400, "1.3.0"),
        (CLAIM + "message_type", "LtiSubmissionReviewRequest", 400, "does not handle"),
        # A deep-linking request must say where its answer goes.
        (CLAIM + "message_type", "LtiDeepLinkingRequest", 400, "deep_link_return_url"),
    ],
)
def test_a_launch_with_a_wrong_claim_is_refused(
    tool: Tool, lms: TestPlatform, claim: str, value: object, status: int, words: str
) -> None:
    def tamper(claims: dict[str, object]) -> None:
        if claim == "exp":
            claims["iat"], claims["exp"] = int(time.time()) - 7200, int(time.time()) - 3600
        else:
            claims[claim] = value

    lms.tamper = tamper
    refused(launch(http_client(), lms), status, words)


def test_an_unknown_platform_and_a_foreign_state_are_refused(tool: Tool, lms: TestPlatform) -> None:
    params = {**lms.login_params(STUDENT, "link-facts"), "iss": "https://unknown.example"}
    refused(requests.post(tool.url + "/lti/login", data=params), 403, "not registered")
    forged = {"state": "not-a-state-of-ours", "id_token": "x.y.z"}
    refused(requests.post(tool.url + "/lti/launch", data=forged), 400, "does not match")


def test_a_launch_from_another_browser_without_the_state_cookie_is_refused(
    tool: Tool, lms: TestPlatform
) -> None:
    client = http_client()
    started = client.post(tool.url + "/lti/login", data=lms.login_params(STUDENT, "link-facts"),
                          allow_redirects=False)  # fmt: skip
    fields = auto_post(client.get(started.headers["Location"]).text)
    refused(requests.post(tool.url + "/lti/launch", data=fields), 403, "open in a new window")


# --- inside a frame without cookies: platform storage and a new window ------------------------


def test_platform_storage_confirms_the_state_and_a_new_window_continues(
    tool: Tool, lms: TestPlatform
) -> None:
    frame = http_client()
    login = frame.post(tool.url + "/lti/login",
                       data=lms.login_params(STUDENT, "link-facts", storage=True))  # fmt: skip
    assert 'data-mode="login"' in login.text and 'data-target="_parent"' in login.text
    auth_url = login.text.split('data-next="')[1].split('"')[0].replace("&amp;", "&")
    fields = auto_post(frame.get(auth_url).text)
    blocked = requests.Session()  # a frame whose cookies the browser drops
    confirm = blocked.post(tool.url + "/lti/launch", data=fields)
    assert confirm.status_code == 200 and 'data-mode="confirm"' in confirm.text
    wrong = {"state": fields["state"], "stored_state": "something else"}
    refused(blocked.post(tool.url + "/lti/launch/confirm", data=wrong), 403, "could not be")

    right = {"state": fields["state"], "stored_state": fields["state"]}
    confirmed = blocked.post(tool.url + "/lti/launch/confirm", data=right, allow_redirects=False)
    blocked.cookies.clear()  # the session cookie it set is dropped too
    asked = blocked.get(tool.url + confirmed.headers["Location"])
    assert "Open the quiz in a new window" in asked.text
    assert f"frame-ancestors {lms.url}" in asked.headers["Content-Security-Policy"]
    handoff = asked.url.rsplit("/", 1)[1]
    window = http_client()
    opened = window.post(f"{tool.url}/lti/continue/{handoff}")
    attempt_id = attempt_of(opened)
    # First-party in its own window: the quiz refuses frames again only for other sessions.
    answer_all_and_finish(window, tool, attempt_id)
    eventually(lambda: passback_row(tool, attempt_id)["passback"] == "sent" or None, "sent")
    refused(http_client().post(f"{tool.url}/lti/continue/{handoff}"), 410, "used already")


# --- passback that fails, then succeeds ------------------------------------------------------


def test_a_failed_passback_keeps_the_score_and_is_retried(tool: Tool, lms: TestPlatform) -> None:
    user = LmsUser("lms-student-4", "Cy Retry", "cy@lms.example", STUDENT.roles)
    lms.users[user.sub] = user
    client = http_client()
    attempt_id = attempt_of(launch(client, lms, user))
    lms.fail_scores = 1
    answer_all_and_finish(client, tool, attempt_id)
    row = eventually(lambda: (r := passback_row(tool, attempt_id))["tries"] and r, "a failure")
    assert row["passback"] == "due" and "503" in row["error"] and row["score"] == 1.0
    runner = tool.app.test_cli_runner()
    shown = runner.invoke(args=["lti", "scores"])
    assert f"attempt {attempt_id}" in shown.output and "1 failed tries" in shown.output
    # ... and to instructors in the browser; students may not look.
    password = "a long enough password"
    created = runner.invoke(args=["user", "create", "teach@example.org", "--instructor",
                                  "--password", password])  # fmt: skip
    assert created.exit_code == 0, created.output
    staff = http_client()
    token = csrf_token(staff.get(tool.url + "/login").text)
    form = {"email": "teach@example.org", "password": password, "csrf_token": token}
    staff.post(tool.url + "/login", data=form)
    listed = staff.get(tool.url + "/lti/scores")
    assert listed.status_code == 200 and f"<td>{attempt_id}</td>" in listed.text
    assert "due (1 failed" in listed.text and "503" in listed.text
    assert framable_by(listed) is None
    assert client.get(tool.url + "/lti/scores").status_code == 403

    with tool.app.app_context():  # the backoff has passed
        stored = get_session().get(LtiAttempt, attempt_id)
        assert stored is not None and stored.next_try_at is not None
        stored.next_try_at = stored.next_try_at.replace(year=2000)
        get_session().commit()
    result = runner.invoke(args=["lti", "passback"])
    assert result.exit_code == 0 and "1 of 1 due scores sent" in result.output
    assert [s["userId"] for s in lms.scores()].count(user.sub) == 1
    assert passback_row(tool, attempt_id)["passback"] == "sent"


# --- framing ----------------------------------------------------------------------------------


def framable_by(response: requests.Response) -> str | None:
    policy = response.headers["Content-Security-Policy"]
    ancestors = policy.split("frame-ancestors ")[1].split(";")[0]
    if ancestors == "'none'":
        assert response.headers["X-Frame-Options"] == "DENY"
        return None
    assert "X-Frame-Options" not in response.headers
    return ancestors


def test_only_the_launched_quiz_pages_may_be_framed_and_only_by_the_lms(
    tool: Tool, lms: TestPlatform
) -> None:
    client = http_client()
    opened = launch(client, lms)
    assert framable_by(opened) == lms.url
    for path in ("/", "/account", "/dashboard", "/lessons/web-facts"):
        assert framable_by(client.get(tool.url + path)) is None, path

    guest = http_client()  # a quiz outside LTI is never framed
    lesson = guest.get(tool.url + "/lessons/web-facts")
    started = guest.post(tool.url + "/lessons/web-facts/attempts",
                         data={"mode": "exam", "csrf_token": csrf_token(lesson.text)})  # fmt: skip
    assert "/attempts/" in started.url and framable_by(started) is None
