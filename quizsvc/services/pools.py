"""Variant pools: fresh variants prepared before a class asks for them.

Starting an attempt generates a variant per question (simulations) and the first view draws its
figures (matplotlib): seconds for a class that starts at once. A pool keeps, per template, a few
variants that a worker has already generated, validated and drawn (figures in the shared figure
store), so a start only claims rows. Every learner still gets fresh variants: a pooled variant
is handed out once and deleted by the claim, in the transaction that stores the attempt.

A variant is a function of (template content hash, seed, engine version): rows made from an
older lesson file or engine are never claimed, and the next fill of that template deletes them.
An empty pool is not an error: the start generates the variant itself, as without pools.

The claim is one statement, safe under concurrency on every backend: PostgreSQL deletes the
oldest row that no other transaction holds (``FOR UPDATE SKIP LOCKED`` in the subquery), and
SQLite serialises writers, so two starts never get the same row.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Table, and_, delete, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from quizsvc.content import QuestionTemplate
from quizsvc.db import get_session
from quizsvc.progress.pool_models import PooledVariant
from quizsvc.quiz import Variant, VariantError, generate
from quizsvc.services import catalog
from quizsvc.services.figures import draw_variant_figures
from quizsvc.sim import ENGINE_VERSION
from quizsvc.sim import ValidationError as SimValidationError

logger = logging.getLogger("quizsvc.pools")

# Seeds tried per pooled variant before the fill gives up on the template for now.
FILL_TRIES = 3


@dataclass(frozen=True)
class PoolDepth:
    template_id: str
    lesson_id: str
    ready: int  # variants of the current lesson file and engine, ready to hand out
    stale: int  # variants of an older file or engine, never handed out (deleted on next fill)
    target: int


def _fresh(template: QuestionTemplate) -> list[ColumnElement[bool]]:
    return [
        PooledVariant.template_id == template.id,
        PooledVariant.content_hash == template.content_hash,
        PooledVariant.engine_version == ENGINE_VERSION,
    ]


def claim(template: QuestionTemplate, session: Session | None = None) -> dict[str, Any] | None:
    """Take one ready variant of `template` out of its pool (as stored: `Variant.to_dict`),
    or None when it is empty.

    The row is deleted in the caller's transaction: it is handed out when that transaction
    commits, and back in the pool if it rolls back.
    """
    session = session or get_session()
    table = cast(Table, PooledVariant.__table__)  # Core: no ORM objects to sync
    oldest = (
        select(table.c.id)
        .where(*_fresh(template))
        .order_by(table.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    # A Core statement: no ORM objects to synchronise, a start makes ten of these.
    row = session.execute(
        table.delete().where(table.c.id == oldest).returning(table.c.variant)
    ).first()
    return None if row is None else dict(row.variant)


def claim_each(
    templates: Sequence[QuestionTemplate], session: Session | None = None
) -> dict[str, dict[str, Any]]:
    """Take one ready variant of each of `templates` (distinct ids) out of its pool, in one
    statement: template id -> variant, for the pools that had one.

    A class that starts at once makes this the hottest write of the start: one DELETE of a
    row per template (each chosen as `claim` does, oldest first, skipping rows another
    transaction holds) instead of one statement per question."""
    if not templates:
        return {}
    if len({t.id for t in templates}) != len(templates):
        raise ValueError("claim_each takes each template once")
    session = session or get_session()
    table = cast(Table, PooledVariant.__table__)  # Core: no ORM objects to sync
    oldest = [
        select(table.c.id)
        .where(*_fresh(template))
        .order_by(table.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
        for template in templates
    ]
    rows = session.execute(
        table.delete().where(table.c.id.in_(oldest)).returning(table.c.template_id, table.c.variant)
    )
    return {row.template_id: dict(row.variant) for row in rows}


def ready(templates: Sequence[QuestionTemplate], session: Session | None = None) -> set[str]:
    """The ids of the templates whose pool holds a ready variant (one read, no lock)."""
    if not templates:
        return set()
    session = session or get_session()
    wanted = or_(*(and_(*_fresh(template)) for template in templates))
    rows = session.scalars(select(PooledVariant.template_id).where(wanted).distinct())
    return set(rows)


def depth(template: QuestionTemplate) -> int:
    count = get_session().scalar(select(func.count(PooledVariant.id)).where(*_fresh(template)))
    return int(count or 0)


def status(
    target: int, lesson_id: str | None = None, targets: Mapping[str, int] | None = None
) -> list[PoolDepth]:
    """The depth of every template's pool (of one lesson, or all), in catalog order, against
    `target`, or the template's own in `targets` (a class about to start:
    services.courses.pool_warmup)."""
    targets = targets or {}
    templates = list(_templates(lesson_id))
    rows = get_session().execute(
        select(
            PooledVariant.template_id,
            PooledVariant.content_hash,
            PooledVariant.engine_version,
            func.count(PooledVariant.id),
        ).group_by(
            PooledVariant.template_id, PooledVariant.content_hash, PooledVariant.engine_version
        )
    )
    ready: dict[str, int] = {}
    stale: dict[str, int] = {}
    current = {t.id: t.content_hash for t in templates}
    for template_id, content_hash, engine_version, count in rows:
        if template_id not in current:
            continue
        fresh = content_hash == current[template_id] and engine_version == ENGINE_VERSION
        bucket = ready if fresh else stale
        bucket[template_id] = bucket.get(template_id, 0) + int(count)
    return [
        PoolDepth(
            t.id, t.lesson_id, ready.get(t.id, 0), stale.get(t.id, 0), targets.get(t.id, target)
        )
        for t in templates
    ]


def deficits(
    target: int, lesson_id: str | None = None, targets: Mapping[str, int] | None = None
) -> dict[str, int]:
    """Template id -> how many variants its pool lacks to reach `target` (or its own in
    `targets`)."""
    return {
        d.template_id: d.target - d.ready
        for d in status(target, lesson_id, targets)
        if d.ready < d.target
    }


def fill(template_id: str, target: int) -> int:
    """Top the template's pool up to `target`, one committed variant at a time; returns how
    many were added. Idempotent: it counts before each variant, so a fill that runs twice, or
    after a killed worker's half-done fill, adds only what is still missing (several workers
    filling one template at once overshoot by at most one variant each)."""
    template = catalog.template(template_id)
    session = get_session()
    removed = cast(
        CursorResult[Any],
        session.execute(
            delete(PooledVariant).where(
                PooledVariant.template_id == template.id,
                (PooledVariant.content_hash != template.content_hash)
                | (PooledVariant.engine_version != ENGINE_VERSION),
            )
        ),
    ).rowcount
    session.commit()
    if removed:
        logger.info(
            "stale pooled variants removed",
            extra={"fields": {"event": "pool_stale", "template": template.id, "rows": removed}},
        )
    added = 0
    while depth(template) < target:
        variant = _prepare(template)
        if variant is None:
            break
        session.add(
            PooledVariant(
                template_id=variant.template_id,
                lesson_id=variant.lesson_id,
                content_hash=variant.content_hash,
                engine_version=variant.engine_version,
                seed=variant.seed,
                variant=variant.to_dict(),
            )
        )
        session.commit()
        added += 1
    return added


def _prepare(template: QuestionTemplate) -> Variant | None:
    """A variant with its figures drawn and stored, or None after FILL_TRIES failed seeds."""
    for _ in range(FILL_TRIES):
        seed = secrets.randbits(31)
        try:
            variant = generate(template, seed)
        except (VariantError, SimValidationError) as exc:
            logger.warning(
                "pool variant failed",
                extra={"fields": {"event": "pool_variant_failed", "template": template.id,
                                  "seed": seed, "error": str(exc)}},
            )  # fmt: skip
            continue
        draw_variant_figures(variant)
        return variant
    return None


def _templates(lesson_id: str | None) -> Iterable[QuestionTemplate]:
    if lesson_id is not None:
        return catalog.lesson(lesson_id).questions
    return [t for lesson in catalog.lessons() for t in lesson.questions]
