"""A small LTI 1.3 platform (an LMS double) on a local port: tests launch the tool over real
HTTP, as Canvas or Moodle would.

It has its own RSA key and signs id_tokens with it, serves its JWKS, answers OIDC
authentication requests with an auto-posted form, issues access tokens for a client assertion
that it verifies against the tool's own ``/lti/jwks``, and keeps line items and the scores
posted to them. ``course_page`` is an LMS page that frames the tool's launch and offers the
LTI platform storage (``lti.put_data``/``lti.get_data`` over postMessage), for the browser
tests. Tests change its behaviour through attributes: ``tamper`` edits the claims before
signing, ``signing_key`` signs with another key, ``fail_scores`` answers 503 to score posts.

Deep Linking: ``lti_message_hint="deep-link:<context id>"`` sends an LtiDeepLinkingRequest;
``/deep-link-return`` takes the tool's response only when its signature verifies against the
tool's ``/lti/jwks`` (and its iss, aud, deployment, message type and data are right), and keeps
it in ``deep_links``. Names and Roles: ``/nrps/<context id>`` serves ``rosters[context id]``
``page_size`` members a page, linked by ``rel="next"``, to a token with the NRPS scope.
"""

from __future__ import annotations

import html
import itertools
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from typing import Any, ClassVar

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response, abort, jsonify, request
from jwt.algorithms import RSAAlgorithm
from werkzeug.serving import BaseWSGIServer, make_server

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class LmsUser:
    sub: str
    name: str
    email: str
    roles: list[str]


@dataclass
class Link:
    id: str
    title: str
    custom: dict[str, str]
    context: str = "course-1"


@dataclass
class LineItem:
    id: str
    label: str
    score_maximum: float
    resource_link_id: str
    scores: list[dict[str, Any]] = field(default_factory=list)


STUDENT = LmsUser("lms-student-1", "Ada Student", "ada@lms.example", [
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
])  # fmt: skip
TEACHER = LmsUser("lms-teacher-1", "Tom Teacher", "tom@lms.example", [
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
])  # fmt: skip
ASSISTANT = LmsUser("lms-ta-1", "Tia Assistant", "tia@lms.example", [
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
])  # fmt: skip


