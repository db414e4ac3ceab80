"""``quizsvc export qti|gift|moodle-xml LESSON``: a lesson's questions for Canvas or Moodle.

Variants are generated (and their figures drawn as PNG) here, so an export takes a few seconds
per question; progress goes to standard error, the file to ``-o``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

MAX_VARIANTS = 50


def _options(default_suffix: str) -> Callable[[Any], Any]:
    """The argument and options both formats share."""
    decorators = [
        click.argument("lesson_id", metavar="LESSON"),
        click.option(
            "--variants",
            default=5,
            show_default=True,
            type=click.IntRange(1, MAX_VARIANTS),
            help="Pre-generated variants per question; the other system picks one per learner.",
        ),
        click.option(
            "--first-seed",
            default=0,
            show_default=True,
            type=click.IntRange(0),
            help="Seed of the first variant (later ones count up).",
        ),
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help=f"File to write (default: LESSON{default_suffix} in the current folder).",
        ),
        click.option(
            "--content-dir",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Lesson folder (default: $QUIZSVC_CONTENT_DIR, else the repository's content/).",
        ),
    ]

    def apply(func: Any) -> Any:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def _bank(lesson_id: str, variants: int, first_seed: int, content_dir: Path | None) -> Any:
    from quizsvc.content import default_content_dir, load_catalog
    from quizsvc.content.problems import did_you_mean
    from quizsvc.export.bank import ExportGroup, build_bank

    catalog = load_catalog(content_dir or default_content_dir())
    try:
        lesson = catalog.lesson(lesson_id)
    except KeyError:
        hint = did_you_mean(lesson_id, [lesson.id for lesson in catalog.lessons])
        broken = {p.path for p in catalog.errors}
        message = f"no lesson {lesson_id!r}" + (f": {hint}" if hint else "")
        if broken:
            message += (
                f"; {len(broken)} lesson file(s) have errors and are not loaded "
                f"({', '.join(sorted(broken))}): run `quizsvc content check`"
            )
        raise click.ClickException(message) from None
    if not lesson.questions:
        raise click.ClickException(f"lesson {lesson_id!r} has no questions to export")

    def progress(group: ExportGroup) -> None:
        click.echo(f"{group.template.id}: {len(group.variants)} variants", err=True)
        for seed, why in group.skipped:
            click.echo(f"  skipped seed {seed}: {why}", err=True)

    return build_bank(lesson, variants, first_seed, progress)


def _write(data: bytes, output: Path) -> None:
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    output.write_bytes(data)
    click.echo(f"wrote {output} ({len(data) / 1024:.0f} KiB)", err=True)


@click.group("export", help="Export a lesson's questions for other learning systems.")
def export_group() -> None:
    pass


@export_group.command("qti")
@_options(".qti.zip")
def qti_command(
    lesson_id: str, variants: int, first_seed: int, output: Path | None, content_dir: Path | None
) -> None:
    """A QTI 1.2 zip for Canvas (Settings › Import course content › QTI .zip file).

    Each question becomes a question group of VARIANTS pre-generated variants, of which Canvas
    shows one to each learner.
    """
    from quizsvc.export.qti import qti_package

    bank = _bank(lesson_id, variants, first_seed, content_dir)
    _write(qti_package(bank), output or Path(f"{lesson_id}.qti.zip"))


@export_group.command("gift")
@_options(".gift.txt")
def gift_command(
    lesson_id: str, variants: int, first_seed: int, output: Path | None, content_dir: Path | None
) -> None:
    """Moodle GIFT text (Question bank › Import › GIFT); "-o -" prints it.

    Each question gets its own category holding VARIANTS variants; add "a random question"
    from each category to a Moodle quiz.
    """
    from quizsvc.export.gift import gift_text

    bank = _bank(lesson_id, variants, first_seed, content_dir)
    _write(gift_text(bank).encode("utf-8"), output or Path(f"{lesson_id}.gift.txt"))


@export_group.command("moodle-xml")
@_options(".moodle.xml")
def moodle_command(
    lesson_id: str, variants: int, first_seed: int, output: Path | None, content_dir: Path | None
) -> None:
    """Moodle XML (Question bank › Import › Moodle XML format); "-o -" prints it.

    Like GIFT, but each figure travels as a file attached to its question, so it survives a
    site that cleans question text ("content cleaning everywhere").
    """
    from quizsvc.export.moodle import moodle_xml

    bank = _bank(lesson_id, variants, first_seed, content_dir)
    _write(moodle_xml(bank), output or Path(f"{lesson_id}.moodle.xml"))
