"""Template filters of the progress pages: times relative to now or in UTC, answers in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quizsvc.progress.models import utcnow

# What the learner did that gave a card its FSRS rating (progress.review_rating): the rating's
# own name (Again/Hard/Good/Easy) is a choice the learner never made, so pages say the answer.
ANSWER_WORDS = {
    1: "answered wrong",
    2: "answered partly right or with a hint",
    3: "answered right",
    4: "answered right, quickly",
}
_UNITS = (
    (timedelta(days=365), "year"),
    (timedelta(days=30), "month"),
    (timedelta(days=7), "week"),
    (timedelta(days=1), "day"),
    (timedelta(hours=1), "hour"),
    (timedelta(minutes=1), "minute"),
)


def relative(moment: datetime, now: datetime | None = None) -> str:
    """ "in 3 days", "2 hours ago", "just now", "in less than a minute": the largest whole
    unit, rounded down."""
    delta = moment - (now or utcnow())
    size = abs(delta)
    for unit, name in _UNITS:
        if size >= unit:
            count = size // unit
            text = f"{count} {name}{'s' if count != 1 else ''}"
            return f"in {text}" if delta > timedelta(0) else f"{text} ago"
    return "in less than a minute" if delta > timedelta(0) else "just now"


def utc(moment: datetime, fmt: str = "%d %b %Y, %H:%M") -> str:
    """A stored time as the pages show clock times: in UTC, and saying so."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.strftime(fmt)} UTC"


def last_answer(rating: int | None) -> str:
    return ANSWER_WORDS.get(rating or 0, "not answered yet")
