"""Assessments: what an instructor assigns, each student's window, and starting an attempt.

An assessment attempt is an ordinary attempt of kind ASSESSMENT, taken on the quiz pages. The
rules are enforced here and by the attempt services: a start is refused before the window
opens, after it closes and when the attempts are used up; the attempt's time limit is cut to
the student's close, so an answer after the deadline meets a finished attempt (as for a timed
drill). Accommodations stretch the time limit (a factor and extra minutes) and the close.
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from quizsvc.content import QuestionTemplate
from quizsvc.db import get_session
from quizsvc.progress.courses import (
    Accommodation,
    Assessment,
    AssessmentAttempt,
    AssessmentMode,
    Course,
    CourseRole,
    Release,
    SeedPolicy,
)
from quizsvc.progress.models import Attempt, AttemptKind, Mode, User, utcnow
from quizsvc.services import catalog
from quizsvc.services.attempts import MAX_QUESTIONS
from quizsvc.services.attempts.finishing import close_if_over
from quizsvc.services.attempts.start import build_attempt
from quizsvc.services.courses.people import Seat, instructor_course, member_course, staff_course
from quizsvc.services.courses.times import shown
from quizsvc.services.errors import Conflict, InvalidInput, NotFound

MAX_MINUTES = 600
MAX_ATTEMPTS = 20
MAX_TIME_FACTOR = 4.0
MODE_OF = {
    AssessmentMode.PRACTICE: Mode.PRACTICE,
    AssessmentMode.EXAM: Mode.EXAM,
    AssessmentMode.DRILL: Mode.EXAM,
}


@dataclass(frozen=True)
class AssessmentSpec:
    """What the instructor's form (or the API) says; times are UTC."""

    title: str
    lesson_ids: Sequence[str] = ()
    objectives: Sequence[str] = ()  # "lesson-id/objective-id"
    template_ids: Sequence[str] = ()
    question_count: int = 10
    mode: AssessmentMode = AssessmentMode.EXAM
    time_limit_minutes: int | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    attempts_allowed: int | None = 1
    seeds: SeedPolicy = SeedPolicy.PER_STUDENT
    release: Release = Release.IMMEDIATELY


@dataclass(frozen=True)
class Window:
    """One student's window: when they may start, until when, and for how long."""

    opens_at: datetime | None
    closes_at: datetime | None
    time_limit_s: int | None
    accommodated: bool


@dataclass(frozen=True)
class StudentView:
    """An assessment as one student sees it in their course."""

    assessment: Assessment
    window: Window
    attempts: list[Attempt] = field(default_factory=list)
    released: bool = False
    refusal: str | None = None  # why they cannot start now (None: they can)

    @property
    def in_progress(self) -> Attempt | None:
        return next((a for a in self.attempts if not a.finished), None)

    @property
    def finished(self) -> list[Attempt]:
        return [a for a in self.attempts if a.finished]

    @property
    def best(self) -> float | None:
        scores = [a.score or 0.0 for a in self.finished]
        return max(scores) if scores and self.released else None

    @property
    def status(self) -> str:
        if self.in_progress is not None:
            return "in progress"
        if self.finished:
            return "submitted"
        return "not started"


# --- building ---------------------------------------------------------------------------------


def templates_of(lesson_ids: Sequence[str], objectives: Sequence[str],
                 template_ids: Sequence[str]) -> list[QuestionTemplate]:  # fmt: skip
    """The pool: every template of the lessons, those testing the objectives, and the chosen
    ones, each once, in course order. Names that no longer exist are left out."""
    wanted_objectives = {tuple(o.split("/", 1)) for o in objectives if "/" in o}
    chosen = set(template_ids)
    pool = []
    for lesson in catalog.lessons():
        for template in lesson.questions:
            if (
                lesson.id in lesson_ids
                or template.id in chosen
                or any((lesson.id, o) in wanted_objectives for o in template.objectives)
            ):
                pool.append(template)
    return pool


