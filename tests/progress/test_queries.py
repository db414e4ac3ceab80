"""Streaks and per-day activity: UTC days, computed in SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from quizsvc.db import get_session
from quizsvc.progress import queries
from quizsvc.progress.mastery_models import ReviewLog
from quizsvc.progress.queries import DayActivity, buckets, streak
from tests.progress.helpers import answer_all, logs, user_id
from tests.web.helpers import OTHER_LESSON, signup, start

TODAY = date(2026, 11, 20)


def days_ago(*offsets: int) -> list[date]:
    return [TODAY - timedelta(days=n) for n in offsets]


def test_streak_counts_consecutive_days_up_to_today_or_yesterday() -> None:
    assert streak([], TODAY) == queries.Streak(0, 0)
    assert streak(days_ago(0, 1, 2, 5, 6), TODAY) == queries.Streak(3, 3)
    assert streak(days_ago(1, 2), TODAY) == queries.Streak(2, 2)  # today may still come
    assert streak(days_ago(2, 3, 4, 5), TODAY) == queries.Streak(0, 4)  # a whole day missed
    assert streak(days_ago(0, 0, 1), TODAY) == queries.Streak(2, 2)


def test_long_histories_are_drawn_by_week() -> None:
    short = [DayActivity(TODAY - timedelta(days=n), 2, 1.0, 1) for n in range(30)]
    assert buckets(sorted(short, key=lambda d: d.day))[1] == "day"
    long = [DayActivity(TODAY - timedelta(days=n), 2, 1.0, 1) for n in range(0, 200, 3)]
    weeks, unit = buckets(sorted(long, key=lambda d: d.day))
    assert unit == "week" and all(b.start.weekday() == 0 for b in weeks)
    assert sum(b.answers for b in weeks) == sum(d.answers for d in long)


def test_daily_activity_groups_answers_by_utc_day(client: FlaskClient, app: Flask) -> None:
    signup(client)
    answer_all(client, app, start(client, OTHER_LESSON), right=[True, False, True])
    uid = user_id(app)
    first, second, third = (log.id for log in logs(app, uid))
    moments = {  # just before and just after midnight UTC, and a week earlier
        first: datetime(2026, 11, 19, 23, 59, 30, tzinfo=UTC),
        second: datetime(2026, 11, 20, 0, 0, 30, tzinfo=UTC),
        third: datetime(2026, 11, 12, 12, 0, tzinfo=UTC),
    }
    with app.app_context():
        session = get_session()
        for log_id, moment in moments.items():
            moved = update(ReviewLog).where(ReviewLog.id == log_id).values(reviewed_at=moment)
            session.execute(moved)
        session.commit()
        activity = queries.daily_activity(session, uid)
    assert [(d.day, d.answers, d.correct) for d in activity] == [
        (date(2026, 11, 12), 1, 1),
        (date(2026, 11, 19), 1, 1),
        (date(2026, 11, 20), 1, 0),
    ]
    assert [d.accuracy for d in activity] == [1.0, 1.0, 0.0]
