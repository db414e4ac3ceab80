"""The learner's dashboard, one objective's evidence, and the instructor's class view.

Everything is read from the projections (mastery rows, cards) and a per-day aggregate, so the
number of queries does not grow with a learner's history; figures go through the figure cache
keyed by the data they draw, so an unchanged dashboard is not drawn twice.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from quizsvc.content import Lesson, Objective
from quizsvc.db import get_session
from quizsvc.progress import queries
from quizsvc.progress.mastery import (
    LEVEL_THRESHOLDS,
    Level,
    MasteryState,
    level,
    probability,
)
from quizsvc.progress.mastery_models import ObjectiveMastery
from quizsvc.progress.models import Attempt, User, utcnow
from quizsvc.services import attempts, catalog, figures, reviews
from quizsvc.services.errors import Conflict, NotFound
from quizsvc.services.figure_store import Figure

FOCUS_COUNT = 5
PRACTICE_QUESTIONS = 5
RECENT_EVIDENCE = 20
FADE_POINTS = 12
LEVELS: tuple[Level, ...] = tuple(Level)  # weakest first


@dataclass(frozen=True)
class Requirement:
    """What the next level asks for, next to what the learner has."""

    level: Level
    min_probability: float
    min_answers: int


@dataclass(frozen=True)
class ObjectiveStatus:
    lesson: Lesson
    objective: Objective
    state: MasteryState
    level: Level
    probability: float  # of a right answer to a medium question, today (after fading)

    @property
    def answers(self) -> int:
        return self.state.evidence

    @property
    def next(self) -> Requirement | None:
        """The requirement of the level above the current one (None when mastered)."""
        above = LEVELS[LEVELS.index(self.level) + 1 :]
        for candidate, min_p, min_answers in reversed(LEVEL_THRESHOLDS):
            if candidate in above:
                return Requirement(candidate, min_p, min_answers)
        return None


@dataclass(frozen=True)
class LessonMastery:
    lesson: Lesson
    objectives: list[ObjectiveStatus]

    @property
    def started(self) -> bool:
        return any(s.answers for s in self.objectives)

    def count(self, *levels: Level) -> int:
        return sum(1 for s in self.objectives if s.level in levels)


@dataclass(frozen=True)
class Dashboard:
    lessons: list[LessonMastery]
    focus: list[ObjectiveStatus]
    queue: reviews.ReviewQueue
    streak: queries.Streak
    answers: int
    accuracy: float | None
    active_today: bool
    figure: Figure | None
    figure_unit: str  # "day" or "week": what one point of the figure stands for
    figure_points: int  # points in the figure: a trend needs two


def statuses(rows: list[ObjectiveMastery], now: datetime) -> list[LessonMastery]:
    """Every objective of every lesson, in course order, with the learner's state of it."""
    by_key = {(r.lesson_id, r.objective_id): r.state() for r in rows}
    out = []
    for lesson in catalog.lessons():
        items = []
        for objective in lesson.objectives:
            state = by_key.get((lesson.id, objective.id), MasteryState())
            items.append(
                ObjectiveStatus(
                    lesson, objective, state, level(state, now), probability(state, now)
                )
            )
        out.append(LessonMastery(lesson, items))
    return out


def weakest(lessons: list[LessonMastery], count: int = FOCUS_COUNT) -> list[ObjectiveStatus]:
    """Started objectives not yet mastered that were missed at least once, least likely to be
    answered right first. An objective answered right every time needs more practice to rise a
    level, but it is not a weakness: flagging it told learners their right answers were wrong."""
    started = [
        s
        for m in lessons
        for s in m.objectives
        if s.answers and s.level is not Level.MASTERED and s.state.correct < s.state.evidence
    ]
    started.sort(key=lambda s: (s.probability, s.answers))
    return started[:count]


def focus(user: User) -> list[ObjectiveStatus]:
    """The learner's weakest started objectives (what a personal study guide is built on)."""
    return weakest(statuses(queries.mastery_rows(get_session(), user.id), utcnow()))


def dashboard(user: User) -> Dashboard:
    session = get_session()
    now = utcnow()
    lessons = statuses(queries.mastery_rows(session, user.id), now)
    days = queries.daily_activity(session, user.id)
    answers = sum(d.answers for d in days)
    points, unit = queries.buckets(days)
    return Dashboard(
        lessons=lessons,
        focus=weakest(lessons),
        queue=reviews.queue(user, now),
        streak=queries.streak([d.day for d in days], now.date()),
        answers=answers,
        accuracy=sum(d.score_sum for d in days) / answers if answers else None,
        active_today=bool(days) and days[-1].day == now.date(),
        figure=_accuracy_figure(days) if days else None,
        figure_unit=unit,
        figure_points=len(points),
    )


def _accuracy_figure(days: list[queries.DayActivity]) -> Figure:
    # matplotlib (about a second to import) loads with the first chart, not with create_app.
    from quizsvc.progress import charts

    data = json.dumps([(d.day.isoformat(), d.answers, round(d.score_sum, 6)) for d in days])
    key = figures.figure_key("accuracy-over-time", data)
    return figures.get_figure_cache().get(key, lambda: charts.accuracy_figure(days))


