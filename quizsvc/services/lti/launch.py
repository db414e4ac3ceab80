"""OIDC login initiation and the launch's id_token, checked step by step.

1. ``begin_login``: the platform names itself (``iss``); we store a fresh state and nonce and
   send the browser to the platform's auth-login URL.
2. ``verify_launch``: the platform posts back an ``id_token`` and the state. The login must be
   ours, recent and unused; PyJWT checks the signature against the platform's JWKS, the
   issuer, the audience (our client id; ``azp`` when there are several), ``exp`` and ``iat``;
   then the nonce must be the login's, the deployment registered, and the message a 1.3
   resource-link launch or deep-linking request. The login is marked used in the same
   statement that checks it, so a replayed id_token is refused even when two arrive at once.
3. The caller then proves the browser is the one that started the login (the state cookie,
   or the platform's storage inside a frame) before :mod:`.links` opens the quiz.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import jwt
from sqlalchemy import delete, update

from quizsvc.db import get_session
from quizsvc.progress.lti import LtiLogin, LtiPlatform
from quizsvc.progress.models import utcnow
from quizsvc.services.errors import ServiceError
from quizsvc.services.lti.platforms import find_platform

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
LOGIN_LIFETIME = timedelta(minutes=10)
KEEP_LOGINS = timedelta(days=1)
LEEWAY = 60  # seconds of clock difference accepted between the platform and us
_jwks_clients: dict[str, jwt.PyJWKClient] = {}


class LaunchRefused(ServiceError):
    """A login or launch we refuse; the message says what was wrong and what to do."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def begin_login(params: dict[str, str], redirect_uri: str) -> tuple[LtiLogin, str]:
    """Store a login for the initiation ``params`` (iss, login_hint, ...); the URL of the
    platform's authentication request."""
    for name in ("iss", "login_hint", "target_link_uri"):
        if not params.get(name):
            raise LaunchRefused(f"The LMS's login request has no {name}: start again from the LMS.")
    try:
        platform = find_platform(params["iss"], params.get("client_id"))
    except ServiceError as exc:
        raise LaunchRefused(exc.message, 403) from None
    login = LtiLogin(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        platform=platform,
        storage_target=params.get("lti_storage_target") or None,
    )
    session = get_session()
    # Logins never launched, and launches long handed over, are of no further use.
    session.execute(delete(LtiLogin).where(LtiLogin.created_at < utcnow() - KEEP_LOGINS))
    session.add(login)
    session.commit()
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": params["login_hint"],
        "state": login.state,
        "nonce": login.nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return login, f"{platform.auth_login_url}{separator}{urlencode(query)}"


def _jwks_client(url: str) -> jwt.PyJWKClient:
    """One client per JWKS URL and worker: keys are cached, and an unknown ``kid`` (the
    platform rotated its key) fetches the set again."""
    client = _jwks_clients.get(url)
    if client is None:
        client = _jwks_clients[url] = jwt.PyJWKClient(url, lifespan=300, timeout=10)
    return client


def decode_id_token(id_token: str, platform: LtiPlatform) -> dict[str, Any]:
    """The verified claims of an id_token from ``platform`` (signature, iss, aud, exp, iat)."""
    try:
        signing_key = _jwks_client(platform.jwks_url).get_signing_key_from_jwt(id_token)
    except jwt.PyJWKClientConnectionError:
        raise LaunchRefused(
            "The LMS's public keys could not be fetched: try again in a minute.", 503
        ) from None
    except (jwt.PyJWKClientError, jwt.DecodeError):
        raise LaunchRefused(
            "The launch is signed with a key the LMS does not publish.", 401
        ) from None
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            signing_key.key,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
            leeway=LEEWAY,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
        )
    except jwt.ExpiredSignatureError:
        raise LaunchRefused(
            "The launch has expired: open the link in the LMS again.", 401
        ) from None
    except jwt.InvalidAudienceError:
        raise LaunchRefused("The launch is meant for another tool (audience).", 401) from None
    except jwt.InvalidIssuerError:
        raise LaunchRefused("The launch comes from another LMS (issuer).", 401) from None
    except jwt.InvalidSignatureError:
        raise LaunchRefused("The launch's signature does not verify.", 401) from None
    except jwt.InvalidTokenError as exc:
        raise LaunchRefused(f"The launch's token is not valid: {exc}.", 401) from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != platform.client_id:
        raise LaunchRefused("The launch is meant for another tool (azp).", 401)
    return claims


def verify_launch(state: str, id_token: str) -> LtiLogin:
    """The login this launch completes, its claims verified and stored; refused otherwise."""
    session = get_session()
    login = session.get(LtiLogin, state) if state else None
    if login is None or utcnow() - login.created_at > LOGIN_LIFETIME:
        raise LaunchRefused(
            "This launch does not match a recent login from this tool: open the link in the "
            "LMS again.", 400,
        )  # fmt: skip
    if login.launched_at is not None:
        raise LaunchRefused("This launch was already used once (replay refused).", 409)
    platform = login.platform
    claims = decode_id_token(id_token, platform)
    if not secrets.compare_digest(str(claims["nonce"]), login.nonce):
        raise LaunchRefused("The launch's nonce is not the one of its login.", 401)
    deployment = claims.get(CLAIM + "deployment_id")
    if deployment not in platform.deployment_ids:
        raise LaunchRefused(
            f"The LMS deployment {deployment!r} is not registered with this tool: an "
            "administrator adds it with `quizsvc lti platform add --deployment-id ...`.", 403,
        )  # fmt: skip
    if claims.get(CLAIM + "version") != "1.3.0":
        raise LaunchRefused("Only LTI 1.3.0 launches are supported.", 400)
    message = claims.get(CLAIM + "message_type")
    if message not in (RESOURCE_LINK, DEEP_LINKING):
        raise LaunchRefused(f"This tool does not handle {message!r} messages.", 400)
    if message == RESOURCE_LINK and not (claims.get(CLAIM + "resource_link") or {}).get("id"):
        raise LaunchRefused("The launch names no resource link.", 400)
    settings = claims.get(DL_CLAIM + "deep_linking_settings") or {}
    if message == DEEP_LINKING and not settings.get("deep_link_return_url"):
        raise LaunchRefused("The deep-linking request names no deep_link_return_url.", 400)
    used = session.execute(
        update(LtiLogin)
        .where(LtiLogin.state == state, LtiLogin.launched_at.is_(None))
        .values(launched_at=utcnow(), claims=claims)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise LaunchRefused("This launch was already used once (replay refused).", 409)
    session.commit()
    session.refresh(login)
    return login


def confirm_storage(login: LtiLogin, stored_state: str) -> None:
    """The platform's storage (inside its frame) gave back ``stored_state``: the browser that
    posted the launch is the one that started the login."""
    if login.claims is None or not secrets.compare_digest(stored_state, login.state):
        raise LaunchRefused("This browser could not be matched with the login it started.", 403)
