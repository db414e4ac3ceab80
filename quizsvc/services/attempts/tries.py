"""Tries in practice: how many answers a question takes, and the credit each try earns.

A practice question may be answered again after a wrong try (with the next hint offered), as
in PrairieLearn or Khan Academy; the first try alone is what the learner knew, so only it counts
as evidence for mastery and the review schedule, while the attempt's score follows the tries
used. Each try after the first takes an equal share of the credit off: with three tries a right
answer earns 100 %, 67 % or 33 %. An exam question takes one answer (it may be changed until
the exam is finished, which is not a try).
"""

from __future__ import annotations

from quizsvc import kinds
from quizsvc.progress.models import Attempt, AttemptQuestion, Mode
from quizsvc.settings import DEFAULT_PRACTICE_TRIES

MAX_TRIES = 5


def allowed(mode: Mode, tries: int = DEFAULT_PRACTICE_TRIES) -> int:
    """The tries an attempt of this mode takes per question (a configured value clamped)."""
    if mode is Mode.EXAM:
        return 1
    return max(1, min(int(tries), MAX_TRIES))


def of_question(attempt: Attempt, question: AttemptQuestion) -> int:
    """The tries this question takes: the attempt's, where its kind takes tries at all."""
    if kinds.get(question.variant["kind"]).takes_tries:
        return attempt.tries
    return 1


def credit(try_number: int, tries: int) -> float:
    """The share of a try's score that counts: 1 on the first try, less on each later one."""
    if tries <= 1:
        return 1.0
    return max(0.0, (tries - try_number + 1) / tries)


def credit_steps(tries: int) -> list[int]:
    """Credit in whole percent for a right answer on each try, for the page to state."""
    return [round(100 * credit(n, tries)) for n in range(1, tries + 1)]