class TestPlatform:
    """The LMS double; ``with TestPlatform(tool_url).running() as lms: ...``."""

    __test__ = False  # not a test class, despite its name

    client_id = "quizsvc-test-client"
    deployment_id = "deployment-1"
    contexts: ClassVar[dict[str, str]] = {
        "course-1": "Training deep networks", "course-2": "Optimisation", "course-3": "Norms",
        "course-4": "Initialisation",
    }  # fmt: skip

    def __init__(self, tool_url: str, host: str = "localhost") -> None:
        self.tool_url = tool_url.rstrip("/")
        self.host = host
        self.key = new_key()
        self.kid = "lms-key-1"
        self.signing_key: rsa.RSAPrivateKey | None = None  # sign with another key (tampering)
        self.tamper: Callable[[dict[str, Any]], None] | None = None
        self.fail_scores = 0
        self.url = ""
        self.users = {u.sub: u for u in (STUDENT, TEACHER, ASSISTANT)}
        self.links = {
            "link-facts": Link("link-facts", "Facts quiz", {"lesson": "web-facts"}),
            "link-empty": Link("link-empty", "Not set up yet", {}),
        }
        self.lineitems: dict[str, LineItem] = {}
        self.tokens: dict[str, str] = {}  # token -> its scopes
        self.deep_links: list[dict[str, Any]] = []  # verified deep-linking responses
        self.deep_link_errors: list[str] = []
        self.rosters: dict[str, list[LmsUser]] = {}
        self.page_size = 2
        self.roster_pages = 0  # pages served, to see that paging was followed
        self.id_tokens: list[str] = []  # every id_token issued, for replay tests
        self._ids = itertools.count(1)
        self.app = self._build()

    # -- registration ----------------------------------------------------------------------

    @property
    def issuer(self) -> str:
        return self.url

    @property
    def auth_url(self) -> str:
        return self.url + "/auth"

    @property
    def token_url(self) -> str:
        return self.url + "/token"

    @property
    def jwks_url(self) -> str:
        return self.url + "/jwks"

    def registration(self) -> list[str]:
        """The arguments of ``quizsvc lti platform add`` for this platform."""
        return [
            "--issuer", self.issuer, "--client-id", self.client_id,
            "--deployment-id", self.deployment_id, "--auth-login-url", self.auth_url,
            "--access-token-url", self.token_url, "--jwks-url", self.jwks_url,
        ]  # fmt: skip

    def login_params(self, user: LmsUser, link_id: str, storage: bool = False) -> dict[str, str]:
        """The third-party login initiation the LMS sends when ``user`` opens ``link_id``."""
        params = {
            "iss": self.issuer,
            "login_hint": user.sub,
            "target_link_uri": self.tool_url + "/lti/launch",
            "lti_message_hint": link_id,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }
        if storage:
            params["lti_storage_target"] = "_parent"
        return params

    # -- the server ----------------------------------------------------------------------------

    @contextmanager
    def running(self) -> Iterator[TestPlatform]:
        server: BaseWSGIServer = make_server(self.host, 0, self.app, threaded=True)
        self.url = f"http://{self.host}:{server.server_port}"
        thread = threading.Thread(target=server.serve_forever, name="lti-platform", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            thread.join(timeout=10)

    def _build(self) -> Flask:
        app = Flask("lti_platform")
        app.add_url_rule("/jwks", view_func=self._jwks)
        app.add_url_rule("/auth", view_func=self._auth, methods=["GET", "POST"])
        app.add_url_rule("/token", view_func=self._token, methods=["POST"])
        app.add_url_rule("/lineitems", view_func=self._lineitems, methods=["GET", "POST"])
        app.add_url_rule("/lineitems/<item>/scores", view_func=self._scores, methods=["POST"])
        app.add_url_rule("/course/<link_id>", view_func=self._course_page)
        app.add_url_rule("/deep-link-return", view_func=self._deep_link_return, methods=["POST"])
        app.add_url_rule("/nrps/<context_id>", view_func=self._memberships)
        return app

    def _jwks(self) -> Response:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return jsonify({"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]})

    def id_token(self, user: LmsUser, link: Link | str, nonce: str) -> str:
        """A resource-link launch of ``link``, or a deep-linking request from the context
        named by a string."""
        now = int(time.time())
        context_id = link.context if isinstance(link, Link) else link
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.client_id, "sub": user.sub, "iat": now,
            "exp": now + 300, "nonce": nonce, "name": user.name, "email": user.email,
            CLAIM + "version": "1.3.0", CLAIM + "deployment_id": self.deployment_id,
            CLAIM + "target_link_uri": self.tool_url + "/lti/launch",
            CLAIM + "roles": user.roles,
            CLAIM + "context": {"id": context_id, "title": self.contexts[context_id]},
        }  # fmt: skip
        if context_id in self.rosters:  # Names and Roles offered where a roster is set
            claims[NRPS] = {"context_memberships_url": f"{self.url}/nrps/{context_id}",
                            "service_versions": ["2.0"]}  # fmt: skip
        if isinstance(link, Link):
            claims |= {
                CLAIM + "message_type": "LtiResourceLinkRequest",
                CLAIM + "resource_link": {"id": link.id, "title": link.title},
                CLAIM + "custom": link.custom,
                AGS: {"scope": SCOPES, "lineitems": self.url + "/lineitems"},
            }  # fmt: skip
        else:
            claims |= {
                CLAIM + "message_type": "LtiDeepLinkingRequest",
                DL + "deep_linking_settings": {
                    "deep_link_return_url": self.url + "/deep-link-return",
                    "accept_types": ["ltiResourceLink"],
                    "accept_presentation_document_targets": ["iframe", "window"],
                    "data": f"opaque-{nonce[:8]}",
                },
            }  # fmt: skip
        if self.tamper:
            self.tamper(claims)
        key = self.signing_key or self.key
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        self.id_tokens.append(token)
        return token

    def _auth(self) -> Response:
        """The OIDC authentication request: checked as a platform checks it, answered with a
        form that posts the id_token to the tool."""
        p = request.values
        expected = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post",
                    "prompt": "none", "client_id": self.client_id,
                    "redirect_uri": self.tool_url + "/lti/launch"}  # fmt: skip
        wrong = [k for k, v in expected.items() if p.get(k) != v]
        if wrong or not p.get("nonce") or not p.get("state"):
            abort(400, f"bad authentication request: {wrong or 'nonce/state missing'}")
        user = self.users[p["login_hint"]]
        hint = p["lti_message_hint"]
        target = hint.removeprefix("deep-link:") if hint.startswith("deep-link:") else None
        token = self.id_token(user, target or self.links[hint], p["nonce"])
        fields = {"id_token": token, "state": p["state"]}
        inputs = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields.items()
        )
        return Response(
            f'<!doctype html><form id="launch" method="post" action="{expected["redirect_uri"]}">'
            f"{inputs}</form><script>document.getElementById('launch').submit()</script>"
        )

    def _token(self) -> Response:
        """Client credentials with a JWT assertion, verified against the tool's JWKS."""
        form = request.form
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_assertion_type") != ASSERTION
        ):
            return Response('{"error": "unsupported_grant_type"}', 400)
        try:
            key = jwt.PyJWKClient(self.tool_url + "/lti/jwks").get_signing_key_from_jwt(
                form["client_assertion"]
            )
            claims = jwt.decode(form["client_assertion"], key.key, algorithms=["RS256"],
                                audience=self.token_url, issuer=self.client_id)  # fmt: skip
        except (jwt.PyJWTError, KeyError):
            return Response('{"error": "invalid_client"}', 401)
        assert claims["sub"] == self.client_id
        token = secrets.token_urlsafe(16)
        self.tokens[token] = form.get("scope", "")
        return jsonify({"access_token": token, "token_type": "Bearer", "expires_in": 3600,
                        "scope": form.get("scope", "")})  # fmt: skip

    def _authorized(self, scope: str | None = None) -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or token not in self.tokens:
            abort(401)
        if scope is not None and scope not in self.tokens[token].split():
            abort(403)

    def _deep_link_return(self) -> Response:
        """The tool's LtiDeepLinkingResponse: kept only if signed by the tool's key."""
        try:
            token = request.form["JWT"]
            key = jwt.PyJWKClient(self.tool_url + "/lti/jwks").get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=self.issuer,
                                issuer=self.client_id,
                                options={"require": ["exp", "iat", "nonce"]})  # fmt: skip
        except (jwt.PyJWTError, KeyError) as exc:
            self.deep_link_errors.append(repr(exc))
            abort(400, f"deep-linking response refused: {exc!r}")
        wrong = [
            name for name, ok in [
                ("message_type",
                 claims.get(CLAIM + "message_type") == "LtiDeepLinkingResponse"),
                ("version", claims.get(CLAIM + "version") == "1.3.0"),
                ("deployment_id", claims.get(CLAIM + "deployment_id") == self.deployment_id),
                ("data", str(claims.get(DL + "data", "")).startswith("opaque-")),
            ] if not ok
        ]  # fmt: skip
        if wrong:
            self.deep_link_errors.append(f"wrong {wrong}")
            abort(400, f"deep-linking response refused: wrong {wrong}")
        self.deep_links.append(claims)
        for item in claims.get(DL + "content_items", []):
            if item.get("type") == "ltiResourceLink":
                link_id = f"link-dl-{len(self.deep_links)}"
                self.links[link_id] = Link(link_id, item["title"], item.get("custom", {}))
        return Response("<!doctype html><title>Link added</title><p>Link added.</p>")

    def _memberships(self, context_id: str) -> Response:
        """Names and Roles: one page of the context's roster, with a rel="next" link."""
        self._authorized(NRPS_SCOPE)
        if (
            request.accept_mimetypes.best
            != "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
        ):
            abort(406)
        roster = self.rosters.get(context_id, [])
        page = int(request.args.get("page", "1"))
        chunk = roster[(page - 1) * self.page_size : page * self.page_size]
        self.roster_pages += 1
        body = {
            "id": request.url,
            "context": {"id": context_id, "title": self.contexts[context_id]},
            "members": [{"status": "Active", "user_id": u.sub, "name": u.name,
                         "email": u.email, "roles": u.roles} for u in chunk],
        }  # fmt: skip
        response = jsonify(body)
        response.content_type = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
        if page * self.page_size < len(roster):
            response.headers["Link"] = f'<{self.url}/nrps/{context_id}?page={page + 1}>; rel="next"'
        return response

    def _lineitems(self) -> Response:
        self._authorized()
        if request.method == "GET":
            wanted = request.args.get("resource_link_id")
            return jsonify([self._item_json(i) for i in self.lineitems.values()
                            if wanted in (None, i.resource_link_id)])  # fmt: skip
        body = request.get_json(force=True)
        item = LineItem(
            f"{self.url}/lineitems/{next(self._ids)}", body["label"],
            float(body["scoreMaximum"]), body.get("resourceLinkId", ""),
        )  # fmt: skip
        self.lineitems[item.id] = item
        return jsonify(self._item_json(item))

    @staticmethod
    def _item_json(item: LineItem) -> dict[str, Any]:
        return {"id": item.id, "label": item.label, "scoreMaximum": item.score_maximum,
                "resourceLinkId": item.resource_link_id}  # fmt: skip

    def _scores(self, item: str) -> Response:
        self._authorized()
        if request.content_type != "application/vnd.ims.lis.v1.score+json":
            abort(415)
        if self.fail_scores:
            self.fail_scores -= 1
            return Response("temporarily unavailable", 503)
        self.lineitems[f"{self.url}/lineitems/{item}"].scores.append(request.get_json(force=True))
        return Response("", 204)

    def scores(self, link_id: str = "link-facts") -> list[dict[str, Any]]:
        return [s for i in self.lineitems.values() if i.resource_link_id == link_id
                for s in i.scores]  # fmt: skip

    def _course_page(self, link_id: str) -> Response:
        """The LMS's page of a link: the tool in a frame, launched by a form that targets it,
        and the platform storage that the tool's pages may use over postMessage."""
        user = self.users[request.args.get("user", STUDENT.sub)]
        storage = request.args.get("storage") == "1"
        params = self.login_params(user, link_id, storage=storage)
        inputs = "".join(
            f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items()
        )
        tool_origin = re.match(r"https?://[^/]+", self.tool_url).group(0)  # type: ignore[union-attr]
        title = self.links[link_id].title if link_id in self.links else "Add a link"
        return Response(f"""<!doctype html>
<title>LMS course</title>
<h1>Training deep networks: {html.escape(title)}</h1>
<form id="login" method="post" action="{self.tool_url}/lti/login" target="tool">{inputs}</form>
<iframe name="tool" id="tool" title="quizsvc" style="width:1200px;height:800px"></iframe>
<script>
  var stored = {{}};
  window.addEventListener("message", function (event) {{
    if (event.origin !== "{tool_origin}") return;
    var m = event.data || {{}};
    if (m.subject === "lti.put_data") {{
      stored[m.key] = m.value;
      event.source.postMessage({{subject: "lti.put_data.response", message_id: m.message_id,
                                 key: m.key, value: m.value}}, event.origin);
    }} else if (m.subject === "lti.get_data") {{
      event.source.postMessage({{subject: "lti.get_data.response", message_id: m.message_id,
                                 key: m.key, value: stored[m.key]}}, event.origin);
    }}
  }});
  document.getElementById("login").submit();
</script>""")


