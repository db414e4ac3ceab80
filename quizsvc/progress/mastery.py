"""Mastery of a learning objective: an Elo-style rating on the logit scale.

Why Elo rather than Bayesian knowledge tracing: our questions differ in difficulty (1-5) and
answers earn partial credit, and an Elo update uses both directly (score in [0, 1] against the
probability the model expected), while classic BKT wants binary observations and per-skill
fitted slip/guess parameters we do not have. The step size shrinks with evidence, so early
answers move the estimate quickly, and a recency half-life lets old evidence fade: a learner who
was proficient months ago and has not been seen since drops back a level until they show it again.

The model, for one learner and one objective:
  item difficulty   b = (difficulty - 3) * DIFFICULTY_STEP
  expected score    p = 1 / (1 + exp(-(theta - b)))
  update            theta += k(n) * (score - p),  k(n) = K_MAX / (1 + n / K_HALF_EVIDENCE)
Levels read the probability of answering a medium question (b = 0) right, P = sigmoid(theta),
after recency decay, together with the amount of evidence behind it.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

DIFFICULTY_STEP = 0.75
K_MAX = 1.2
K_HALF_EVIDENCE = 8.0
RECENCY_HALF_LIFE = timedelta(days=30)


class Level(enum.StrEnum):
    NOT_STARTED = "not started"
    ATTEMPTED = "attempted"
    FAMILIAR = "familiar"
    PROFICIENT = "proficient"
    MASTERED = "mastered"


# (level, minimum P(correct on a medium question), minimum number of graded answers)
LEVEL_THRESHOLDS: tuple[tuple[Level, float, int], ...] = (
    (Level.MASTERED, 0.85, 6),
    (Level.PROFICIENT, 0.70, 4),
    (Level.FAMILIAR, 0.50, 2),
)


@dataclass(frozen=True)
class MasteryState:
    theta: float = 0.0
    evidence: int = 0
    correct: int = 0
    last_seen: datetime | None = None


def item_difficulty(difficulty: int) -> float:
    return (difficulty - 3) * DIFFICULTY_STEP


def expected_score(theta: float, difficulty: int) -> float:
    return 1.0 / (1.0 + math.exp(-(theta - item_difficulty(difficulty))))


def step_size(evidence: int) -> float:
    return K_MAX / (1.0 + evidence / K_HALF_EVIDENCE)


def decayed_theta(state: MasteryState, now: datetime) -> float:
    """Shrink positive ability toward 0 with a half-life: unpractised skills fade."""
    if state.last_seen is None or state.theta <= 0:
        return state.theta
    elapsed = max(now - state.last_seen, timedelta(0))
    return state.theta * 0.5 ** (elapsed / RECENCY_HALF_LIFE)


def update(state: MasteryState, score: float, difficulty: int, when: datetime) -> MasteryState:
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must be in [0, 1], got {score}")
    theta = decayed_theta(state, when)
    theta += step_size(state.evidence) * (score - expected_score(theta, difficulty))
    return replace(
        state,
        theta=theta,
        evidence=state.evidence + 1,
        correct=state.correct + (score >= 1.0),
        last_seen=when,
    )


def probability(state: MasteryState, now: datetime) -> float:
    return expected_score(decayed_theta(state, now), 3)


def level(state: MasteryState, now: datetime) -> Level:
    if state.evidence == 0:
        return Level.NOT_STARTED
    p = probability(state, now)
    for candidate, min_p, min_evidence in LEVEL_THRESHOLDS:
        if p >= min_p and state.evidence >= min_evidence:
            return candidate
    return Level.ATTEMPTED