def _check(spec: AssessmentSpec) -> AssessmentSpec:
    if not spec.title.strip():
        raise InvalidInput("Give the assessment a title.")
    known = catalog.get_catalog().templates
    for lesson_id in spec.lesson_ids:
        catalog.lesson(lesson_id)  # NotFound names it
    for template_id in spec.template_ids:
        if template_id not in known:
            raise InvalidInput(f"There is no question template {template_id!r}.")
    for objective in spec.objectives:
        lesson_id, _, objective_id = objective.partition("/")
        lesson = catalog.lesson(lesson_id)
        if objective_id not in {o.id for o in lesson.objectives}:
            raise InvalidInput(f"The lesson {lesson_id!r} has no objective {objective_id!r}.")
    if not templates_of(spec.lesson_ids, spec.objectives, spec.template_ids):
        raise InvalidInput("Choose lessons, objectives or questions that have questions.")
    if not 1 <= spec.question_count <= MAX_QUESTIONS:
        raise InvalidInput(f"An assessment has 1 to {MAX_QUESTIONS} questions.")
    minutes = spec.time_limit_minutes
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES:
        raise InvalidInput(f"Give a time limit of 1 to {MAX_MINUTES} minutes, or none.")
    if spec.mode is AssessmentMode.DRILL and minutes is None:
        raise InvalidInput("A timed drill needs a time limit.")
    if spec.opens_at and spec.closes_at and spec.closes_at <= spec.opens_at:
        raise InvalidInput("The assessment must close after it opens.")
    allowed = spec.attempts_allowed
    if allowed is not None and not 1 <= allowed <= MAX_ATTEMPTS:
        raise InvalidInput(f"Allow 1 to {MAX_ATTEMPTS} attempts, or leave it open.")
    if spec.release is Release.AFTER_CLOSE and spec.closes_at is None:
        raise InvalidInput("Results released after closing need a closing time.")
    return spec


def _apply(assessment: Assessment, spec: AssessmentSpec) -> None:
    assessment.title = spec.title.strip()[:120]
    assessment.lesson_ids = list(dict.fromkeys(spec.lesson_ids))
    assessment.objectives = list(dict.fromkeys(spec.objectives))
    assessment.template_ids = list(dict.fromkeys(spec.template_ids))
    assessment.question_count = spec.question_count
    assessment.mode = spec.mode
    assessment.time_limit_s = spec.time_limit_minutes * 60 if spec.time_limit_minutes else None
    assessment.opens_at = spec.opens_at
    assessment.closes_at = spec.closes_at
    assessment.attempts_allowed = spec.attempts_allowed
    assessment.seeds = spec.seeds
    assessment.release = spec.release


def create_assessment(user: User, course_id: int, spec: AssessmentSpec) -> Assessment:
    course = instructor_course(user, course_id).course
    assessment = Assessment(course_id=course.id, shared_seed=secrets.randbits(31))
    _apply(assessment, _check(spec))
    session = get_session()
    session.add(assessment)
    session.commit()
    return assessment


def open_assessment(course: Course, spec: AssessmentSpec) -> Assessment:
    """A new assessment of `course` whatever the caller's role, checked as `create_assessment`
    checks it: for integrations whose placement vouches for it (an LTI link whose custom
    parameters name a lesson creates its assessment on its first launch, by anyone)."""
    assessment = Assessment(course_id=course.id, shared_seed=secrets.randbits(31))
    _apply(assessment, _check(spec))
    session = get_session()
    session.add(assessment)
    session.commit()
    return assessment


def update_assessment(
    user: User, course_id: int, assessment_id: int, spec: AssessmentSpec
) -> Assessment:
    """Change the settings; attempts already started keep their questions and deadlines."""
    instructor_course(user, course_id)
    assessment = get_assessment(course_id, assessment_id)
    _apply(assessment, _check(spec))
    get_session().commit()
    return assessment


def get_assessment(course_id: int, assessment_id: int) -> Assessment:
    """An assessment of the course (callers have checked who may see the course)."""
    assessment = get_session().get(Assessment, assessment_id)
    if assessment is None or assessment.course_id != course_id:
        raise NotFound("This course has no such assessment.")
    return assessment


def find_assessment(assessment_id: int) -> Assessment:
    """An assessment by id alone, for integrations that resolved it themselves (an LTI
    resource link stores its assessment id); pages and the API use `get_assessment`."""
    assessment = get_session().get(Assessment, assessment_id)
    if assessment is None:
        raise NotFound("There is no such assessment.")
    return assessment


