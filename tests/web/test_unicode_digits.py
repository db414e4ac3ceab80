"""Numbers in form fields are written in the digits 0 to 9; anything else is a clear 4xx.

``str.isdigit()`` is true for "²" and "٣", and ``int()`` refuses "²" (a 500 before) while it
reads "٣" as 3 and "1_0" as 10; a browser's number field sends none of them. Each numeric
field answers with what it accepts instead.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form

from quizsvc.web.forms import WholeNumberField
from tests.instructor.helpers import INSTRUCTOR, make_user
from tests.web.helpers import LESSON, login, position_of, signup, start, variant_of

NOT_DIGITS = ("²", "٣", "1_0", "³²", "５")  # superscript, Arabic-Indic, underscore, fullwidth


class _NumberForm(Form):
    n = WholeNumberField("n", "Enter a whole number.")


@given(st.text(max_size=12) | st.from_regex(r"\s*[0-9]{1,6}\s*", fullmatch=True))
def test_a_whole_number_field_reads_ascii_digits_or_says_what_it_wants(text: str) -> None:
    form = _NumberForm(MultiDict({"n": text}))
    form.validate()
    digits = text.strip()
    if digits.isascii() and digits.isdigit():
        assert form.n.data == int(digits) and not form.n.errors
    elif digits:
        assert form.n.data is None and form.n.errors == ["Enter a whole number."]
    else:
        assert form.n.data is None and not form.n.errors  # blank: the form decides


@pytest.mark.parametrize("text", NOT_DIGITS)
@pytest.mark.parametrize("field", ["count", "minutes"])
def test_drill_fields_refuse_other_digits(client: FlaskClient, field: str, text: str) -> None:
    signup(client)
    data = {"lesson": LESSON, "count": "5", "minutes": "5", "mode": "exam", field: text}
    response = client.post("/drill", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    what = "the number of questions" if field == "count" else "the time limit"
    assert f"Enter a whole number for {what}." in html and 'role="alert"' in html
    field = re.search(rf'<input[^>]*id="{field}"[^>]*>', html)
    assert field and 'aria-invalid="true"' in field.group(0)


def test_drill_form_keeps_what_was_typed_and_still_starts(client: FlaskClient) -> None:
    signup(client)
    refused = client.post("/drill", data={"lesson": LESSON, "count": "²", "minutes": " 7 "})
    assert refused.status_code == 422 and 'value="²"' in refused.get_data(as_text=True)
    started = client.post("/drill", data={"lesson": LESSON, "count": " 4 ", "minutes": ""})
    assert started.status_code == 302  # spaces around digits, and no time limit, are fine


@pytest.mark.parametrize("text", NOT_DIGITS)
def test_ordering_positions_refuse_other_digits(client: FlaskClient, app: Flask, text: str) -> None:
    signup(client)
    attempt_id = start(client)
    position = position_of(app, attempt_id, "ordering")
    ids = [c["id"] for c in variant_of(app, attempt_id, position)["choices"]]
    data = {f"rank-{item}": str(rank) for rank, item in enumerate(ids, start=1)}
    data[f"rank-{ids[0]}"] = text
    response = client.post(f"/attempts/{attempt_id}/questions/{position}", data=data)
    assert response.status_code == 422
    assert f"Give every item a position from 1 to {len(ids)}." in response.get_data(as_text=True)


@pytest.mark.parametrize("text", ["9²", "٩٠", "9_0"])
def test_review_retention_refuses_other_digits(client: FlaskClient, text: str) -> None:
    signup(client)
    response = client.post("/review/retention", data={"retention": text})
    assert response.status_code == 422
    assert "Enter a whole number of percent" in response.get_data(as_text=True)


@pytest.mark.parametrize("text", ["²", "٣"])
def test_instructor_preview_seed_refuses_other_digits(
    client: FlaskClient, app: Flask, text: str
) -> None:
    make_user(app, INSTRUCTOR, instructor=True)
    login(client, INSTRUCTOR)
    response = client.get(f"/instructor/templates/web-ratio?seed={text}")
    assert response.status_code == 400
    assert re.search(r"A seed is a whole number from 0", response.get_data(as_text=True))
