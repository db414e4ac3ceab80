"""Classical item analysis of stored answers: facility, discrimination, time, wrong answers.

Pure functions of plain records, so every number an instructor sees can be checked by hand.
Definitions (shown on the analytics pages too):

* facility: the share of answered variants graded fully correct;
* discrimination: the point-biserial correlation between an item's correctness (0/1) and the
  learner's score on the *rest* of the same attempt (the item itself left out, so an item does
  not correlate with itself); undefined when everyone or no one got it right, or when the rest
  scores do not vary;
* median time: from the question first being shown to the first answer.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TOP_WRONG = 5
SCORE_BINS = 10


# Below this many answers an item's facility moves by 5 points or more with one answer, and its
# discrimination is noise: the tables say so next to the numbers.
SMALL_SAMPLE = 20


@dataclass(frozen=True)
class Answer:
    """One question of one finished attempt, as item analysis needs it."""

    attempt_id: int
    template_id: str
    lesson_id: str
    kind: str
    answered: bool
    score: float  # the grade that counted (0 when unanswered)
    correct: bool
    user_id: int = 0
    seed: int = 0
    seconds: float | None = None  # time to the first answer
    rest: float | None = None  # mean score of the attempt's other questions
    params: Mapping[str, Any] = field(default_factory=dict)
    wrong: tuple[str, ...] = ()  # what was answered wrongly, as labels (see labels.py)
    wrong_html: tuple[str, ...] = ()  # the same for a page, one per label (labels.display_html)


@dataclass(frozen=True)
class WrongAnswer:
    label: str
    count: int
    share: float  # of the wrong answers to this item
    html: str = ""  # the label for a page, from one of its answers ("" = show the label)


@dataclass(frozen=True)
class ItemStats:
    template_id: str
    answered: int
    unanswered: int
    facility: float | None
    mean_score: float | None
    discrimination: float | None
    median_seconds: float | None
    wrong_answers: tuple[WrongAnswer, ...]

    @property
    def small_sample(self) -> bool:
        """Too few answers for facility and discrimination to mean much yet."""
        return self.answered < SMALL_SAMPLE


def facility(correct: Sequence[bool]) -> float | None:
    return sum(correct) / len(correct) if correct else None


def point_biserial(correct: Sequence[bool], scores: Sequence[float]) -> float | None:
    """r_pb = (M1 - M0) / s * sqrt(p q), with s the population standard deviation of all
    scores; equal to Pearson's r between the 0/1 item and the scores."""
    if len(correct) != len(scores):
        raise ValueError("one score per answer")
    n = len(correct)
    right = [s for c, s in zip(correct, scores, strict=True) if c]
    wrong = [s for c, s in zip(correct, scores, strict=True) if not c]
    if not right or not wrong:
        return None
    s = statistics.pstdev(scores)
    if s == 0:
        return None
    p = len(right) / n
    r = (statistics.fmean(right) - statistics.fmean(wrong)) / s * math.sqrt(p * (1 - p))
    return max(-1.0, min(1.0, r))


def median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def rest_scores(scores: Sequence[float | None]) -> list[float | None]:
    """For each question of one attempt, the mean score of the others (unanswered count 0,
    as in the attempt's score); None when the attempt has a single question."""
    if len(scores) < 2:
        return [None] * len(scores)
    values = [s or 0.0 for s in scores]
    total = sum(values)
    return [(total - v) / (len(values) - 1) for v in values]


def top_wrong(
    labels: Iterable[str], limit: int = TOP_WRONG, html: Mapping[str, str] | None = None
) -> tuple[WrongAnswer, ...]:
    counts = Counter(labels)
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    html = html or {}
    return tuple(
        WrongAnswer(label, count, count / total, html.get(label, "")) for label, count in ranked
    )


def item_stats(template_id: str, answers: Sequence[Answer]) -> ItemStats:
    """Statistics of one template over its answers (unanswered ones only counted)."""
    given = [a for a in answers if a.answered]
    with_rest = [a for a in given if a.rest is not None]
    wrong = [a for a in given if not a.correct]
    html: dict[str, str] = {}
    for a in wrong:
        for label, shown in zip(a.wrong, a.wrong_html, strict=False):
            html.setdefault(label, shown)
    return ItemStats(
        template_id=template_id,
        answered=len(given),
        unanswered=len(answers) - len(given),
        facility=facility([a.correct for a in given]),
        mean_score=statistics.fmean(a.score for a in given) if given else None,
        discrimination=point_biserial(
            [a.correct for a in with_rest], [a.rest or 0.0 for a in with_rest]
        )
        if with_rest
        else None,
        median_seconds=median(a.seconds for a in given),
        wrong_answers=top_wrong((label for a in wrong for label in a.wrong), html=html),
    )


@dataclass(frozen=True)
class ScoreDistribution:
    """Attempt scores of one lesson in ten bins of 10 percentage points."""

    count: int
    mean: float | None
    median: float | None
    bins: tuple[int, ...]  # bins[i] counts scores in [i/10, (i+1)/10), the last includes 1


def score_distribution(scores: Sequence[float]) -> ScoreDistribution:
    bins = [0] * SCORE_BINS
    for score in scores:
        bins[min(int(score * SCORE_BINS), SCORE_BINS - 1)] += 1
    return ScoreDistribution(
        count=len(scores),
        mean=statistics.fmean(scores) if scores else None,
        median=statistics.median(scores) if scores else None,
        bins=tuple(bins),
    )
