"""Findings of the security audit, each pinned by a test (pages and sessions)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.services.figures import figure_key
from tests.web.helpers import LESSON, PASSWORD, signup, start, stored_questions


def seed_hashes(
    template_id: str, content_hash: str, engine: str, seed: int, index: int
) -> set[str]:
    """8-hex prefixes of hashes of a figure's seed-bearing cache key: seen in a page, they let a
    learner search the 2**31 seeds offline and regenerate the variant's answer key."""
    parts = ("variant", template_id, content_hash, engine, seed, index)
    legacy = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()
    return {legacy[:8], figure_key(*parts)[:8]}


def test_figure_markup_does_not_encode_the_variant_seed(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    checked = 0
    for question in stored_questions(app, attempt_id):
        if not question.variant["figures"]:
            continue
        url = f"/attempts/{attempt_id}/questions/{question.position}"
        page = client.get(url).get_data(as_text=True)
        for index in range(len(question.variant["figures"])):
            svg = client.get(f"/api/v1{url}/figures/{index}").get_data(as_text=True)
            assert "<svg" in svg
            for leaked in seed_hashes(
                question.template_id,
                question.content_hash,
                question.engine_version,
                question.seed,
                index,
            ):
                assert leaked not in page, (question.variant["kind"], index)
                assert leaked not in svg, (question.variant["kind"], index)
            checked += 1
        # Several inline SVGs in one page still get distinct id namespaces.
        namespaces = set(re.findall(r'\bid="(f[0-9a-f]{8})-', page))
        assert len(namespaces) == len(question.variant["figures"])
    assert checked >= 2


def test_a_copy_of_a_guest_cookie_does_not_log_in_to_the_account_made_from_it(
    app: Flask,
) -> None:
    """Signing up keeps the guest's user row, so the guest session's cookie used to become a
    session of the new account (a shared computer, a planted cookie: session fixation)."""
    victim = app.test_client()
    assert victim.post("/guest").status_code == 302
    cookie = victim.get_cookie("session")
    assert cookie is not None
    attacker = app.test_client()
    attacker.set_cookie("session", cookie.value)
    assert attacker.get("/api/v1/me").get_json()["guest"] is True  # the same guest, for now

    signup(victim, "victim@example.org", "Victim")
    assert victim.get("/api/v1/me").get_json()["guest"] is False
    assert victim.get("/account/").status_code == 200

    assert attacker.get("/api/v1/me").status_code == 401
    assert attacker.get("/account/").status_code == 302  # to the log-in page
    assert attacker.get("/history").status_code == 302


def test_logging_in_again_still_works(client: FlaskClient) -> None:
    signup(client)
    client.post("/logout")
    response = client.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert client.post(f"/lessons/{LESSON}/attempts").status_code == 302


def test_a_cookie_that_names_the_account_instead_of_a_session_logs_nobody_in(
    app: Flask,
) -> None:
    """Cookies from before server-side sessions held the user id itself; one forged or kept from
    then must not log in (the session token is what the server checks)."""
    member = app.test_client()
    signup(member, "m@example.org")
    user_id = member.get("/api/v1/me").get_json()["id"]
    with member.session_transaction() as session:
        session["_user_id"] = str(user_id)
    assert member.get("/api/v1/me").status_code == 401


def test_next_with_a_backslash_stays_on_this_site(client: FlaskClient) -> None:
    signup(client)
    client.post("/logout")
    data = {"email": "ada@example.org", "password": PASSWORD}
    for target in ("/\\evil.example", "/\\/evil.example", "\\\\evil.example", "/\t/evil.example"):
        location = client.post("/login", data=data, query_string={"next": target}).headers[
            "Location"
        ]
        # Browsers read "\\" as "/": "/\\evil.example" would be "//evil.example", another host.
        assert "\\" not in location and not location.startswith("//"), target
        assert urlsplit(urljoin("http://localhost/", location)).netloc == "localhost", target
        client.post("/logout")
