"""`quizsvc pool ...` and `quizsvc worker`: variant pools and the worker that fills them."""

from __future__ import annotations

import time

import click
from flask import Flask

from quizsvc.cli.app_context import pass_app
from quizsvc.db import get_session
from quizsvc.jobs import jobs_of
from quizsvc.jobs.queue import class_targets
from quizsvc.jobs.worker import ImmediateQueue, run_worker
from quizsvc.services import pools
from quizsvc.services.errors import NotFound
from quizsvc.settings import Settings


@click.command("worker")
@click.option("--workers", "-w", type=int, default=1, show_default=True, help="Jobs at once.")
@click.option(
    "--processes",
    is_flag=True,
    help="Run the workers as processes (one per core) instead of threads of one process.",
)
@pass_app
def worker_command(app: Flask, workers: int, processes: bool) -> None:
    """Run background jobs (pool fills, template reports) from the app's queue until stopped."""
    settings = Settings.of(app)
    where = settings.redis_url or str(settings.jobs_file)
    click.echo(f"quizsvc worker: {workers} {'process' if processes else 'thread'}(s), "
               f"queue {where}", err=True)  # fmt: skip
    try:
        run_worker(app, workers, processes)
    except ImmediateQueue as exc:
        raise click.ClickException(str(exc)) from None


@click.group("pool", help="Variant pools: ready variants per template, for a class at once.")
def pool_group() -> None:
    pass


@pool_group.command("status")
@click.option("--lesson", "lesson_id", help="Only this lesson's templates.")
@pass_app
def status(app: Flask, lesson_id: str | None) -> None:
    """Ready (and stale) pooled variants per template, against its target: the configured one,
    or a class's that is about to start (the reason is printed under the template)."""
    settings = Settings.of(app)
    target = settings.pool_per_template
    classes = class_targets(app)
    raised = {t: c.target for t, c in classes.items() if c.target > target}
    try:
        depths = pools.status(target, lesson_id, raised)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{'template':<40}{'ready':>7}{'stale':>7}{'target':>8}")
    for d in depths:
        click.echo(f"{d.template_id:<40}{d.ready:>7}{d.stale:>7}{d.target:>8}")
        if d.template_id in raised:
            for reason in classes[d.template_id].reasons:
                click.echo(f"    for {reason}")
    click.echo(
        f"{len(depths)} templates, {sum(d.ready for d in depths)} ready variants, "
        f"{sum(d.target > d.ready for d in depths)} below target; "
        f"{jobs_of(app).pending()} jobs queued; targets: {target} per template "
        f"(QUIZSVC_POOL_PER_TEMPLATE), raised for assessments opening within "
        f"{settings.pool_lead_minutes} min (QUIZSVC_POOL_LEAD_MINUTES) to their class's draws, "
        f"at most {settings.pool_class_max} (QUIZSVC_POOL_CLASS_MAX)"
    )


@pool_group.command("fill")
@click.option("--lesson", "lesson_id", help="Only this lesson's templates (default: all).")
@click.option(
    "--per-template",
    type=click.IntRange(min=1),
    help="Variants per template (default: QUIZSVC_POOL_PER_TEMPLATE); for a class, its size.",
)
@click.option("--wait", is_flag=True, help="Wait until the workers have filled them.")
@pass_app
def fill(app: Flask, lesson_id: str | None, per_template: int | None, wait: bool) -> None:
    """Ask the workers to fill the pools (run `quizsvc worker`, or `make serve`, to do it)."""
    target = per_template or Settings.of(app).pool_per_template
    try:
        missing = pools.deficits(target, lesson_id)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None
    jobs = jobs_of(app)
    queued = sum(jobs.ask_fill(template_id, target) for template_id in missing)
    total = sum(missing.values())
    click.echo(
        f"{total} variants asked for in {len(missing)} pools (target {target} each; "
        f"{len(missing) - queued} of these fills were already waiting)"
    )
    if not wait:
        return
    while total:
        time.sleep(1.0)
        get_session().rollback()  # see the workers' commits, not this session's snapshot
        left = sum(pools.deficits(target, lesson_id).values())
        click.echo(f"  {total - left} of {total} ready", err=True)
        if left == 0:
            break
    click.echo("pools filled")
