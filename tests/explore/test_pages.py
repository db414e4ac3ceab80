"""/explore as a browser without JavaScript sees it, and the links into it from lessons and
answered questions (never before the answer)."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from quizsvc.security import limiter
from quizsvc.services.explorer_state import parse
from quizsvc.sim import SimConfig
from tests.support.site import page
from tests.web.helpers import (
    LESSON,
    answer,
    position_of,
    sibling_app,
    signup,
    start,
    stored_questions,
)

SMALL = "a.depth=6&a.width=16&a.batch=16&a.activation=tanh&b.depth=6&b.width=16&b.batch=16"


def explorer_hrefs(html: str) -> list[str]:
    return [htmllib.unescape(h) for h in re.findall(r'href="(/explore\?[^"]*)"', html)]


def test_the_form_is_labelled_and_grouped(client: FlaskClient) -> None:
    html = page(client, "/explore")
    assert "<legend>Network A</legend>" in html and "<legend>Network B</legend>" in html
    for name in ("depth", "width", "activation", "init", "gain", "bias", "norm",
                 "residual_scale", "clip_norm", "optimizer", "lr", "steps"):  # fmt: skip
        for side in "ab":
            assert f'<label for="{side}-{name}">' in html
            assert f'id="{side}-{name}" name="{side}.{name}"' in html
    assert 'method="get" action="/explore#explore-results"' in html
    assert "<svg" in html  # the first preset, drawn
    assert 'class="explore-sentence"' in html


def test_a_get_request_is_the_whole_state(client: FlaskClient) -> None:
    html = page(client, f"/explore?{SMALL}&b.activation=sigmoid&metric=weight_grad_norm")
    sentence = re.search(r'<p class="explore-sentence"[^>]*>(.*?)</p>', html, re.S)
    assert sentence is not None
    # The power of ten is a superscript with a true minus sign, not the plain "10^-1.2".
    assert re.search(
        r"^With activation sigmoid instead of tanh, B&#39;s first-layer gradient is "
        r"10<sup>\u2212\d+\.\d</sup> of A&#39;s first-layer gradient \(",
        sentence.group(1),
    ), sentence.group(1)
    assert "10^" not in sentence.group(1)
    assert html.count("<svg") == 2
    assert '<option value="weight_grad_norm" selected>' in html
    link = next(h for h in explorer_hrefs(html) if "metric=" in h)
    state = parse(dict(parse_qsl(urlsplit(link).query)))
    assert state.b is not None and state.b.config == SimConfig(
        depth=6, width=16, batch=16, activation="sigmoid"
    )


def test_without_javascript_run_lands_on_results_that_fit_a_phone(client: FlaskClient) -> None:
    html = page(client, f"/explore?{SMALL}&b.activation=sigmoid")
    # A GET form keeps its action's fragment: Run lands on the results, below the form.
    assert 'method="get" action="/explore#explore-results"' in html
    assert '<section id="explore-results"' in html
    # Both networks' controls are served open (explore.js folds B on a phone).
    assert html.count('<details class="explore-network" open>') == 2
    # The bar beside Run repeats the sentence, the power of ten as a superscript.
    summary = re.search(r'<p class="explore-summary" id="explore-summary">(.*?)</p>', html, re.S)
    assert summary is not None and summary.group(1).startswith("With activation sigmoid")
    assert "10<sup>\u2212" in summary.group(1)
    # The headline table: one column per network, one row per number.
    table = re.search(r'<table class="explore-numbers">(.*?)</table>', html, re.S)
    assert table is not None
    assert re.findall(r'<th scope="col">([^<]*)</th>', table.group(1)) == ["network A", "network B"]
    assert table.group(1).count("<tr>") == 6


def test_a_side_with_a_problem_is_marked_so_it_stays_open(client: FlaskClient) -> None:
    html = page(client, "/explore?a.depth=6&a.width=16&b.depth=deep&b.width=16", 422)
    assert '<details class="explore-network" open>' in html  # A has nothing to fix
    assert '<details class="explore-network" open data-problems>' in html
    summary = re.search(r'id="explore-summary">(.*?)</p>', html, re.S)
    assert summary is not None and summary.group(1) == "These settings cannot run: see the results."


def test_the_fragment_is_the_results_alone(client: FlaskClient) -> None:
    response = client.get(f"/explore/results?{SMALL}&b.steps=2")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="explore-results"')
    assert "<html" not in body and "Training of B" in body


def test_settings_the_engine_refuses_come_back_with_what_to_change(client: FlaskClient) -> None:
    html = page(client, "/explore?a.depth=deep&b.depth=20&b.width=512&b.steps=2000", 422)
    assert 'aria-invalid="true"' in html
    assert "depth must be a whole number, not &#39;deep&#39;" in html
    assert "exceeds the budget" in html and "it would fit with steps" in html
    assert "<svg" not in html


def test_the_explorer_has_a_per_learner_rate_limit(app: Flask) -> None:
    with sibling_app(app, RATELIMIT_ENABLED=True, EXPLORE_RATE_LIMIT="2/minute") as limited:
        one, two = limited.test_client(), limited.test_client()
        signup(one, "one@example.org")
        signup(two, "two@example.org")
        statuses = [one.get(f"/explore/results?{SMALL}").status_code for _ in range(3)]
        other = two.get(f"/explore?{SMALL}").status_code
    limiter.reset()
    assert statuses == [200, 200, 429]
    assert other == 200


def test_lesson_figures_link_to_the_explorer_with_their_settings(client: FlaskClient) -> None:
    html = page(client, f"/lessons/{LESSON}?draw=2")
    links = [h for h in explorer_hrefs(html) if "a.depth=4" in h]
    assert links, "the live figure has no explorer link"
    state = parse(dict(parse_qsl(urlsplit(links[0]).query)))
    assert state.a.config == SimConfig(
        depth=4, width=8, batch=8, activation="sigmoid", init="xavier_normal", seed=2
    )


def test_practice_links_the_networks_only_after_the_answer(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client)
    position = position_of(app, attempt_id, "numeric")
    url = f"/attempts/{attempt_id}/questions/{position}"
    assert explorer_hrefs(page(client, url)) == []
    answer(client, app, attempt_id, position, right=False)  # a wrong try: tries are left
    assert explorer_hrefs(page(client, url)) == []
    answer(client, app, attempt_id, position, right=True)  # settled: the feedback is revealed
    links = explorer_hrefs(page(client, url))
    assert len(links) == 1
    stored = stored_questions(app, attempt_id)[position - 1]
    state = parse(dict(parse_qsl(urlsplit(links[0]).query)))
    params = stored.variant["params"]
    assert state.b is None and state.a.config == SimConfig(
        depth=params["depth"], width=params["width"], batch=8, activation="sigmoid",
        init="xavier_normal", gain=params["gain"], seed=stored.seed % (2**31 - 1),
    )  # fmt: skip


def test_an_exam_links_the_networks_once_it_is_finished(client: FlaskClient, app: Flask) -> None:
    signup(client)
    attempt_id = start(client, mode="exam")
    position = position_of(app, attempt_id, "single")
    answer(client, app, attempt_id, position)
    url = f"/attempts/{attempt_id}/questions/{position}"
    assert explorer_hrefs(page(client, url)) == []
    client.post(f"/attempts/{attempt_id}/finish")
    review = page(client, f"/attempts/{attempt_id}/review")
    assert any("b.init=kaiming_normal" in h for h in explorer_hrefs(review))
    assert explorer_hrefs(page(client, url))
