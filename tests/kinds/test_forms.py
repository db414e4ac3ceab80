"""Every kind's answer form: any posted text is a response or a message, never a crash, and a
stored response shows again as the same answer."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from quizsvc import kinds
from quizsvc.kinds import AnswerError

IDS = ["a", "b", "c", "d"]
PUBLIC = {
    "choices": [{"id": i, "html": f"<p>{i}</p>"} for i in IDS],
    "figures": [],
}
FIELDS = ["answer", "choice", *(f"rank-{i}" for i in IDS), "csrf_token"]


def _posted(form: kinds.AnswerForm) -> MultiDict[str, str]:
    """What a browser posts for a form as it was filled."""
    posted: MultiDict[str, str] = MultiDict()
    for name, value in form.data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                posted.add(name, str(item))
    return posted


@pytest.mark.parametrize("name", kinds.names())
@given(
    posted=st.lists(
        st.tuples(st.sampled_from(FIELDS), st.text(max_size=12) | st.sampled_from([*IDS, "1"])),
        max_size=8,
    )
)
def test_any_post_is_a_response_or_a_message(name: str, posted: list[tuple[str, str]]) -> None:
    form = kinds.get(name).answer_form(PUBLIC, formdata=MultiDict(posted))
    try:
        form.response()
    except AnswerError as exc:
        assert str(exc).endswith(".")


@given(st.permutations(IDS))
def test_ordering_positions_round_trip(order: list[str]) -> None:
    kind = kinds.get("ordering")
    shown = kind.answer_form(PUBLIC, response=order)
    assert kind.answer_form(PUBLIC, formdata=_posted(shown)).response() == order


@given(st.lists(st.sampled_from(["1", "2", "3", "4"]), min_size=4, max_size=4))
def test_ordering_positions_must_differ(ranks: list[str]) -> None:
    posted = MultiDict({f"rank-{i}": r for i, r in zip(IDS, ranks, strict=True)})
    form = kinds.get("ordering").answer_form(PUBLIC, formdata=posted)
    if len(set(ranks)) == len(ranks):
        assert sorted(form.response()) == sorted(IDS)
    else:
        with pytest.raises(AnswerError, match="different position from 1 to 4"):
            form.response()


def test_an_unanswered_ordering_shows_the_items_in_the_order_shown() -> None:
    form = kinds.get("ordering").answer_form(PUBLIC)
    assert [form[f"rank-{i}"].data for i in IDS] == ["1", "2", "3", "4"]
    with pytest.raises(AnswerError, match="position from 1 to 4"):
        kinds.get("ordering").answer_form(PUBLIC, formdata=MultiDict()).response()


@pytest.mark.parametrize(
    ("name", "response"),
    [
        ("numeric", "1e-3"),
        ("single", "c"),
        ("plot_choice", "b"),
        ("multiple", ["a", "d"]),
        ("ordering", ["d", "b", "a", "c"]),
    ],
)
def test_a_stored_response_shows_again_and_posts_as_itself(name: str, response: Any) -> None:
    kind = kinds.get(name)
    shown = kind.answer_form(PUBLIC, response=response)
    assert kind.answer_form(PUBLIC, formdata=_posted(shown)).response() == response


def test_an_empty_choice_asks_for_one() -> None:
    for name in ("single", "plot_choice"):
        with pytest.raises(AnswerError, match=r"Choose an answer, then submit\."):
            kinds.get(name).answer_form(PUBLIC, formdata=MultiDict()).response()
    assert kinds.get("multiple").answer_form(PUBLIC, formdata=MultiDict()).response() == []
