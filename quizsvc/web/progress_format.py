"""Template filters of the progress pages: times relative to now or in UTC, ratings in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quizsvc.progress.models import utcnow

RATING_WORDS = {1: "forgot", 2: "hard", 3: "good", 4: "easy"}
_UNITS = (
    (timedelta(days=365), "year"),
    (timedelta(days=30), "month"),
    (timedelta(days=7), "week"),
    (timedelta(days=1), "day"),
    (timedelta(hours=1), "hour"),
    (timedelta(minutes=1), "minute"),
)


def relative(moment: datetime, now: datetime | None = None) -> str:
    """ "in 3 days", "2 hours ago", "just now": the largest whole unit, rounded down."""
    delta = moment - (now or utcnow())
    size = abs(delta)
    for unit, name in _UNITS:
        if size >= unit:
            count = size // unit
            text = f"{count} {name}{'s' if count != 1 else ''}"
            return f"in {text}" if delta > timedelta(0) else f"{text} ago"
    return "just now"


def utc(moment: datetime, fmt: str = "%d %b %Y, %H:%M") -> str:
    """A stored time as the pages show clock times: in UTC, and saying so."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment.strftime(fmt)} UTC"


def rating_word(rating: int | None) -> str:
    return RATING_WORDS.get(rating or 0, "not reviewed")
