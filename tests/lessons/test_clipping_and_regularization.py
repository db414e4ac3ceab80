"""Every number the lesson "Gradient clipping and weight regularization" states, recomputed.

Each test finds the number in content/09-clipping-and-regularization.md (so editing a digit
there fails the suite) and recomputes it with torch's own clipping functions and optimizers or
with the engine (quizsvc.sim).
"""

from __future__ import annotations

import math

import pytest
import torch

from quizsvc.sim import SimConfig, simulate
from tests.lessons.stated import NUM, LessonText, check

LESSON = LessonText("09-clipping-and-regularization.md", prose_only=True)
TEXT = LESSON.text
FLAT = LESSON.flat
grab = LESSON.grab
figure = LESSON.figure


def angle_degrees(v: torch.Tensor) -> float:
    return math.degrees(math.atan2(float(v[1]), float(v[0])))


def clipped(g: list[float], how: str, c: float) -> torch.Tensor:
    p = torch.zeros(len(g), dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor(g, dtype=torch.float64)
    if how == "norm":
        torch.nn.utils.clip_grad_norm_([p], c)
    else:
        torch.nn.utils.clip_grad_value_([p], c)
    return p.grad


# --- the worked example: (3, 4) clipped at 1 -------------------------------------------------


def test_worked_example_inputs() -> None:
    g0, g1, norm, c = grab(
        rf"gradient \$g = \({NUM}, {NUM}\)\$, of norm {NUM}, and a threshold \$c = {NUM}\$"
    )
    g = [float(g0), float(g1)]
    check((norm,), [math.hypot(*g)])
    assert float(c) == 1.0 and g == [3.0, 4.0]


def test_clipping_by_norm_keeps_the_direction() -> None:
    scale, a, b, norm, angle = grab(
        rf"\\leftarrow \(3, 4\) \\cdot 1/{NUM} = \({NUM}, {NUM}\)\$\. The norm is {NUM} and the "
        rf"angle to the first axis is unchanged at {NUM} degrees"
    )
    out = clipped([3, 4], "norm", 1.0)
    assert float(scale) == 5
    check((a, b, norm), [*out.tolist(), float(out.norm())])
    check((angle,), [angle_degrees(out)])
    assert angle_degrees(out) == pytest.approx(angle_degrees(torch.tensor([3.0, 4.0])))


def test_clipping_by_value_changes_the_direction() -> None:
    a, b, norm, angle, rotated = grab(
        rf"By value: \$g \\leftarrow \({NUM}, {NUM}\)\$\. The norm is \$\\sqrt\{{2\}} \\approx "
        rf"{NUM}\$, larger than the threshold, and the angle is now {NUM} degrees: the direction "
        rf"rotated by {NUM} degrees\."
    )
    out = clipped([3, 4], "value", 1.0)
    check((a, b, norm, angle), [*out.tolist(), float(out.norm()), angle_degrees(out)])
    check((rotated,), [angle_degrees(torch.tensor([3.0, 4.0])) - angle_degrees(out)])


def test_value_clipping_with_a_small_threshold_is_sign_descent() -> None:
    assert "the update becomes $c\\,\\mathrm{sign}(g)$, sign descent" in FLAT
    g = torch.randn(1000, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    out = clipped(g.tolist(), "value", 1e-6)
    assert torch.equal(out, 1e-6 * torch.sign(g))


def test_engine_clip_cosine_shows_norm_versus_value() -> None:
    """In a real network: norm clipping keeps the direction, value clipping does not."""
    common = dict(depth=6, width=64, batch=64, activation="relu", init="kaiming_normal", gain=2.0)
    by_norm = simulate(SimConfig(**common, clip_norm=0.01))
    by_value = simulate(SimConfig(**common, clip_value=0.001))
    assert by_norm.clip_cosine == pytest.approx(1.0, abs=1e-5)
    assert by_norm.clipped_grad_norm == pytest.approx(0.01, rel=1e-4)
    assert by_value.clip_cosine < 0.9
    assert by_value.clipped_grad_norm > 10 * 0.001  # value clipping does not bound the norm by c


# --- the live figures -------------------------------------------------------------------------


def test_clipping_figures_match_the_prose() -> None:
    depth, mom, lr, c, step, bound, mu = grab(
        rf"train the same {NUM}-layer ReLU network with SGD \(momentum {NUM}\) at a learning "
        rf"rate of {NUM}, .*? norm clipped at {NUM}, no gradient the optimizer receives is "
        rf"longer than 0\.5, so the steps stay bounded \(by \$\\eta c = {NUM}\$ for plain SGD, "
        rf"and by \$\\eta c/\(1-\\mu\) = {NUM}\$ with momentum \$\\mu = {NUM}\$"
    )
    raw = next(iter(figure("no-clipping")["sims"].values()))
    clip = next(iter(figure("with-clipping")["sims"].values()))
    for cfg in (raw, clip):
        assert cfg["depth"] == int(depth) and cfg["lr"] == float(lr)
    assert "clip_norm" not in raw and clip["clip_norm"] == float(c)
    assert SimConfig().momentum == float(mom)  # the engine's default, which the figures use
    check((step,), [float(lr) * float(c)])
    assert mu == mom
    check((bound,), [float(lr) * float(c) / (1 - float(mom))])


def test_without_clipping_the_run_usually_diverges_within_a_few_steps() -> None:
    raw = next(iter(figure("no-clipping")["sims"].values()))
    clip = next(iter(figure("with-clipping")["sims"].values()))
    diverged = []
    for seed in range(12):
        res = simulate(SimConfig(**raw, seed=seed))
        diverged.append(res.diverged_at is not None and res.diverged_at <= 10)
        fixed = simulate(SimConfig(**clip, seed=seed))
        assert fixed.diverged_at is None
        assert fixed.steps[-1].loss < fixed.steps[0].loss
    assert sum(diverged) >= 9  # "usually"


# --- L2 penalty and weight decay --------------------------------------------------------------


def test_weight_decay_under_sgd() -> None:
    eta, lam, factor, half, kept, steps = grab(
        rf"with \$\\eta = {NUM}\$ and \$\\lambda = {NUM}\$ each step multiplies the weights by "
        rf"{NUM}, so a weight that receives no gradient halves in about {NUM} steps and keeps a "
        rf"fraction {NUM} of its value after {NUM}\."
    )
    w = torch.ones(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=float(eta), weight_decay=float(lam), momentum=0.0)
    values = []
    for _ in range(100):  # torch's own weight decay, for the first 100 steps
        w.grad = torch.zeros_like(w)
        opt.step()
        values.append(float(w.detach()))
    per_step = values[0]
    check((factor,), [per_step])
    assert values[-1] == pytest.approx(per_step**100, rel=1e-12)
    assert next(k for k in range(1, 10**5) if per_step**k <= 0.5) == int(half)
    check((kept,), [per_step ** int(steps)])


def test_l2_gradient_equals_decay_under_sgd() -> None:
    """(1 - eta lambda) w - eta grad: the L2 penalty added to the loss gives the same step."""
    gen = torch.Generator().manual_seed(3)
    w0 = torch.randn(5, dtype=torch.float64, generator=gen)
    x = torch.randn(5, dtype=torch.float64, generator=gen)
    eta, lam = 0.1, 0.01
    a = w0.clone().requires_grad_()
    loss = (a @ x) ** 2 + lam / 2 * a.square().sum()
    loss.backward()
    with torch.no_grad():
        a -= eta * a.grad
    b = w0.clone().requires_grad_()
    opt = torch.optim.SGD([b], lr=eta, weight_decay=lam, momentum=0.0)
    ((b @ x) ** 2).backward()
    opt.step()
    assert torch.allclose(a, b, atol=1e-14)


def _decay_drift(decoupled: bool, lr: float, lam: float, steps: int) -> list[float]:
    """How far weight decay moved each coordinate, per step and unit learning rate.

    Two optimizers see the same gradient history (coordinate scales 10 and 0.1, alternating
    sign); one applies weight decay, one does not; the difference of their weights is the
    decay's contribution.
    """
    cls = torch.optim.AdamW if decoupled else torch.optim.Adam
    with_decay = torch.ones(2, dtype=torch.float64, requires_grad=True)
    without = torch.ones(2, dtype=torch.float64, requires_grad=True)
    opt_a = cls([with_decay], lr=lr, weight_decay=lam)
    opt_b = cls([without], lr=lr, weight_decay=0.0)
    scale = torch.tensor([10.0, 0.1], dtype=torch.float64)
    for k in range(steps):
        g = scale * (1.0 if k % 2 == 0 else -1.0)
        with_decay.grad, without.grad = g.clone(), g.clone()
        opt_a.step()
        opt_b.step()
    return ((without - with_decay) / (lr * steps)).tolist()


def test_adam_l2_versus_adamw() -> None:
    lam, w, big, small = grab(
        rf"with \$\\lambda = {NUM}\$ and a weight \$w_i = {NUM}\$, suppose one coordinate has "
        rf"\$\\sqrt\{{\\hat v_i\}} = {NUM}\$ and another \$\\sqrt\{{\\hat v_i\}} = {NUM}\$"
    )
    d_big, d_small, apart, adamw = grab(
        rf"decay contribution of \$0\.01/10 = {NUM}\$ per unit learning rate and the second "
        rf"\$0\.01/0\.1 = {NUM}\$, a factor of {NUM} apart; with AdamW both get {NUM}\."
    )
    lam_f, w_f = float(lam), float(w)
    check((d_big, d_small), [lam_f * w_f / float(big), lam_f * w_f / float(small)])
    check((apart,), [float(d_small) / float(d_big)])
    check((adamw,), [lam_f * w_f])
    # torch's Adam (L2) and AdamW (decoupled) show the same numbers.
    l2 = _decay_drift(decoupled=False, lr=1e-4, lam=lam_f, steps=3000)
    assert l2[0] == pytest.approx(float(d_big), rel=0.2)
    assert l2[1] == pytest.approx(float(d_small), rel=0.2)
    assert l2[1] / l2[0] == pytest.approx(float(apart), rel=0.3)
    decoupled = _decay_drift(decoupled=True, lr=1e-4, lam=lam_f, steps=3000)
    assert decoupled == pytest.approx([float(adamw)] * 2, rel=0.02)


def test_engine_weight_decay_raises_the_training_loss() -> None:
    """The clip-decay-loss question expects a higher final loss with decay; check both ends."""
    common = dict(depth=4, width=32, batch=32, activation="relu", init="kaiming_normal", steps=30)
    for lam in (0.04, 0.1):
        free = simulate(SimConfig(**common, lr=0.05))
        decayed = simulate(SimConfig(**common, lr=0.05, weight_decay=lam))
        assert decayed.steps[-1].loss > free.steps[-1].loss


def test_clip_grad_norm_scale_and_epsilon() -> None:
    (exponent,) = grab(
        r"it multiplies by \$c/\(\\lVert g\\rVert \+ 10\^\{(-\d+)\}\)\$ clamped at 1, so a "
        r"clipped gradient ends a hair below \$c\$ and a gradient already shorter than \$c\$ is "
        r"left alone\."
    )
    eps = 10.0 ** int(exponent)
    c = 1.0
    a = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    b = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    a.grad = torch.tensor([3.0, 0.0], dtype=torch.float64)
    b.grad = torch.tensor([4.0], dtype=torch.float64)
    total = torch.nn.utils.clip_grad_norm_([a, b], c)
    assert float(total) == 5.0  # one global norm over all parameters, returned before clipping
    scale = c / (5.0 + eps)
    assert torch.equal(a.grad, torch.tensor([3.0 * scale, 0.0], dtype=torch.float64))
    assert torch.equal(b.grad, torch.tensor([4.0 * scale], dtype=torch.float64))
    after = math.hypot(float(a.grad[0]), float(b.grad[0]))
    assert after < c and after == pytest.approx(c, abs=1e-6)
    # below the threshold nothing changes
    a.grad = torch.tensor([0.3, 0.0], dtype=torch.float64)
    b.grad = torch.tensor([0.4], dtype=torch.float64)
    torch.nn.utils.clip_grad_norm_([a, b], c)
    assert torch.equal(b.grad, torch.tensor([0.4], dtype=torch.float64))


def test_krogh_hertz_is_cited() -> None:
    assert "(Krogh & Hertz, 1992)" in FLAT
    reference = "Krogh, A. & Hertz, J. A. (1992). A simple weight decay can improve generalization."
    assert reference in TEXT


# --- Adam, dropout, L1, max-norm ---------------------------------------------------------------


def test_clipping_under_adam_protects_the_moments() -> None:
    (steps,) = grab(rf"on the order of \$1/\(1-\\beta_2\) = {NUM}\$ steps")
    beta2 = torch.optim.Adam([torch.zeros(1, requires_grad=True)]).defaults["betas"][1]
    assert round(1 / (1 - beta2)) == int(steps)


def test_inverted_dropout_mean_and_variance() -> None:
    assert "scales the survivors by $1/(1-p)$" in FLAT
    assert "of mean\n$h$ and variance $h^2 p/(1-p)$".replace("\n", " ") in FLAT
    (p,) = grab(rf"which at \$p = {NUM}\$ equals \$h\^2\$")
    assert float(p) / (1 - float(p)) == 1
    torch.manual_seed(0)
    h = 1.7
    for rate in (0.2, float(p)):
        out = torch.nn.functional.dropout(torch.full((400_000,), h, dtype=torch.float64), rate)
        assert float(out.mean()) == pytest.approx(h, rel=0.01)
        assert float(out.var()) == pytest.approx(h**2 * rate / (1 - rate), rel=0.02)
    layer = torch.nn.Dropout(0.5).eval()
    assert torch.equal(layer(torch.ones(5)), torch.ones(5))  # evaluation: nothing dropped


def test_l1_proximal_step_reaches_zero() -> None:
    assert "$w \\leftarrow \\mathrm{sign}(w)\\max(\\lvert w\\rvert - \\eta\\lambda, 0)$" in FLAT
    assert "$\\lceil \\lvert w_0\\rvert/(\\eta\\lambda)\\rceil$ steps" in FLAT
    w0, lr, lam = 0.3, 0.1, 0.004
    w, steps = torch.tensor(w0, dtype=torch.float64), 0
    while w != 0:
        w = torch.sign(w) * torch.clamp(w.abs() - lr * lam, min=0)
        steps += 1
    assert steps == math.ceil(w0 / (lr * lam))
    l2 = w0 * (1 - lr * lam) ** (10 * steps)
    assert 0 < l2 < w0  # L2 only shrinks it


def test_max_norm_is_a_projection_of_each_unit() -> None:
    assert "$w \\leftarrow w \\min(1, c/\\lVert w\\rVert)$ (Srebro & Shraibman, 2005)" in FLAT
    torch.manual_seed(0)
    weights = torch.randn(5, 8, dtype=torch.float64) * 2  # one row per unit
    c = 3.0
    projected = weights * torch.clamp(c / weights.norm(dim=1, keepdim=True), max=1.0)
    assert torch.allclose(projected, torch.renorm(weights, p=2, dim=0, maxnorm=c))
    assert float(projected.norm(dim=1).max()) <= c + 1e-12
