"""How a graded answer becomes an FSRS rating.

FSRS wants Again/Hard/Good/Easy; a quiz gives a score, whether hints were shown and how long the
learner took. A wrong answer is a lapse (Again). A partly right answer or one that needed a hint
was recalled with effort (Hard). A right answer is Easy when it came quickly for its difficulty,
else Good.
"""

from __future__ import annotations

from fsrs import Rating

PASS_SCORE = 0.5
# seconds within which a right answer counts as effortless, by template difficulty 1..5
FAST_SECONDS = {1: 20.0, 2: 30.0, 3: 45.0, 4: 60.0, 5: 90.0}


def rating_for(score: float, hints_used: int, seconds: float | None, difficulty: int) -> Rating:
    if score < PASS_SCORE:
        return Rating.Again
    if score < 1.0 or hints_used > 0:
        return Rating.Hard
    fast = FAST_SECONDS.get(difficulty, 45.0)
    if seconds is not None and 0 <= seconds <= fast:
        return Rating.Easy
    return Rating.Good
