"""Instructor pages under /instructor: content status, template previews, item analytics.

Every route requires the instructor role: a visitor is sent to log in, a student or a guest gets
403. Views only arrange what `services.instructor`, `services.template_report` and
`services.analytics` return.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from quizsvc.quiz.generate import MAX_SEED
from quizsvc.security.identity import login_manager
from quizsvc.services import analytics, catalog, instructor
from quizsvc.services.analytics import SMALL_SAMPLE
from quizsvc.services.figure_store import Figure
from quizsvc.services.figures import figure_key, get_figure_cache, prepare_svg
from quizsvc.services.question_lines import first_line
from quizsvc.services.template_report import CHECK_SEEDS, Pending, report_jobs

bp = Blueprint("instructor", __name__, url_prefix="/instructor")

REPORT_REFRESH_SECONDS = 5
FORBIDDEN = (
    "These pages are for instructors. An instructor account is made with "
    "`quizsvc user create EMAIL --instructor` or `quizsvc user role EMAIL instructor`."
)


@bp.before_request
def _require_instructor() -> ResponseReturnValue | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_instructor:
        abort(403, FORBIDDEN)
    return None


def number(value: Any) -> str:
    """Numbers as an instructor reads them: 4 significant figures; lists shortened."""
    if value is None:
        return "–"
    if isinstance(value, bool | int) or not isinstance(value, float | list | tuple):
        return str(value)
    if isinstance(value, list | tuple):
        shown = ", ".join(number(v) for v in value[:8])
        return f"[{shown}{', …' if len(value) > 8 else ''}] ({len(value)} values)"
    return f"{value:.4g}" if math.isfinite(value) else str(value)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "number": number,
        "percent": percent,
        "first_line": first_line,
        "small_sample": SMALL_SAMPLE,
    }


def _chart(kind: str, data: Any, draw: Callable[[], Any]) -> Figure:
    """A chart through the figure cache: drawn once per distinct data, then served from it."""
    key = figure_key("instructor-chart", kind, json.dumps(data, sort_keys=True, default=str))
    return get_figure_cache().get(key, draw)


# --- content ----------------------------------------------------------------------------------


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("instructor/index.html", status=instructor.content_status())


@bp.get("/content")
def content() -> ResponseReturnValue:
    return render_template("instructor/content.html", status=instructor.content_status())


def _seed() -> int:
    raw = request.args.get("seed", "0").strip() or "0"
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_SEED:  # "²" is a digit too
        abort(400, f"A seed is a whole number from 0 to {MAX_SEED}; {raw[:20]!r} is not.")
    return int(raw)


# Seeds shown side by side: enough to see what varies, few enough to generate in a request.
GRID_SEEDS = 4


@bp.get("/templates/<template_id>/seeds")
def template_grid(template_id: str) -> ResponseReturnValue:
    """Several seeds of one template side by side, to compare what changes between variants."""
    first = _seed()
    shown = [instructor.preview(template_id, seed) for seed in range(first, first + GRID_SEEDS)]
    return render_template(
        "instructor/template_grid.html",
        previews=[(p, {f.index: f for f in p.figures}) for p in shown],
        template=shown[0].template,
        lesson=catalog.lesson(shown[0].template.lesson_id),
        first=first,
        count=GRID_SEEDS,
    )


@bp.get("/templates/<template_id>")
def template(template_id: str) -> ResponseReturnValue:
    seed = _seed()
    shown = instructor.preview(template_id, seed)
    jobs = report_jobs()
    report = jobs.get(shown.template)
    chart = None
    if not isinstance(report, Pending):
        chart = Markup(prepare_svg(report.chart_svg, report.chart_alt, "answers-"))
    return render_template(
        "instructor/template.html",
        preview=shown,
        lesson=catalog.lesson(shown.template.lesson_id),
        problems=instructor.template_problems(shown.template),
        report=report,
        pending=isinstance(report, Pending),
        refresh=REPORT_REFRESH_SECONDS,
        chart=chart,
        figures={f.index: f for f in shown.figures},
        check_seeds=CHECK_SEEDS,
        report_seeds=jobs.seeds,
    )


# --- analytics --------------------------------------------------------------------------------


@bp.get("/analytics")
def analytics_overview() -> ResponseReturnValue:
    return render_template("instructor/analytics.html", summaries=analytics.overview())


@bp.get("/analytics/lessons/<lesson_id>")
def analytics_lesson(lesson_id: str) -> ResponseReturnValue:
    summary = analytics.lesson_summary(lesson_id)
    if not summary.scores.count and not summary.items:
        catalog.lesson(lesson_id)  # 404 for a lesson nobody knows
    # matplotlib (about a second to import) loads with the first chart, not with create_app.
    from quizsvc.analytics.charts import score_chart

    chart = None
    if summary.scores.count:
        drawn = _chart("scores", summary.scores.bins, lambda: score_chart(summary.scores))
        chart = Markup(drawn.svg)
    return render_template("instructor/analytics_lesson.html", summary=summary, chart=chart)


@bp.get("/analytics/templates/<template_id>")
def analytics_template(template_id: str) -> ResponseReturnValue:
    # matplotlib (about a second to import) loads with the first chart, not with create_app.
    from quizsvc.analytics.charts import facility_chart

    result = analytics.template_analytics(template_id)
    charts = {
        effect.name: Markup(
            _chart(
                "facility",
                [effect.name, [(g.label, g.n, g.correct) for g in effect.groups]],
                partial(facility_chart, effect),
            ).svg
        )
        for effect in result.effects
        if effect.groups
    }
    in_catalog = template_id in catalog.get_catalog().templates
    return render_template(
        "instructor/analytics_template.html", result=result, charts=charts, in_catalog=in_catalog
    )


def _csv(text: str, filename: str) -> Response:
    # UTF-8 with a byte order mark: without it Excel reads "›" and "σ" as Windows-1252.
    return Response(
        "\ufeff" + text,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/analytics/items.csv")
def items_csv() -> ResponseReturnValue:
    lesson_id = request.args.get("lesson")
    if lesson_id:
        summaries = [analytics.lesson_summary(lesson_id)]
        name = f"items-{lesson_id}.csv"
    else:
        summaries = analytics.overview()
        name = "items.csv"
    return _csv(analytics.items_csv(summaries), name)


@bp.get("/analytics/templates/<template_id>/answers.csv")
def answers_csv(template_id: str) -> ResponseReturnValue:
    result = analytics.template_analytics(template_id)
    return _csv(analytics.answers_csv(result), f"answers-{template_id}.csv")
