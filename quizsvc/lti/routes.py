"""The LTI routes: every refusal is a page that says what went wrong (a 4xx, never a 500)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from quizsvc.db import get_session
from quizsvc.lti import tool_key
from quizsvc.progress.courses import AssessmentMode
from quizsvc.progress.lti import LtiLogin
from quizsvc.security import framing, identity
from quizsvc.services import accounts, courses
from quizsvc.services.attempts import MAX_QUESTIONS
from quizsvc.services.errors import InvalidInput, NotFound
from quizsvc.services.lti import deeplinking, launch, links, passback
from quizsvc.services.lti.launch import LaunchRefused
from quizsvc.settings import Settings

bp = Blueprint("lti", __name__, url_prefix="/lti")

STATE_COOKIE = "lti_state_"  # + the state: one per login in flight, so tabs do not collide


@bp.errorhandler(LaunchRefused)
def _refused(exc: LaunchRefused) -> ResponseReturnValue:
    return render_template("lti/refused.html", message=exc.message, minimal=True), exc.status


@bp.get("/jwks")
def jwks() -> ResponseReturnValue:
    response = jsonify(tool_key(current_app).jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """OIDC third-party login initiation: remember a state and nonce, go to the platform."""
    params = {key: str(value) for key, value in request.values.items()}
    started, auth_url = launch.begin_login(params, url_for(".launch_", _external=True))
    response: BaseResponse
    framing.allow_framing(started.platform.frame_origin)
    if started.storage_target:
        # Inside the LMS's frame the state cookie may be dropped: also keep the state in the
        # platform's storage (postMessage), then go on to the platform.
        response = Response(render_template(
            "lti/login.html", auth_url=auth_url, login=started, minimal=True,
            target_origin=_origin(started.platform.auth_login_url),
        ))  # fmt: skip
    else:
        response = redirect(auth_url)
    response.set_cookie(
        STATE_COOKIE + started.state, "1", max_age=int(launch.LOGIN_LIFETIME.total_seconds()),
        path=url_for(".launch_"), secure=True, httponly=True, samesite="None",
    )  # fmt: skip
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@bp.post("/launch")
def launch_() -> ResponseReturnValue:
    """The id_token: verified, then bound to this browser by cookie or platform storage."""
    state = request.form.get("state", "")
    verified = launch.verify_launch(state, request.form.get("id_token", ""))
    framing.allow_framing(verified.platform.frame_origin)
    if request.cookies.get(STATE_COOKIE + state):
        response = _open(verified)
        response.delete_cookie(STATE_COOKIE + state, path=url_for(".launch_"),
                               secure=True, httponly=True, samesite="None")  # fmt: skip
        return response
    if verified.storage_target:
        return render_template(
            "lti/confirm.html", login=verified, minimal=True,
            target_origin=_origin(verified.platform.auth_login_url),
        )  # fmt: skip
    raise LaunchRefused(
        "Your browser did not keep this tool's cookie inside the LMS page, and the LMS offers "
        "no other way to check the launch. Ask your instructor to set this link to open in a "
        "new window, or allow third-party cookies for this site.", 403,
    )  # fmt: skip


@bp.post("/launch/confirm")
def confirm() -> ResponseReturnValue:
    """The state the platform's storage gave back to the confirm page's script."""
    found = get_session().get(LtiLogin, request.form.get("state", ""))
    if found is None:
        raise LaunchRefused("This launch is unknown or expired: open the link in the LMS again.")
    framing.allow_framing(found.platform.frame_origin)
    launch.confirm_storage(found, request.form.get("stored_state", ""))
    return _open(found)


def _open(verified: LtiLogin) -> BaseResponse:
    """Log the LMS user in and go on: a student to the attempt, staff to the assessment's page,
    an instructor's deep-linking request to the choice (each through the check that the
    cookie stuck, or the handoff)."""
    opened = links.open_launch(verified, Settings.of(current_app).quiz_questions)
    identity.log_in(opened.user)
    framing.remember_frame_origin(verified.platform.frame_origin)
    if opened.link is None:  # deep linking: the page is keyed by the handoff, not a cookie
        return redirect(url_for(".deep_link", handoff=verified.handoff))
    if opened.attempt is None and opened.assessment is not None and opened.staff:
        links.set_target(verified, url_for(
            "courses.assessment", course_id=opened.assessment.course_id,
            assessment_id=opened.assessment.id,
        ))  # fmt: skip
    elif opened.attempt is None:
        return Response(render_template(
            "lti/no_lesson.html", link=opened.link, staff=opened.staff,
            lessons=links.lesson_choices(), minimal=True,
        ))  # fmt: skip
    return redirect(url_for(".continue_", handoff=verified.handoff))


def _destination(found: LtiLogin) -> str:
    if found.attempt_id is not None:
        return url_for("quiz.resume", attempt_id=found.attempt_id)
    assert found.target is not None
    return found.target


@bp.get("/continue/<handoff>")
def continue_(handoff: str) -> ResponseReturnValue:
    """In the frame: the page when the session cookie stuck, else a button to a new window."""
    found = links.login_of_handoff(handoff)
    if found is None or (found.attempt_id is None and found.target is None):
        raise LaunchRefused("This launch is unknown: open the link in the LMS again.", 404)
    framing.allow_framing(found.platform.frame_origin)
    if current_user.is_authenticated and current_user.id == found.user_id:
        return redirect(_destination(found))
    return render_template("lti/new_window.html", handoff=handoff, minimal=True)


@bp.post("/continue/<handoff>")
def continue_in_window(handoff: str) -> ResponseReturnValue:
    """The new window (a first-party context): the handoff, once, logs the learner in."""
    found = links.take_handoff(handoff)
    if found.user_id is None or (found.attempt_id is None and found.target is None):
        raise LaunchRefused("This launch opened no quiz.", 404)
    user = accounts.get_user(found.user_id)
    if user is None:
        raise LaunchRefused("This account no longer exists.", 404)
    identity.log_in(user)
    return redirect(_destination(found))


@bp.route("/deep-link/<handoff>", methods=["GET", "POST"])
def deep_link(handoff: str) -> ResponseReturnValue:
    """Deep Linking: the instructor picks an assessment of the course or creates one; the
    signed answer is posted back to the LMS by the browser. Keyed by the one-time handoff
    (no cookie needed inside the LMS's frame)."""
    request_ = deeplinking.open_request(handoff)
    framing.allow_framing(request_.login.platform.frame_origin)
    error = None
    if request.method == "POST":
        try:
            chosen = request.form.get("assessment", "")
            if chosen == "new":
                answer = deeplinking.answer(request_, tool_key(current_app), None, _new_spec())
            else:
                answer = deeplinking.answer(request_, tool_key(current_app), int(chosen))
        except ValueError:
            error = "Choose an assessment, or create one."
        except (InvalidInput, NotFound) as exc:  # a bad form, another course's assessment
            error = exc.message
        else:
            framing.allow_form_post(_origin(answer.return_url))
            return render_template(
                "lti/deep_link_return.html", answer=answer, minimal=True,
            )  # fmt: skip
    return render_template(
        "lti/deep_link.html", request_=request_, assessments=deeplinking.choices(request_),
        lessons=links.lesson_choices(), error=error, minimal=True,
        handoff=handoff, max_questions=MAX_QUESTIONS,
    ), (422 if error else 200)  # fmt: skip


def _new_spec() -> courses.AssessmentSpec:
    """The deep-linking page's short form for a new assessment (lesson, mode, questions)."""
    lesson = request.form.get("lesson", "")
    mode = request.form.get("mode", "exam")
    if mode not in ("practice", "exam"):
        raise InvalidInput("The mode is practice or exam.")
    try:
        count = int(request.form.get("questions", "") or 10)
    except ValueError:
        raise InvalidInput("Give the number of questions as a whole number.") from None
    title = request.form.get("title", "").strip() or lesson
    return courses.AssessmentSpec(
        title=title, lesson_ids=[lesson] if lesson else [], question_count=count,
        mode=AssessmentMode(mode), attempts_allowed=None,
    )  # fmt: skip


@bp.get("/scores")
@login_required
def scores() -> ResponseReturnValue:
    """Instructors: the scores taken through the LMS, whether each reached it, and why not."""
    if not current_user.is_instructor:
        abort(403)
    return render_template("lti/scores.html", scores=passback.states(), can_resend=True)


@bp.post("/scores/<int:attempt_id>/resend")
@login_required
def resend(attempt_id: int) -> ResponseReturnValue:
    if not current_user.is_instructor:
        abort(403)
    passback.resend(attempt_id)
    outcome = passback.send(attempt_id, tool_key(current_app))
    flash(f"Attempt {attempt_id}: {outcome.value}.", "info")
    return redirect(url_for(".scores"))


# Views the LMS's pages post to (cross-site): no CSRF token, the launch checks protect them.
CROSS_SITE = (login, launch_, confirm, continue_in_window, deep_link)