@contextmanager
def loopback_is_secure() -> Iterator[None]:
    """Browsers treat http://127.0.0.1 as a secure context and send its ``Secure`` cookies;
    http.cookiejar (under requests) only does over https, until told otherwise here."""
    saved = DefaultCookiePolicy.return_ok_secure
    DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True  # type: ignore[method-assign]
    try:
        yield
    finally:
        DefaultCookiePolicy.return_ok_secure = saved  # type: ignore[method-assign]


def http_client() -> requests.Session:
    """A cookie-keeping HTTP client for launches without a browser (inside
    ``loopback_is_secure``)."""
    return requests.Session()


def launch(
    client: requests.Session, lms: TestPlatform, user: LmsUser = STUDENT,
    link_id: str = "link-facts",
) -> requests.Response:  # fmt: skip
    """Open ``link_id`` as ``user``: the login initiation, the platform's authentication and
    its auto-posted form, followed as a browser would. The tool's last answer."""
    started = client.post(lms.tool_url + "/lti/login", data=lms.login_params(user, link_id),
                          allow_redirects=False)  # fmt: skip
    if started.status_code != 302:
        return started
    auth = client.get(started.headers["Location"])
    auth.raise_for_status()
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', auth.text))
    return client.post(lms.tool_url + "/lti/launch", data=fields)


def auto_post(page: str) -> dict[str, str]:
    """The fields of the platform's auto-posted form (id_token and state)."""
    return {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', page)}
