"""Drafts: what a learner has entered for a question but not submitted.

A draft is kept on the server as the learner types or picks, so leaving the page, moving to
another question or running out of time loses nothing. It is not an answer: it is graded only
when the attempt ends (see services.attempts.drafts), and an answer recorded for the question
replaces it. One row per question, overwritten in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from quizsvc.db import Base
from quizsvc.progress.models import UtcDateTime, utcnow


class AnswerDraft(Base):
    __tablename__ = "answer_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("attempt_question.id", ondelete="CASCADE"), unique=True
    )
    raw: Mapped[Any] = mapped_column(JSON)  # the response's shape (the API's), as entered
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Why the draft could not be graded when the attempt ended ("" while it runs): the review
    # shows it beside "Not answered", so a malformed draft is never a silent zero.
    problem: Mapped[str] = mapped_column(Text, default="")
