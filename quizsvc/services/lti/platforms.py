"""Registering an LMS (``quizsvc lti platform add``) and finding it again at login."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy import select

from quizsvc.db import get_session
from quizsvc.progress.lti import LtiPlatform
from quizsvc.services.errors import Conflict, InvalidInput


def _url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InvalidInput(f"{name} must be an absolute http(s) URL, not {value!r}")
    return value


def _origin(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.path not in ("", "/"):
        raise InvalidInput(f"--frame-origin must be an origin such as https://lms.example.edu, "
                           f"not {value!r}")  # fmt: skip
    return f"{parts.scheme}://{parts.netloc}"


def add_platform(
    *,
    issuer: str,
    client_id: str,
    deployment_ids: Sequence[str],
    auth_login_url: str,
    access_token_url: str,
    jwks_url: str,
    frame_origin: str | None = None,
) -> LtiPlatform:
    """Register a platform; adding one that exists (same issuer and client id) adds its new
    deployment ids and takes the new URLs, so the command can be run again after a change."""
    if not issuer or not client_id:
        raise InvalidInput("--issuer and --client-id are required")
    if not deployment_ids:
        raise InvalidInput("give at least one --deployment-id (the LMS shows it with the tool)")
    session = get_session()
    platform = session.scalar(
        select(LtiPlatform).where(LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id)
    )
    if platform is None:
        platform = LtiPlatform(issuer=issuer, client_id=client_id, deployment_ids=[])
        session.add(platform)
    platform.auth_login_url = _url("--auth-login-url", auth_login_url)
    platform.access_token_url = _url("--access-token-url", access_token_url)
    platform.jwks_url = _url("--jwks-url", jwks_url)
    platform.frame_origin_override = _origin(frame_origin) if frame_origin else None
    platform.deployment_ids = list(dict.fromkeys([*platform.deployment_ids, *deployment_ids]))
    session.commit()
    return platform


def list_platforms() -> list[LtiPlatform]:
    return list(get_session().scalars(select(LtiPlatform).order_by(LtiPlatform.id)))


def find_platform(issuer: str, client_id: str | None) -> LtiPlatform:
    """The platform a login initiation names; the client id may be left out when the issuer
    has one registration only."""
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    found = list(get_session().scalars(query))
    if len(found) != 1:
        what = "is not registered" if not found else "has several registrations"
        raise Conflict(
            f"The LMS {issuer!r} {what} with this tool"
            + ("" if not found else ": it must send client_id")
            + ". An administrator registers it with `quizsvc lti platform add`."
        )
    return found[0]
