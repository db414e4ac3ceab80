"""Drafts in the attempt service: kept while the attempt runs, graded when it ends (issue #11).

Before drafts, an exam or drill answer that was typed or chosen but not saved with "Save
answer" was lost on navigation and graded 0 when the time ran out.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.models import User
from quizsvc.services import attempts
from quizsvc.services.errors import Conflict, InvalidInput, NotFound
from tests.autosave.helpers import age, as_learner, drafts, drill, stranger
from tests.web.helpers import (
    attempt_row,
    correct_response,
    position_of,
    responses,
    signup,
    start,
    stored_questions,
    variant_of,
    wrong_response,
)


def test_a_draft_is_kept_replaced_and_cleared(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    numeric = position_of(app, attempt_id, "numeric")
    with as_learner(app, attempt_id) as user:
        first = attempts.save_draft(user, attempt_id, numeric, "0.5")
        assert first is not None and first.raw == "0.5"
        second = attempts.save_draft(user, attempt_id, numeric, "0,5")  # kept as typed
        assert second is not None and second.id == first.id and second.raw == "0,5"
        view = attempts.show_question(user, attempt_id, numeric)
        assert view.draft is not None and view.entered == "0,5"
        assert view.latest is None and not view.reveal  # a draft is not an answer
    assert [d.raw for d in drafts(app, attempt_id).values()] == ["0,5"]
    assert responses(app, attempt_id) == []
    with as_learner(app, attempt_id) as user:
        assert attempts.save_draft(user, attempt_id, numeric, "  ") is None  # erased
    assert drafts(app, attempt_id) == {}


def test_a_recorded_answer_replaces_the_draft(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    single = position_of(app, attempt_id, "single")
    variant = variant_of(app, attempt_id, single)
    with as_learner(app, attempt_id) as user:
        attempts.save_draft(user, attempt_id, single, wrong_response(variant))
        attempts.submit_answer(user, attempt_id, single, correct_response(variant))
        assert drafts(app, attempt_id) == {}
        # Entering the answer already recorded leaves no draft either.
        assert attempts.save_draft(user, attempt_id, single, correct_response(variant)) is None
    assert drafts(app, attempt_id) == {}


def test_practice_drafts_give_no_feedback_and_stop_at_the_answer(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    attempt_id = start(client)  # practice
    single = position_of(app, attempt_id, "single")
    variant = variant_of(app, attempt_id, single)
    with as_learner(app, attempt_id) as user:
        attempts.save_draft(user, attempt_id, single, correct_response(variant))
        view = attempts.show_question(user, attempt_id, single)
        assert view.can_answer and not view.reveal and view.explanation_html == ""
        attempts.submit_answer(user, attempt_id, single, correct_response(variant))
        with pytest.raises(Conflict, match="You have answered"):
            attempts.save_draft(user, attempt_id, single, wrong_response(variant))


def test_drafts_are_checked_and_private(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    numeric = position_of(app, attempt_id, "numeric")
    multiple = position_of(app, attempt_id, "multiple")
    with as_learner(app, attempt_id) as user:
        with pytest.raises(InvalidInput, match="as text"):
            attempts.save_draft(user, attempt_id, numeric, ["1"])
        with pytest.raises(InvalidInput, match="list of ids"):
            attempts.save_draft(user, attempt_id, multiple, "a")
        with pytest.raises(InvalidInput, match="at most"):
            attempts.save_draft(user, attempt_id, numeric, "1" * 5000)
    client.post("/logout")
    stranger(client)
    with app.test_request_context():
        other = (
            get_session()
            .scalars(select(User).where(User.email == "someone.else@example.org"))
            .one()
        )
        with pytest.raises(NotFound):
            attempts.save_draft(other, attempt_id, numeric, "1")
    assert drafts(app, attempt_id) == {}


def test_finishing_grades_the_latest_draft_of_each_question(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    kinds = {q.variant["kind"]: q for q in stored_questions(app, attempt_id)}
    single, multiple, ordering = kinds["single"], kinds["multiple"], kinds["ordering"]
    with as_learner(app, attempt_id) as user:
        # Drafted, never saved: graded as entered.
        attempts.save_draft(user, attempt_id, single.position, correct_response(single.variant))
        attempts.save_draft(user, attempt_id, multiple.position, wrong_response(multiple.variant))
        # Saved wrong, then changed (not saved again): the newer entry is what counts.
        attempts.submit_answer(
            user, attempt_id, ordering.position, wrong_response(ordering.variant)
        )
        attempts.save_draft(user, attempt_id, ordering.position, correct_response(ordering.variant))
        check = attempts.finish_check(user, attempt_id)
        assert check.drafted == sorted([single.position, multiple.position])
        assert len(check.unanswered) == 4 and check.scoring_zero == 2
        assert check.unreadable == []
        attempts.finish(user, attempt_id)
    row = attempt_row(app, attempt_id)
    assert row.finished_at is not None
    assert row.score == pytest.approx(2 / 5)  # single and ordering right, multiple wrong
    graded = {r.question_id: r for r in responses(app, attempt_id)}
    assert graded[single.id].correct and not graded[multiple.id].correct
    assert graded[ordering.id].correct and graded[ordering.id].seq == 2
    assert drafts(app, attempt_id) == {}


def test_a_malformed_draft_counts_unanswered_and_says_why(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    numeric = position_of(app, attempt_id, "numeric")
    with as_learner(app, attempt_id) as user:
        attempts.save_draft(user, attempt_id, numeric, "0,5")
        check = attempts.finish_check(user, attempt_id)
        assert check.drafted == [] and check.unreadable[0][0] == numeric
        assert "decimal separator" in check.unreadable[0][1]
        attempts.finish(user, attempt_id)
        (view,) = [v for v in attempts.review(user, attempt_id) if v.position == numeric]
        assert view.latest is None and view.draft is not None
        assert "decimal separator" in view.draft.problem and "0,5" in view.draft_html
    assert attempt_row(app, attempt_id).score == 0.0
    assert responses(app, attempt_id) == []


def test_time_running_out_grades_the_drafts(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = drill(client, minutes=1)
    first, second, _ = stored_questions(app, attempt_id)
    with as_learner(app, attempt_id) as user:
        attempts.save_draft(user, attempt_id, 1, correct_response(first.variant))
        attempts.save_draft(user, attempt_id, 2, wrong_response(second.variant))
    age(app, attempt_id, 2)  # the minute, and the grace period, are over
    with as_learner(app, attempt_id) as user:
        with pytest.raises(Conflict, match="finished"):
            attempts.save_draft(user, attempt_id, 3, correct_response(first.variant))
        attempt = attempts.settle(user, attempt_id)
        deadline = attempt.deadline()
    row = attempt_row(app, attempt_id)
    assert row.finished_at == deadline
    assert row.score == pytest.approx(1 / 3)
    assert [r.correct for r in responses(app, attempt_id)] == [True, False]


def test_a_practice_drill_grades_its_drafts_when_time_is_up(
    client: FlaskClient, app: Flask
) -> None:
    signup(client)
    attempt_id = drill(client, minutes=1, mode="practice")
    first = stored_questions(app, attempt_id)[0]
    with as_learner(app, attempt_id) as user:
        attempts.save_draft(user, attempt_id, 1, correct_response(first.variant))
    age(app, attempt_id, 2)
    with as_learner(app, attempt_id) as user:
        assert attempts.show_question(user, attempt_id, 1).reveal  # graded and shown
    assert [r.correct for r in responses(app, attempt_id)] == [True]
