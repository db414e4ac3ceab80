"""``quizsvc content``: check, list and preview lessons and question templates.

Instructors run these before committing a lesson; CI runs ``check --strict``. Checking
generates variants in worker processes (one torch thread each), so a whole course takes about
a minute on two cores.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import click

from quizsvc.content import Catalog, Problem, default_content_dir, load_catalog
from quizsvc.content.placeholders import fill

_WORKER_CATALOG: dict[str, Catalog] = {}


def _content_dir_option(func: Any) -> Any:
    return click.option(
        "--content-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Lesson folder (default: $QUIZSVC_CONTENT_DIR, else the repository's content/).",
    )(func)


def _load(content_dir: Path | None) -> Catalog:
    return load_catalog(content_dir or default_content_dir())


@click.group("content", help="Check, list and preview lessons and question templates.")
def content_group() -> None:
    pass


# -- check -----------------------------------------------------------------------------------


def _init_worker(content_dir: str) -> None:
    import torch

    torch.set_num_threads(1)
    _WORKER_CATALOG["catalog"] = load_catalog(Path(content_dir))


def _check_one(job: tuple[str, str, int, int]) -> Any:
    from quizsvc.quiz.checks import check_live_figure, check_template

    kind, ident, seeds, render_seeds = job
    catalog = _WORKER_CATALOG["catalog"]
    if kind == "template":
        return check_template(catalog.template(ident), seeds, render_seeds)
    lesson_id, figure_id = ident.split("/", 1)
    lesson = catalog.lesson(lesson_id)
    return check_live_figure(lesson.figures[figure_id], str(lesson.path))


def _run_checks(
    catalog: Catalog, seeds: int, render_seeds: int, jobs: int
) -> tuple[list[Any], list[Problem]]:
    work = [("template", tid, seeds, render_seeds) for tid in catalog.templates]
    work += [
        ("figure", f"{lesson.id}/{fid}", 0, 0)
        for lesson in catalog.lessons
        for fid in lesson.figures
    ]
    if jobs <= 1:
        _init_worker(str(catalog.content_dir))
        results = [_check_one(job) for job in work]
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_init_worker, initargs=(str(catalog.content_dir),)
        ) as pool:
            results = list(pool.map(_check_one, work, chunksize=1))
    reports = [r for r in results if not isinstance(r, list)]
    figure_problems = [p for r in results if isinstance(r, list) for p in r]
    return reports, figure_problems


def _table(catalog: Catalog, reports: list[Any], problems: list[Problem]) -> str:
    by_lesson: dict[str, list[Any]] = defaultdict(list)
    for report in reports:
        by_lesson[report.lesson_id].append(report)
    by_path: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_path[problem.path].append(problem)
    rows = [("lesson", "file", "templates", "variants", "errors", "warnings", "seconds")]
    paths = sorted({p.path for p in problems} | {_shown(les.path) for les in catalog.lessons})
    lessons = {_shown(les.path): les for les in catalog.lessons}
    for path in paths:
        lesson = lessons.get(path)
        found = by_path.get(path, [])
        mine = by_lesson.get(lesson.id, []) if lesson else []
        rows.append((
            lesson.id if lesson else "(not loaded)",
            path,
            str(len(mine)),
            str(sum(r.variants for r in mine)),
            str(sum(p.severity == "error" for p in found)),
            str(sum(p.severity == "warning" for p in found)),
            f"{sum(r.seconds for r in mine):.1f}",
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@content_group.command("check")
@click.option("--seeds", default=5, show_default=True, help="Variants generated per template.")
@click.option(
    "--render-seeds",
    default=2,
    show_default=True,
    help="Seeds (from the first) whose figures are also drawn.",
)
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
@click.option(
    "--jobs",
    default=min(os.cpu_count() or 1, 4),
    show_default=True,
    help="Worker processes for generating variants.",
)
@_content_dir_option
def check_command(
    seeds: int, render_seeds: int, strict: bool, jobs: int, content_dir: Path | None
) -> None:
    """Validate every lesson, then generate SEEDS variants of every template and inspect them."""
    catalog = _load(content_dir)
    reports, figure_problems = (
        ([], []) if seeds <= 0 else _run_checks(catalog, seeds, render_seeds, jobs)
    )
    problems = sorted(
        set(catalog.problems) | set(figure_problems) | {p for r in reports for p in r.problems}
    )
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo("")
    click.echo(_table(catalog, reports, problems))
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(
        f"\n{len(catalog.lessons)} lessons, {len(catalog.templates)} templates, "
        f"{sum(r.variants for r in reports)} variants: {errors} errors, {warnings} warnings"
    )
    if errors or (strict and warnings):
        sys.exit(1)


# -- list ------------------------------------------------------------------------------------


def catalog_listing(catalog: Catalog) -> list[dict[str, Any]]:
    """Lessons with their objectives and templates, as plain data (``list --json``)."""
    return [
        {
            "id": lesson.id,
            "title": lesson.title,
            "order": lesson.order,
            "path": _shown(lesson.path),
            "objectives": [{"id": o.id, "text": o.text} for o in lesson.objectives],
            "figures": list(lesson.figures),
            "templates": [
                {
                    "id": q.id,
                    "kind": q.kind,
                    "objectives": list(q.objectives),
                    "difficulty": q.difficulty,
                    "line": q.line,
                }
                for q in lesson.questions
            ],
        }
        for lesson in catalog.lessons
    ]


@content_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@_content_dir_option
def list_command(as_json: bool, content_dir: Path | None) -> None:
    """List lessons with their objectives and question templates."""
    catalog = _load(content_dir)
    listing = catalog_listing(catalog)
    if as_json:
        click.echo(json.dumps(listing, indent=2))
        return
    for lesson in listing:
        click.echo(f"{lesson['order']:>3}  {lesson['id']}  {lesson['title']}  ({lesson['path']})")
        for objective in lesson["objectives"]:
            click.echo(f"       objective {objective['id']}: {objective['text']}")
        for t in lesson["templates"]:
            click.echo(
                f"       question  {t['id']}  {t['kind']}  difficulty {t['difficulty']}  "
                f"tests {', '.join(t['objectives'])}"
            )
    if catalog.errors:
        click.echo(f"\n{len(catalog.errors)} errors; run `quizsvc content check`", err=True)


# -- preview ---------------------------------------------------------------------------------


@content_group.command("preview")
@click.argument("question_id")
@click.option("--seed", default=0, show_default=True, type=int, help="The variant's seed.")
@click.option(
    "--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Also write a standalone HTML page with the figures drawn.",
)  # fmt: skip
@_content_dir_option
def preview_command(
    question_id: str, seed: int, html_file: Path | None, content_dir: Path | None
) -> None:
    """Show one variant: parameters, values, prompt, figures, choices, answer key, explanation."""
    from quizsvc.quiz.generate import VariantError, build, values_of

    catalog = _load(content_dir)
    try:
        template = catalog.template(question_id)
    except KeyError:
        raise click.ClickException(
            f"no question {question_id!r}" + _suggest(question_id, catalog.templates)
        ) from None
    try:
        generation = build(template, seed)
    except VariantError as exc:
        raise click.ClickException(f"{template.path}:{exc.line}: {exc}") from None
    variant = generation.variant
    env = generation.env
    click.echo(f"{template.id} ({template.kind}) seed {seed}, {template.path}:{template.line}")
    click.echo(f"\nvalues: {json.dumps(values_of(env), default=str)}")
    click.echo(f"\nprompt:\n{fill(template.prompt, env).rstrip()}")
    for i, figure in enumerate(variant.figures):
        click.echo(
            f"\nfigure {i} ({figure['role']}): {figure['kind']} of {', '.join(figure['labels'])}"
        )
    for choice in variant.choices:
        click.echo(f"\nchoice {choice['id']}: {_text(choice['html'])}")
    click.echo(f"\nanswer key: {json.dumps(_key_text(variant.answer_key), indent=2)}")
    if template.explanation:
        click.echo(f"\nexplanation:\n{fill(template.explanation, env).rstrip()}")
    if html_file is not None:
        html_file.write_text(_page(variant), encoding="utf-8")
        click.echo(f"\nwrote {html_file}")


def _suggest(word: str, options: Any) -> str:
    from quizsvc.content.problems import did_you_mean

    hint = did_you_mean(word, options)
    return f": {hint}" if hint else ""


def _text(fragment: str) -> str:
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _key_text(key: dict[str, Any]) -> dict[str, Any]:
    """The answer key with HTML reduced to text, for the terminal."""
    shown = {k: v for k, v in key.items() if k not in ("feedback", "misconceptions")}
    if "feedback" in key:
        shown["feedback"] = {cid: _text(html) for cid, html in key["feedback"].items()}
    if "misconceptions" in key:
        shown["misconceptions"] = [
            {"value": m["value"], "feedback": _text(m["feedback_html"])}
            for m in key["misconceptions"]
        ]
    return shown


def _page(variant: Any) -> str:
    """A standalone page: prompt, figures as inline SVG, choices, key and explanation."""
    from quizsvc.quiz import render_variant_figure

    parts = [
        f"<h1>{html.escape(variant.template_id)} — seed {variant.seed}</h1>",
        variant.prompt_html,
    ]
    for i, figure in enumerate(variant.figures):
        rendered = render_variant_figure(variant, i)
        svg = rendered.data.decode("utf-8")
        parts.append(
            f"<figure><p>figure {i} ({figure['role']})</p>{svg}"
            f"<figcaption>{figure['caption_html']}<br><em>{html.escape(rendered.alt)}</em></figcaption></figure>"
        )
    if variant.choices:
        parts.append(
            "<ol>" + "".join(f"<li>[{c['id']}] {c['html']}</li>" for c in variant.choices) + "</ol>"
        )
    for i, hint in enumerate(variant.hints_html):
        parts.append(f"<h3>Hint {i + 1}</h3>{hint}")
    key = html.escape(json.dumps(_key_text(variant.answer_key), indent=2))
    parts.append(f"<h2>Answer key</h2><pre>{key}</pre>")
    parts.append(f"<h2>Explanation</h2>{variant.explanation_html}")
    body = "\n".join(parts)
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(variant.template_id)}</title></head><body>{body}</body></html>"
    )
