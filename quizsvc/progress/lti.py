"""Typed models of LTI 1.3: registered platforms, logins in flight, LMS accounts, resource
links, and the attempts taken through a link with the state of their grade passback.

A score is stored here before anything is sent to the LMS, so a platform that is down costs a
retry, never the score (``LtiAttempt.passback``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from quizsvc.db import Base
from quizsvc.progress.models import Attempt, User, UtcDateTime, _enum, utcnow


class LtiPlatform(Base):
    """An LMS registered with ``quizsvc lti platform add``: where to send logins, where its
    keys are, which deployments of our tool it may launch, and which origin may frame us."""

    __tablename__ = "lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    access_token_url: Mapped[str] = mapped_column(String(1000))
    jwks_url: Mapped[str] = mapped_column(String(1000))
    # The origin allowed to frame launched pages; None: the auth-login URL's origin.
    frame_origin_override: Mapped[str | None] = mapped_column("frame_origin", String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    @property
    def frame_origin(self) -> str:
        if self.frame_origin_override:
            return self.frame_origin_override
        parts = urlsplit(self.auth_login_url)
        return f"{parts.scheme}://{parts.netloc}"


class LtiLogin(Base):
    """One OIDC login initiation: its state and nonce, until its launch uses them (once).

    A launch that verified its id_token but could not yet prove it comes from the browser that
    started the login (no state cookie inside a frame) keeps its claims here until the
    platform's storage confirms the state; ``handoff`` lets a new window continue it.
    """

    __tablename__ = "lti_login"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    storage_target: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    launched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    claims: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    handoff: Mapped[str | None] = mapped_column(String(64), unique=True)
    handed_off_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Where the launch leads when it opens no attempt (a staff page, the deep-linking page).
    target: Mapped[str | None] = mapped_column(String(300))

    platform: Mapped[LtiPlatform] = relationship()


class LtiAccount(Base):
    """The LMS user (issuer, ``sub``) behind one of our accounts, created on first launch."""

    __tablename__ = "lti_account"
    __table_args__ = (UniqueConstraint("issuer", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    sub: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)  # at the last launch

    user: Mapped[User] = relationship()


class LtiLink(Base):
    """A resource link placed in an LMS course: what it opens and where its grades go.

    Today a link opens a lesson quiz (custom parameters ``lesson``, ``mode``, ``questions``);
    ``assessment_ref`` names a course assessment once courses exist, so the link keeps its
    identity when it is pointed there.
    """

    __tablename__ = "lti_link"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    lesson_id: Mapped[str | None] = mapped_column(String(100))
    mode: Mapped[str] = mapped_column(String(20), default="exam")
    questions: Mapped[int | None] = mapped_column()
    assessment_ref: Mapped[str | None] = mapped_column(String(100))
    lineitem_url: Mapped[str | None] = mapped_column(String(1000))
    lineitems_url: Mapped[str | None] = mapped_column(String(1000))
    ags_scopes: Mapped[list[str]] = mapped_column(JSON, default=list)

    platform: Mapped[LtiPlatform] = relationship()


class Passback(enum.StrEnum):
    WAITING = "waiting"  # the attempt is not finished
    DUE = "due"  # finished; the score is to be sent (again, after a failure)
    SENT = "sent"
    NO_SERVICE = "no-service"  # the platform offers no grade service for this link
    GAVE_UP = "gave-up"  # failed too often: an instructor resends it by hand


class LtiAttempt(Base):
    """An attempt taken through a link, by an LMS account, and the passback of its score."""

    __tablename__ = "lti_attempt"
    __table_args__ = (Index("ix_lti_attempt_due", "passback", "next_try_at"),)

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempt.id", ondelete="CASCADE"), primary_key=True
    )
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_link.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("lti_account.id", ondelete="CASCADE"))
    passback: Mapped[Passback] = mapped_column(
        _enum(Passback, "passback"), default=Passback.WAITING
    )
    tries: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    attempt: Mapped[Attempt] = relationship()
    link: Mapped[LtiLink] = relationship()
    account: Mapped[LtiAccount] = relationship()


def mark_due(session: Session, attempt_id: int) -> bool:
    """A finished attempt's score is due for its LMS; False for an attempt taken outside LTI
    (or already due)."""
    row = session.get(LtiAttempt, attempt_id)
    if row is None or row.passback is not Passback.WAITING:
        return False
    row.passback, row.next_try_at = Passback.DUE, utcnow()
    return True


class LtiContext(Base):
    """An LMS course (issuer, deployment, context id) and our course behind it: created on an
    instructor's first launch, its roster kept by launches and Names and Roles syncs."""

    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("issuer", "deployment_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    deployment_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str] = mapped_column(String(255))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(255), default="")
    # The Names and Roles membership URL of the latest launch that carried it.
    memberships_url: Mapped[str | None] = mapped_column(String(1000))
    synced_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_sync_error: Mapped[str] = mapped_column(Text, default="")

    platform: Mapped[LtiPlatform] = relationship()


class LtiMember(Base):
    """An LMS account in a context's roster, as the LMS last said: a launch or a roster sync
    adds it; a sync that no longer lists it marks it removed (and takes its course seat)."""

    __tablename__ = "lti_member"

    context_id: Mapped[int] = mapped_column(
        ForeignKey("lti_context.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(
        ForeignKey("lti_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20))  # a CourseRole value
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    account: Mapped[LtiAccount] = relationship()
