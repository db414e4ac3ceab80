"""Pool targets for a class about to start: warm the pools before an assessment opens.

A scheduled assessment makes a whole class start within a minute of its opening, which is the
moment pools exist for; `quizsvc pool fill --per-template N` does it by hand. This module says
what the pools should hold for the assessments that open within the lead time
(`QUIZSVC_POOL_LEAD_MINUTES`), sized for their class, and the job queue's periodic reconcile
asks for those fills (quizsvc.jobs), so an instructor who schedules an exam needs no command.

Per template and assessment the target is the class's expected draws plus one standard
deviation: each of S enrolled students draws q of the assessment's T templates, so a template is
drawn S*q/T times on average (every student's, when q >= T). Assessments opening together add
up; the sum is capped by `QUIZSVC_POOL_CLASS_MAX` (a typo in an enrolment import must not fill
a million variants). A draw beyond the target only generates at the start, as without pools.

Only assessments whose students get their own variants count: with shared seeds the class
gets the same variants, which pools (fresh variants, each handed out once) are not for. An
assessment that opened already, or opens later than the lead time, asks for nothing: its
targets fall back to `QUIZSVC_POOL_PER_TEMPLATE`, and extra variants stay until they are used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from quizsvc.db import get_session
from quizsvc.progress.courses import Assessment, CourseRole, Membership, SeedPolicy
from quizsvc.services.courses.assessments import templates_of


@dataclass(frozen=True)
class ClassTarget:
    """What one template's pool should hold for the classes about to start, and why."""

    template_id: str
    target: int
    reasons: tuple[str, ...]  # one line per assessment: which, when, how many students


def expected_draws(students: int, questions: int, templates: int) -> int:
    """Variants of one template that `students` starts draw, plus one standard deviation
    (binomial), at most one per student."""
    if students <= 0 or templates <= 0:
        return 0
    share = min(questions, templates) / templates
    mean = students * share
    spread = math.sqrt(students * share * (1 - share))
    return min(students, math.ceil(mean + spread))


def class_targets(now: datetime, lead: timedelta, cap: int) -> dict[str, ClassTarget]:
    """Template id -> its target for the assessments opening in [now, now + lead]."""
    if lead <= timedelta(0) or cap <= 0:
        return {}
    session = get_session()
    upcoming = list(
        session.scalars(
            select(Assessment)
            .where(
                Assessment.opens_at.is_not(None),
                Assessment.opens_at >= now,
                Assessment.opens_at <= now + lead,
                Assessment.seeds == SeedPolicy.PER_STUDENT,
            )
            .order_by(Assessment.opens_at, Assessment.id)
        )
    )
    if not upcoming:
        return {}
    enrolled: Mapping[int, int] = dict(
        session.execute(
            select(Membership.course_id, func.count(Membership.id))
            .where(
                Membership.course_id.in_({a.course_id for a in upcoming}),
                Membership.role == CourseRole.STUDENT,
            )
            .group_by(Membership.course_id)
        ).all()
    )
    targets: dict[str, int] = {}
    reasons: dict[str, list[str]] = {}
    for assessment in upcoming:
        students = enrolled.get(assessment.course_id, 0)
        templates = templates_of(
            assessment.lesson_ids, assessment.objectives, assessment.template_ids
        )
        draws = expected_draws(students, assessment.question_count, len(templates))
        if draws <= 0:
            continue
        opens = assessment.opens_at
        assert opens is not None  # selected above
        why = (
            f"assessment {assessment.id} {assessment.title!r} opens "
            f"{opens:%Y-%m-%d %H:%M} UTC: {students} students, "
            f"{min(assessment.question_count, len(templates))} of {len(templates)} templates"
        )
        for template in templates:
            targets[template.id] = targets.get(template.id, 0) + draws
            reasons.setdefault(template.id, []).append(why)
    return {
        template_id: ClassTarget(template_id, min(cap, target), tuple(reasons[template_id]))
        for template_id, target in targets.items()
    }


def raised_targets(default: int, classes: Mapping[str, ClassTarget]) -> dict[str, int]:
    """The templates whose target a class raises above `default`, with that target (the
    `targets` of services.pools.status and deficits)."""
    return {t: c.target for t, c in classes.items() if c.target > default}