def assessments_of(course: Course) -> list[Assessment]:
    query = select(Assessment).where(Assessment.course_id == course.id).order_by(Assessment.id)
    return list(get_session().scalars(query))


# --- accommodations ---------------------------------------------------------------------------


def set_accommodation(
    user: User,
    course_id: int,
    assessment_id: int,
    student_id: int,
    *,
    time_factor: float = 1.0,
    extra_minutes: int = 0,
    closes_at: datetime | None = None,
) -> Accommodation:
    seat = instructor_course(user, course_id)
    assessment = get_assessment(course_id, assessment_id)
    if not any(m.user_id == student_id and m.role is CourseRole.STUDENT
               for m in seat.course.memberships):  # fmt: skip
        raise NotFound("This person is not a student of the course.")
    if not (math.isfinite(time_factor) and 1.0 <= time_factor <= MAX_TIME_FACTOR):
        raise InvalidInput(f"The time factor is between 1 and {MAX_TIME_FACTOR:g} (1.5: +50 %).")
    if not 0 <= extra_minutes <= MAX_MINUTES:
        raise InvalidInput(f"Extra minutes are 0 to {MAX_MINUTES}.")
    if closes_at is not None and assessment.closes_at and closes_at <= assessment.closes_at:
        raise InvalidInput("A later close must be after the assessment's own close.")
    found = next((a for a in assessment.accommodations if a.user_id == student_id), None)
    if found is None:
        found = Accommodation(assessment_id=assessment.id, user_id=student_id)
        assessment.accommodations.append(found)
    found.time_factor = time_factor
    found.extra_minutes = extra_minutes
    found.closes_at = closes_at
    get_session().commit()
    return found


def remove_accommodation(user: User, course_id: int, assessment_id: int, student_id: int) -> None:
    instructor_course(user, course_id)
    assessment = get_assessment(course_id, assessment_id)
    for accommodation in list(assessment.accommodations):
        if accommodation.user_id == student_id:
            assessment.accommodations.remove(accommodation)
    get_session().commit()


def window(assessment: Assessment, user_id: int) -> Window:
    found = next((a for a in assessment.accommodations if a.user_id == user_id), None)
    limit = assessment.time_limit_s
    closes = assessment.closes_at
    if found is not None:
        if limit is not None:
            limit = math.ceil(limit * found.time_factor) + found.extra_minutes * 60
        if found.closes_at is not None and (closes is None or found.closes_at > closes):
            closes = found.closes_at
    return Window(assessment.opens_at, closes, limit, found is not None)


# --- students ---------------------------------------------------------------------------------


def _attempts(assessment: Assessment, user_id: int) -> list[Attempt]:
    query = (
        select(AssessmentAttempt)
        .where(
            AssessmentAttempt.assessment_id == assessment.id, AssessmentAttempt.user_id == user_id
        )
        .order_by(AssessmentAttempt.number)
    )
    return [link.attempt for link in get_session().scalars(query)]


def _refusal(assessment: Assessment, win: Window, attempts: list[Attempt], now: datetime,
             zone: str) -> str | None:  # fmt: skip
    if win.opens_at is not None and now < win.opens_at:
        return f"{assessment.title} opens on {shown(win.opens_at, zone)}."
    if win.closes_at is not None and now >= win.closes_at:
        return f"{assessment.title} closed on {shown(win.closes_at, zone)}."
    allowed = assessment.attempts_allowed
    if allowed is not None and len(attempts) >= allowed:
        attempts_word = "attempt" if allowed == 1 else "attempts"
        return f"You have used all {allowed} {attempts_word} of {assessment.title}."
    return None


def student_view(assessment: Assessment, user: User) -> StudentView:
    attempts = _attempts(assessment, user.id)
    for attempt in attempts:
        close_if_over(attempt)  # a deadline that passed reads as submitted
    now = utcnow()
    win = window(assessment, user.id)
    zone = assessment.course.timezone
    refusal = None if any(not a.finished for a in attempts) else _refusal(
        assessment, win, attempts, now, zone)  # fmt: skip
    return StudentView(assessment, win, attempts, assessment.results_released(now), refusal)


