"""Variant pools: filled with drawn variants, claimed once each at a start, never stale, and
refilled after a start; an empty pool falls back to generating."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from quizsvc.db import get_db, get_session
from quizsvc.progress.models import Attempt
from quizsvc.progress.pool_models import PooledVariant, StoredFigure
from quizsvc.services import catalog, pools
from quizsvc.services.figures import variant_figure_key
from tests.web.helpers import LESSON, signup

TEMPLATE = "web-pick-plot"  # a plot_choice question: one figure per option


def rows(app: Flask, template_id: str | None = None) -> list[PooledVariant]:
    with app.app_context():
        query = select(PooledVariant).order_by(PooledVariant.id)
        if template_id:
            query = query.where(PooledVariant.template_id == template_id)
        return list(get_session().scalars(query))


def test_a_fill_stores_variants_with_their_figures_drawn(app: Flask) -> None:
    with app.app_context():
        assert pools.fill(TEMPLATE, 2) == 2
        assert pools.fill(TEMPLATE, 2) == 0  # idempotent: the pool is full
        stored = rows(app, TEMPLATE)
        assert len({row.seed for row in stored}) == 2
        for row in stored:
            figures = len(row.variant["figures"])
            assert figures >= 2
            keys = [
                variant_figure_key(row.template_id, row.content_hash, row.engine_version,
                                   row.seed, index)
                for index in range(figures)
            ]  # fmt: skip
            drawn = get_session().scalars(
                select(StoredFigure.svg).where(StoredFigure.key.in_(keys))
            )
            assert [svg.startswith("<svg") for svg in drawn] == [True] * figures


def test_a_start_takes_pooled_variants_each_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        for template in catalog.lesson(LESSON).questions:
            pools.fill(template.id, 2)
        pooled = {(row.template_id, row.seed) for row in rows(app)}
    import quizsvc.services.figures as figures

    def no_drawing(*_: object) -> None:
        raise AssertionError("a pooled variant's figure was drawn again")

    monkeypatch.setattr(figures, "render_variant_figure", no_drawing)
    seen: set[tuple[str, int]] = set()
    for email in ("ada@example.org", "bob@example.org"):
        client = app.test_client()
        signup(client, email)
        response = client.post("/api/v1/attempts", json={"lesson_id": LESSON, "mode": "exam"})
        assert response.status_code == 201, response.get_json()
        with app.app_context():
            attempt = get_session().get(Attempt, response.get_json()["id"])
            assert attempt is not None
            got = {(q.template_id, q.seed) for q in attempt.questions}
        assert got <= pooled and not got & seen  # from the pool, and not handed out before
        seen |= got
        for position in range(1, len(got) + 1):  # every figure comes from the shared store
            shown = client.get(f"/attempts/{attempt.id}/questions/{position}")
            assert shown.status_code == 200 and "could not be drawn" not in shown.text
    assert rows(app) == []  # every pooled variant was handed out once, and removed


def test_an_empty_pool_generates_as_before(app: Flask) -> None:
    with app.app_context():
        pools.fill(TEMPLATE, 1)
        count = len(catalog.lesson(LESSON).questions)
    client = app.test_client()
    signup(client)
    response = client.post("/api/v1/attempts", json={"lesson_id": LESSON, "mode": "exam"})
    assert response.status_code == 201
    assert len(response.get_json()["questions"]) == count  # one pooled, the others generated
    assert rows(app) == []


def test_a_changed_lesson_never_serves_stale_variants(app: Flask) -> None:
    with app.app_context():
        pools.fill(TEMPLATE, 1)
        session = get_session()
        session.execute(update(PooledVariant).values(content_hash="an-older-file"))
        session.commit()
        template = catalog.template(TEMPLATE)
        assert pools.claim(template) is None  # the stale row is not handed out
        session.rollback()
        (depth,) = pools.status(1, LESSON)[-1:]
        assert depth.template_id == TEMPLATE and (depth.ready, depth.stale) == (0, 1)
        assert pools.fill(TEMPLATE, 1) == 1  # ... and the next fill replaces it
        assert [row.content_hash for row in rows(app)] == [template.content_hash]


def test_a_start_refills_the_pools_it_took_from(app: Flask) -> None:
    app.config["POOL_PER_TEMPLATE"] = 1  # jobs run in place in tests: the refill is done
    with app.app_context():
        pools.fill(TEMPLATE, 1)
        first = rows(app, TEMPLATE)[0].seed
    client = app.test_client()
    signup(client)
    assert client.post("/api/v1/attempts", json={"lesson_id": LESSON}).status_code == 201
    with app.app_context():
        depths = {d.template_id: d.ready for d in pools.status(1, LESSON)}
    assert set(depths.values()) == {1}
    assert rows(app, TEMPLATE)[0].seed != first


def test_concurrent_claims_never_share_a_variant(app: Flask) -> None:
    with app.app_context():
        pools.fill(TEMPLATE, 6)
        template = catalog.template(TEMPLATE)
        maker = get_db().sessionmaker
    claimed: list[int] = []
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def claim() -> None:
        session = maker()
        try:
            barrier.wait()
            variant = pools.claim(template, session)
            session.commit()
            if variant is not None:
                claimed.append(variant["seed"])
        except BaseException as exc:  # a lock timeout would show here
            errors.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(claimed) == len(set(claimed)) == 6  # six variants, each to one claimant
    with app.app_context():
        assert get_session().scalar(select(func.count(PooledVariant.id))) == 0


def test_pool_commands_fill_and_show_depths(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pool", "fill", "--lesson", "web-facts", "--per-template", "1"])
    assert result.exit_code == 0, result.output
    assert "3 variants asked for in 3 pools (target 1 each; 0 of" in result.output
    status = runner.invoke(args=["pool", "status", "--lesson", "web-facts"])
    assert status.exit_code == 0, status.output
    lines = [line.split() for line in status.output.splitlines()[1:-1]]
    assert lines and all(line[1:3] == ["1", "0"] for line in lines)
    bad = runner.invoke(args=["pool", "status", "--lesson", "nope"])
    assert bad.exit_code != 0 and "There is no lesson 'nope'" in bad.output
