""" "Describe figures as data": the account setting, an instructor granting it, the tables it
adds under figures, and each figure as a file of its own."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.instructor.helpers import make_user, text
from tests.support.site import page
from tests.web.helpers import LESSON, login, signup, start

STUDENT = "sam@example.org"
INSTRUCTOR = "ines@example.org"


def switch(client: FlaskClient, on: bool) -> None:
    response = client.post("/account/accessibility", data={"figure_data": "on"} if on else {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/#accessibility")


def figure_question(client: FlaskClient, attempt_id: int) -> str:
    """The attempt's question with a prompt figure (numeric, web-ratio), as HTML."""
    for position in range(1, 6):
        html = page(client, f"/attempts/{attempt_id}/questions/{position}")
        if "gradient norm" in html and '<figure class="figure">' in html:
            return html
    raise AssertionError("no question with a prompt figure")


def test_a_learner_switches_figure_tables_on_and_off(client: FlaskClient) -> None:
    signup(client, STUDENT)
    attempt_id = start(client)
    assert "data-table" not in figure_question(client, attempt_id)
    assert 'id="figure-data" name="figure_data" value="on"  aria' in page(client, "/account/")

    switch(client, True)
    assert "checked" in page(client, "/account/").split('id="figure-data"')[1].split(">")[0]
    html = figure_question(client, attempt_id)
    table = html.split('<table class="data-table">')[1].split("</table>")[0]
    # One row per layer, the figure's legend label as the column, values as the axis reads.
    assert "sigmoid network" in table
    rows = re.findall(r'<th scope="row">(\d+)</th>', table)
    assert rows == [str(n) for n in range(1, len(rows) + 1)] and len(rows) >= 3
    assert "what a careful reader takes off the log axis" in html
    lesson = page(client, f"/lessons/{LESSON}")
    assert lesson.count('<table class="data-table">') == 1  # the lesson's one live figure

    switch(client, False)
    assert "data-table" not in figure_question(client, attempt_id)


def test_the_table_leaves_out_what_the_figure_hides(client: FlaskClient) -> None:
    """web-ratio's figure hides weight_grad_norm from its text: the table has only values
    rounded to the axis (tests/plots/test_table.py checks the rounding), never the exact ones
    the answer is computed from."""
    signup(client, STUDENT)
    switch(client, True)
    attempt_id = start(client)
    html = figure_question(client, attempt_id)
    table = html.split('<table class="data-table">')[1].split("</table>")[0]
    cells = re.findall(r"<td>([^<]+)</td>", table)
    assert cells
    for cell in cells:  # a few significant digits: what 4 px of a log axis resolve
        digits = re.sub(r"e-?\d+$", "", cell).replace(".", "").lstrip("0")
        assert len(digits) <= 3, cell


def test_an_instructor_switches_tables_on_for_a_student(app: Flask, client: FlaskClient) -> None:
    make_user(app, STUDENT)
    make_user(app, INSTRUCTOR, instructor=True)
    login(client, STUDENT)
    assert page(client, "/instructor/accessibility", 403)
    client.post("/logout")

    login(client, INSTRUCTOR)
    missing = client.post(
        "/instructor/accessibility", data={"email": "nobody@example.org", "action": "grant"}
    )
    assert missing.status_code == 422
    assert "No account uses nobody@example.org" in missing.get_data(as_text=True)
    granted = client.post("/instructor/accessibility", data={"email": STUDENT, "action": "grant"})
    assert granted.status_code == 302
    assert STUDENT in page(client, "/instructor/accessibility")
    client.post("/logout")

    login(client, STUDENT)
    account = text(page(client, "/account/"))
    assert "Switched on for you by" in account
    attempt_id = start(client)
    assert "data-table" in figure_question(client, attempt_id)

    client.post("/logout")
    login(client, INSTRUCTOR)
    client.post("/instructor/accessibility", data={"email": STUDENT, "action": "revoke"})
    assert STUDENT not in page(client, "/instructor/accessibility")


def test_a_figure_opens_as_its_own_file_for_its_learner_only(client: FlaskClient) -> None:
    signup(client, STUDENT)
    attempt_id = start(client)
    html = figure_question(client, attempt_id)
    link = re.search(r'<a class="figure-link" href="([^"]+\.svg)">', html)
    assert link, "the figure is a link to its file"
    response = client.get(link.group(1))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    root = re.search(r"<svg\b[^>]*>", svg)
    assert root and 'width="100%"' in root.group(0) and 'height="100%"' in root.group(0)
    assert page(client, re.sub(r"figures/\d+", "figures/9", link.group(1)), 404)

    client.post("/logout")
    signup(client, "other@example.org")
    assert page(client, link.group(1), 404)


def test_a_lesson_figure_opens_as_its_own_file(client: FlaskClient) -> None:
    lesson = page(client, f"/lessons/{LESSON}")
    link = re.search(r'<a class="figure-link" href="([^"]+)">', lesson)
    assert link and re.search(r"/figures/web-live\.svg\?draw=\d+$", link.group(1))
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert page(client, f"/lessons/{LESSON}/figures/web-live.svg?draw=999", 404)
    assert page(client, f"/lessons/{LESSON}/figures/nothing.svg?draw=0", 404)