# --- one objective ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveDetail:
    status: ObjectiveStatus
    evidence: list[queries.EvidenceRow]  # newest first, at most RECENT_EVIDENCE
    total: int
    figure: Figure | None
    templates: int  # questions that test this objective


def lesson_objective(lesson_id: str, objective_id: str) -> tuple[Lesson, Objective]:
    lesson = catalog.lesson(lesson_id)
    try:
        return lesson, lesson.objective(objective_id)
    except KeyError:
        raise NotFound(f"The lesson {lesson.title!r} has no objective {objective_id!r}.") from None


def objective_detail(user: User, lesson_id: str, objective_id: str) -> ObjectiveDetail:
    lesson, objective = lesson_objective(lesson_id, objective_id)
    session = get_session()
    now = utcnow()
    row = queries.mastery_row(session, user.id, lesson.id, objective.id)
    state = row.state() if row else MasteryState()
    status = ObjectiveStatus(lesson, objective, state, level(state, now), probability(state, now))
    rows = queries.objective_events(session, user.id, lesson.id, objective.id)
    figure = _mastery_figure(objective.text, rows, state, now) if rows else None
    return ObjectiveDetail(
        status=status,
        evidence=rows[::-1][:RECENT_EVIDENCE],
        total=len(rows),
        figure=figure,
        templates=sum(1 for t in lesson.questions if objective.id in t.objectives),
    )


def _mastery_figure(
    title: str, rows: list[queries.EvidenceRow], state: MasteryState, now: datetime
) -> Figure:
    # matplotlib (about a second to import) loads with the first chart, not with create_app.
    from quizsvc.progress import charts

    points = [(r.event.at, r.chance) for r in rows]
    last = points[-1][0]
    # The fading is drawn up to the current hour, so the figure (cached by its data) is drawn
    # at most once an hour rather than on every view.
    horizon = now.replace(minute=0, second=0, microsecond=0)
    step = max(horizon - last, timedelta(0)) / FADE_POINTS
    moments = [last + step * i for i in range(1, FADE_POINTS + 1)] if step else []
    fade = [(t, probability(state, t)) for t in moments]
    data = json.dumps([title, [(t.isoformat(), p) for t, p in points + fade]])
    key = figures.figure_key("mastery-over-time", data)
    return figures.get_figure_cache().get(key, lambda: charts.mastery_figure(title, points, fade))


def practice_objective(user: User, lesson_id: str, objective_id: str) -> Attempt:
    """A practice attempt of fresh variants of questions that test one objective."""
    lesson, objective = lesson_objective(lesson_id, objective_id)
    ids = [t.id for t in lesson.questions if objective.id in t.objectives]
    if not ids:
        raise Conflict("No question tests this objective yet.")
    chosen = random.sample(ids, min(PRACTICE_QUESTIONS, len(ids)))
    return attempts.start_practice(user, chosen)


# --- the class --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassObjective:
    lesson: Lesson
    objective: Objective
    counts: dict[Level, int]  # every registered student, those without answers not started
    mean_probability: float | None  # over students who answered

    @property
    def students(self) -> int:
        return sum(self.counts.values())

    def share(self, lvl: Level) -> float:
        return self.counts.get(lvl, 0) / self.students if self.students else 0.0


@dataclass(frozen=True)
class LearnerRow:
    name: str
    levels: list[Level]  # one per objective of the chosen lesson


@dataclass(frozen=True)
class ClassView:
    students: int
    lessons: list[tuple[Lesson, list[ClassObjective]]]
    lesson: Lesson | None  # chosen for the learner-by-objective table
    learners: list[LearnerRow]


def class_view(lesson_id: str | None = None) -> ClassView:
    session = get_session()
    now = utcnow()
    students = queries.student_count(session)
    rows = queries.class_mastery(session)
    states: dict[tuple[str, str], list[MasteryState]] = {}
    for item in rows:
        states.setdefault((item.row.lesson_id, item.row.objective_id), []).append(item.row.state())
    lessons = []
    for lesson in catalog.lessons():
        items = []
        for objective in lesson.objectives:
            seen = states.get((lesson.id, objective.id), [])
            counts = Counter(level(s, now) for s in seen)
            counts[Level.NOT_STARTED] += students - len(seen)
            mean = sum(probability(s, now) for s in seen) / len(seen) if seen else None
            items.append(ClassObjective(lesson, objective, dict(counts), mean))
        lessons.append((lesson, items))
    chosen = catalog.lesson(lesson_id) if lesson_id else None
    return ClassView(students, lessons, chosen, _learners(chosen, rows, now) if chosen else [])


def _learners(
    lesson: Lesson, rows: list[queries.LearnerMastery], now: datetime
) -> list[LearnerRow]:
    names: dict[int, str] = {}
    by_learner: dict[int, dict[str, MasteryState]] = {}
    for item in rows:
        if item.row.lesson_id == lesson.id:
            names[item.user_id] = item.name
            by_learner.setdefault(item.user_id, {})[item.row.objective_id] = item.row.state()
    return [
        LearnerRow(
            names[user_id],
            [level(states.get(o.id, MasteryState()), now) for o in lesson.objectives],
        )
        for user_id, states in sorted(by_learner.items(), key=lambda kv: names[kv[0]].lower())
    ]
