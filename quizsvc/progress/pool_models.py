"""Tables every instance shares: pooled variants and figures for a class that starts at once,
and instructors' template reports.

A pooled variant is a variant generated (and its figures drawn) before anyone asked for it. It
is stored whole, like `AttemptQuestion.variant`, with the template's content hash and the engine
version it was made with, so that a changed lesson or engine never serves it: only rows whose
hash and version match the template of today are claimed. Claiming deletes the row in the
transaction that stores the attempt, so each pooled variant is handed out once, and a failed
start puts it back (the transaction rolls back).

A stored figure is a drawn SVG under its content-derived key (`services.figures.figure_key`),
the layer every web instance and worker shares behind each host's disk cache. A row without
SVG is a claim: an instance is drawing it, the others wait for it instead of drawing it too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from quizsvc.db import Base
from quizsvc.progress.models import UtcDateTime, utcnow


class PooledVariant(Base):
    __tablename__ = "pooled_variant"
    __table_args__ = (
        Index("ix_pooled_variant_template", "template_id", "content_hash", "engine_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[str] = mapped_column(String(100))
    lesson_id: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(40))
    seed: Mapped[int] = mapped_column(BigInteger)
    variant: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class StoredFigure(Base):
    __tablename__ = "stored_figure"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    svg: Mapped[str | None] = mapped_column(Text)  # None: being drawn since claimed_at
    alt: Mapped[str] = mapped_column(Text, default="")
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class StoredReport(Base):
    """An instructor's template report (services.template_report) under its key: the report
    once computed, and while it runs its progress and the heartbeat its lease is judged by."""

    __tablename__ = "template_report"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(100))
    # SQL NULL until computed (JSON's default would store a JSON null, which IS NULL misses).
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    done: Mapped[int] = mapped_column(default=0)
    running: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str] = mapped_column(Text, default="")  # why the last run failed
    beat: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
