"""Turn an answer form into the response shape `quizsvc.quiz.grade` expects.

The form depends on the question kind: a text box, radio buttons, check boxes, or one position
select per item for ordering (which needs no JavaScript to reorder). Only the form's own
mistakes are caught here (nothing chosen, two items at one position); whether an answer is
readable or right is the grader's business.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from quizsvc.services.errors import InvalidInput


def response_from_form(kind: str, choice_ids: list[str], form: MultiDict[str, str]) -> Any:
    if kind == "numeric":
        return form.get("answer", "")
    if kind in ("single", "plot_choice"):
        choice = form.get("choice")
        if not choice:
            raise InvalidInput("Choose an answer, then submit.")
        return choice
    if kind == "multiple":
        return form.getlist("choice")
    if kind == "ordering":
        return _ordering(choice_ids, form)
    raise InvalidInput(f"Unknown question kind {kind!r}.")


def _ordering(item_ids: list[str], form: MultiDict[str, str]) -> list[str]:
    n = len(item_ids)
    ranks: dict[str, int] = {}
    for item_id in item_ids:
        value = form.get(f"rank-{item_id}", "")
        if not value.isdigit() or not 1 <= int(value) <= n:
            raise InvalidInput(f"Give every item a position from 1 to {n}.")
        ranks[item_id] = int(value)
    if len(set(ranks.values())) != n:
        raise InvalidInput(f"Give each item a different position from 1 to {n}.")
    return sorted(item_ids, key=ranks.__getitem__)


def form_values(kind: str, response: Any) -> dict[str, Any]:
    """A response as the values the form should show again (after an error, or to change it)."""
    if response is None:
        return {}
    if kind == "numeric":
        return {"answer": str(response)}
    if kind in ("single", "plot_choice"):
        return {"choice": {response}}
    if kind == "multiple":
        return {"choice": set(response)}
    if kind == "ordering":
        return {"ranks": {item_id: i + 1 for i, item_id in enumerate(response)}}
    return {}