def student_views(seat: Seat, user: User) -> list[StudentView]:
    return [student_view(a, user) for a in assessments_of(seat.course)]


def assessment_for_member(user: User, course_id: int, assessment_id: int) -> StudentView:
    member_course(user, course_id)
    return student_view(get_assessment(course_id, assessment_id), user)


def _attempt_seed(assessment: Assessment, number: int) -> int:
    if assessment.seeds is SeedPolicy.PER_STUDENT:
        return secrets.randbits(31)
    digest = hashlib.sha256(f"{assessment.shared_seed}:{number}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def start_attempt(user: User, assessment: Assessment) -> Attempt:
    """Start (or resume) the student's attempt at `assessment`, or refuse with a Conflict that
    says why. The caller has checked that `user` is in the assessment's course."""
    view = student_view(assessment, user)
    if view.in_progress is not None:
        return view.in_progress
    if view.refusal is not None:
        raise Conflict(view.refusal)
    number = len(view.attempts) + 1
    seed = _attempt_seed(assessment, number)
    pool = templates_of(assessment.lesson_ids, assessment.objectives, assessment.template_ids)
    if not pool:
        raise Conflict(f"{assessment.title} has no questions left; tell your instructor.")
    chosen = random.Random(seed).sample(pool, min(assessment.question_count, len(pool)))
    chosen.sort(key=lambda t: t.difficulty)
    lessons = {t.lesson_id for t in chosen}
    lesson_id = lessons.pop() if len(lessons) == 1 else None
    mode = MODE_OF[assessment.mode]
    # A second try tells a student the first was wrong: only when results are released at once.
    tries = None if assessment.release is Release.IMMEDIATELY else 1  # None: the configured
    attempt = build_attempt(
        user, AttemptKind.ASSESSMENT, mode, lesson_id, chosen, seed, None, tries,
        use_pools=assessment.seeds is SeedPolicy.PER_STUDENT,  # shared seeds: the same variants
    )  # fmt: skip
    attempt.time_limit_s = _time_limit(attempt.started_at, view.window)
    session = get_session()
    session.add(attempt)
    session.add(AssessmentAttempt(
        attempt=attempt, assessment_id=assessment.id, user_id=user.id, number=number))  # fmt: skip
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "This assessment was started in another tab; open it from your course."
        ) from None
    return attempt


def _time_limit(started: datetime, win: Window) -> int | None:
    """Seconds from the start to the earlier of the time limit and the student's close."""
    ends = []
    if win.time_limit_s is not None:
        ends.append(started + timedelta(seconds=win.time_limit_s))
    if win.closes_at is not None:
        ends.append(win.closes_at)
    if not ends:
        return None
    return max(1, math.ceil((min(ends) - started).total_seconds()))


def start_for_member(user: User, course_id: int, assessment_id: int) -> Attempt:
    member_course(user, course_id)
    return start_attempt(user, get_assessment(course_id, assessment_id))


@dataclass(frozen=True)
class Score:
    """A student's result for an assessment, as an LMS gradebook wants it."""

    score: float  # 0..1, the best finished attempt
    attempts: int
    finished_at: datetime


def student_score(assessment: Assessment, user_id: int) -> Score | None:
    """The best finished attempt's score (None before one is finished); for staff and
    integrations, whatever the release setting says to the student."""
    finished = [a for a in _attempts(assessment, user_id) if a.finished]
    if not finished:
        return None
    best = max(finished, key=lambda a: (a.score or 0.0, a.finished_at))
    assert best.finished_at is not None
    return Score(best.score or 0.0, len(finished), best.finished_at)


def staff_assessment(user: User, course_id: int, assessment_id: int) -> tuple[Seat, Assessment]:
    return staff_course(user, course_id), get_assessment(course_id, assessment_id)


def assessment_of_attempt(user: User, attempt_id: int) -> Assessment:
    """The assessment of one of the student's own attempts (NotFound for anyone else's)."""
    link = get_session().get(AssessmentAttempt, attempt_id)
    if link is None or link.user_id != user.id:
        raise NotFound("There is no such assessment attempt among yours.")
    return link.assessment
