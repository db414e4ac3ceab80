"""Every number the lesson "Normalization" states, recomputed.

Each test finds the number in content/07-normalization.md (so editing a digit there fails the
suite) and recomputes it with torch's own batch norm, the engine (quizsvc.sim) or plain
arithmetic. Simulations use the engine's multi-seed medians so the statements are about the
typical network, not one draw.
"""

from __future__ import annotations

import functools
import math

import pytest
import torch
from torch.nn import functional as F

from quizsvc.sim import SimConfig, network, simulate
from tests.lessons.stated import NUM, LessonText, check

LESSON = LessonText("07-normalization.md", prose_only=True)
FLAT = LESSON.flat
grab = LESSON.grab
figure = LESSON.figure


def per_layer(first: float, last: float, depth: int) -> float:
    return (first / last) ** (1 / (depth - 1))


# --- batch norm in training mode -------------------------------------------------------------


def test_epsilon_and_initial_scale_and_shift() -> None:
    (exponent,) = grab(r"PyTorch uses \$10\^\{(-\d+)\}\$")
    bn = torch.nn.BatchNorm1d(3)
    assert bn.eps == 10.0 ** int(exponent) == network.NORM_EPS
    gamma, beta = grab(rf"\$\\beta\$ start at {NUM} and {NUM};")
    assert torch.all(bn.weight == float(gamma)) and torch.all(bn.bias == float(beta))


def test_batch_of_two_is_plus_or_minus_one() -> None:
    assert "with a batch of two, $\\hat x$ is $\\pm 1$ (up to $\\epsilon$)" in FLAT
    x = torch.tensor([[0.3, -7.0, 120.0], [2.5, 4.0, 121.0]], dtype=torch.float64)
    y = F.batch_norm(x, None, None, training=True, eps=network.NORM_EPS)
    assert torch.allclose(y.abs(), torch.ones_like(y), atol=1e-3)


def test_batch_of_one_outputs_beta() -> None:
    assert "With a batch of one, $x_1 = \\mu_B$ and every output equals $\\beta$" in FLAT
    x = torch.tensor([[0.3, -7.0, 120.0]], dtype=torch.float64)
    mean, var = x.mean(0), x.var(0, correction=0)
    assert torch.all((x - mean) / torch.sqrt(var + network.NORM_EPS) == 0)
    # And torch refuses the degenerate case outright (the eval-mode question's feedback says so).
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        torch.nn.BatchNorm1d(3).train()(x.float())


def test_backward_formula_matches_autograd() -> None:
    gen = torch.Generator().manual_seed(0)
    m = 16
    x = torch.randn(m, dtype=torch.float64, generator=gen).requires_grad_()
    gamma = 1.7
    g = torch.randn(m, dtype=torch.float64, generator=gen)
    mu, var = x.mean(), x.var(correction=0)
    xhat = (x - mu) / torch.sqrt(var + network.NORM_EPS)
    (grad,) = torch.autograd.grad((gamma * xhat * g).sum(), x)
    xh = xhat.detach()
    formula = (
        gamma
        / (m * torch.sqrt(var.detach() + network.NORM_EPS))
        * (m * g - g.sum() - xh * (g * xh).sum())
    )
    assert torch.allclose(grad, formula, atol=1e-12)
    # "sums to zero over the batch and is orthogonal to x-hat" (exactly so as epsilon -> 0)
    assert abs(float(grad.sum())) < 1e-10
    assert abs(float(grad @ xh)) < 1e-4 * float(grad.norm() * xh.norm())


# --- running statistics and the worked example ----------------------------------------------


def test_running_statistics_defaults() -> None:
    (momentum,) = grab(rf"called `momentum`, default {NUM}")
    bn = torch.nn.BatchNorm1d(1)
    assert bn.momentum == float(momentum)
    start_mean, start_var = grab(
        rf"the running mean starts at {NUM} and the running variance at {NUM}"
    )
    assert float(bn.running_mean) == float(start_mean)
    assert float(bn.running_var) == float(start_var)


def test_decay_of_the_initial_values() -> None:
    left10, steps10, left50, steps50 = grab(
        rf"{NUM} of the initial value remains after {NUM} steps and {NUM} after {NUM}\."
    )
    bn = torch.nn.BatchNorm1d(1).train()
    for k in range(1, int(steps50) + 1):
        bn(torch.tensor([[0.0], [0.0]]))  # batch mean 0: what is left is the initial weight
        if k == int(steps10):
            after10 = float(bn.running_var - 0.0)
    # running_var starts at 1 and the batches have variance 0, so it equals (1 - alpha)^k.
    check((left10, left50), [after10, float(bn.running_var)])
    check((left10, left50), [0.9**10, 0.9**50])


def test_worked_example_training_mode() -> None:
    batch = [float(v) for v in grab(rf"sees the batch \$x = \({NUM}, {NUM}, {NUM}, {NUM}\)\$")]
    x = torch.tensor(batch).unsqueeze(1)
    bn = torch.nn.BatchNorm1d(1).train()
    y = bn(x).detach().squeeze(1)
    (mean,) = grab(rf"The batch mean is \$\\mu_B = {NUM}\$")
    (var,) = grab(rf"\(4 \+ 1 \+ 0 \+ 9\)/4 = {NUM}\$")
    check((mean, var), [float(x.mean()), float(x.var(correction=0))])
    assert [(v - float(mean)) ** 2 for v in batch] == [4, 1, 0, 9]
    xhat = grab(rf"\$\$\\hat x = \({NUM},\\ {NUM},\\ {NUM},\\ {NUM}\)\.\$\$")
    check(xhat, y.tolist())


def test_worked_example_running_statistics_and_eval() -> None:
    x = torch.tensor([[1.0], [2.0], [3.0], [6.0]])
    bn = torch.nn.BatchNorm1d(1).train()
    with torch.no_grad():
        train_out = float(bn(x)[3])
    (running_mean,) = grab(rf"\\hat\\mu = 0\.9 \\cdot 0 \+ 0\.1 \\cdot 3 = {NUM}\$")
    unbiased, running_var = grab(
        rf"unbiased variance \$14/3 \\approx {NUM}\$, \$\\hat\\sigma\^2 = 0\.9 \\cdot 1 \+ "
        rf"0\.1 \\cdot 4\.667 = {NUM}\$"
    )
    check(
        (running_mean, unbiased, running_var),
        [float(bn.running_mean), float(x.var(correction=1)), float(bn.running_var)],
    )
    bn.eval()
    (eval_out,) = grab(rf"\(6 - 0\.3\)/\\sqrt\{{1\.367\}} = {NUM}\$")
    with torch.no_grad():
        eval_value = float(bn(torch.tensor([[6.0]])))
    check((eval_out,), [eval_value])
    (times, same) = grab(rf": (three) times the {NUM} that the same value received")
    assert round(eval_value / train_out) == 3 and times == "three"
    check((same,), [train_out])


def test_worked_example_converged_running_statistics() -> None:
    mean, var, out, not_this = grab(
        rf"converge to {NUM} and {NUM} and the output for \$x = 6\$ would be {NUM}, "
        rf"still not {NUM},"
    )
    x = torch.tensor([[1.0], [2.0], [3.0], [6.0]])
    bn = torch.nn.BatchNorm1d(1).train()
    with torch.no_grad():
        for _ in range(300):
            bn(x)
        bn.eval()
        converged = float(bn(torch.tensor([[6.0]])))
        bn.train()
        in_batch = float(bn(x)[3])
    check((mean, var, out), [float(bn.running_mean), float(bn.running_var), converged])
    check((not_this,), [in_batch])


# --- scale invariance ------------------------------------------------------------------------


def test_scale_invariance_of_a_normalized_layer() -> None:
    assert "$\\mathrm{BN}(a\\,W x) = \\mathrm{BN}(W x)$ for any $a > 0$" in FLAT
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(32, 8, dtype=torch.float64, generator=gen)
    w = torch.randn(5, 8, dtype=torch.float64, generator=gen)
    target = torch.randn(32, 5, dtype=torch.float64, generator=gen)

    def grad_at(weight: torch.Tensor) -> torch.Tensor:
        weight = weight.clone().requires_grad_()
        z = F.batch_norm(x @ weight.T, None, None, training=True, eps=1e-12)
        loss = ((torch.tanh(z) - target) ** 2).mean()
        return torch.autograd.grad(loss, weight)[0]

    a = 3.0
    assert torch.allclose(grad_at(a * w), grad_at(w) / a, rtol=1e-6, atol=1e-12)
    # row by row, the gradient is orthogonal to the weights
    assert torch.allclose(
        (w * grad_at(w)).sum(dim=1), torch.zeros(5, dtype=torch.float64), atol=1e-10
    )


def test_weights_of_normalized_layers_are_orthogonal_to_their_gradient_in_the_engine() -> None:
    res = simulate(
        SimConfig(
            depth=8,
            width=64,
            batch=64,
            activation="relu",
            init="kaiming_normal",
            norm="batch",
            dtype="float64",
        )
    )
    plain = simulate(
        SimConfig(
            depth=8, width=64, batch=64, activation="relu", init="kaiming_normal", dtype="float64"
        )
    )
    w_norm = math.sqrt(2 * 64)  # He initialization: |W| is about sqrt(2 n)

    def cosines(r: object) -> list[float]:
        dots, grads = r.metric("w_dot_grad"), r.metric("weight_grad_norm")
        return [abs(d) / (g * w_norm) for d, g in zip(dots, grads, strict=True)]

    # zero up to the epsilon of the normalization; clearly not zero without it
    assert max(cosines(res)) < 1e-4
    assert max(cosines(plain)) > 1e-2


# --- the caveat: gradient explosion in deep plain batch-normalized networks -------------------


def test_explosion_figure_matches_its_caption() -> None:
    fig = figure("bn-explosion")
    assert "30-layer ReLU network (He initialization, width 128, batch 32)" in fig["caption"]
    for cfg in fig["sims"].values():
        assert (cfg["depth"], cfg["width"], cfg["batch"]) == (30, 128, 32)
        assert (cfg["activation"], cfg["init"]) == ("relu", "kaiming_normal")


@functools.cache
def _bn_ratio(activation: str) -> float:
    cfg = SimConfig(
        depth=30,
        width=128,
        batch=32,
        activation=activation,
        init="kaiming_normal",
        norm="batch",
        seeds=8,
    )
    norms = simulate(cfg).metric("weight_grad_norm")
    return norms[0] / norms[-1]


def test_relu_batch_norm_explosion_numbers() -> None:
    times, rate = grab(
        rf"typically about {NUM} times the last layer's .{{0,40}}growth of about {NUM} per layer"
    )
    ratio = _bn_ratio("relu")
    assert ratio == pytest.approx(float(times), rel=0.25)
    assert per_layer(ratio, 1.0, 30) == pytest.approx(float(rate), abs=0.01)


def test_tanh_batch_norm_grows_more_slowly() -> None:
    (rate,) = grab(rf"The same network with tanh grows by about {NUM} per layer")
    assert per_layer(_bn_ratio("tanh"), 1.0, 30) == pytest.approx(float(rate), abs=0.01)


def test_linear_batch_norm_growth_depends_on_batch_size() -> None:
    depth, width, r4, b4, r8, b8, big, within = grab(
        rf"for a {NUM}-layer batch-normalized network with the identity activation "
        rf"\(width {NUM}\), "
        rf"the gradient with respect to the layer outputs grows by about {NUM} per layer with "
        rf"batches of {NUM} and by about {NUM} with batches of {NUM}, and with batches of {NUM} or "
        rf"more it no longer grows: its per-layer factor is within {NUM} % of 1\."
    )
    for batch in (int(big), 2 * int(big)):
        cfg = SimConfig(depth=int(depth), width=int(width), batch=batch, activation="linear",
                        init="kaiming_normal", norm="batch", seeds=6)  # fmt: skip
        norms = simulate(cfg).metric("output_grad_norm")
        assert abs(per_layer(norms[0], norms[-1], int(depth)) - 1) <= float(within) / 100
    for rate, batch in ((r4, b4), (r8, b8)):
        cfg = SimConfig(
            depth=int(depth),
            width=int(width),
            batch=int(batch),
            activation="linear",
            init="kaiming_normal",
            norm="batch",
            seeds=6,
        )
        norms = simulate(cfg).metric("output_grad_norm")
        assert per_layer(norms[0], norms[-1], int(depth)) == pytest.approx(float(rate), abs=0.03)


def test_ordering_claim_relu_tanh_linear() -> None:
    """The ordering question assumes ReLU > tanh > linear for the growth; check it holds."""
    lin = _bn_ratio("linear")
    assert _bn_ratio("relu") > 5 * _bn_ratio("tanh") > 5 * lin


def test_batch_norm_lifts_the_sigmoid_gradient() -> None:
    """The forward signal is pinned, so a sigmoid network's gradient no longer vanishes."""
    common = dict(depth=10, width=128, batch=64, activation="sigmoid", init="xavier_normal")
    plain = simulate(SimConfig(**common)).metric("weight_grad_norm")
    bn = simulate(SimConfig(**common, norm="batch")).metric("weight_grad_norm")
    assert plain[0] / plain[-1] < 1e-4
    assert 0.5 < bn[0] / bn[-1] < 3
    assert math.isfinite(bn[0])


def test_linear_network_does_not_grow_in_the_ordering_question() -> None:
    """norm-order-activation's explanation: with the identity activation and its batches of 32
    or 64 the weight-gradient ratio is below 1 (the review measured 0.41-0.91)."""
    from quizsvc.content import load_catalog
    from quizsvc.quiz.generate import build
    from tests.support.database import CONTENT_DIR

    template = load_catalog(CONTENT_DIR).template("norm-order-activation")
    for seed in range(12):
        env = build(template, seed).env
        lin = env["lin"].fields["weight_grad_norm"]
        assert lin[1] / lin[-1] < 1, seed


def test_pytorch_refuses_a_single_example_in_training_mode() -> None:
    assert (
        "PyTorch's fully connected `BatchNorm1d` raises a `ValueError` instead"
        in LessonText("07-normalization.md").flat
    )
    layer = torch.nn.BatchNorm1d(4)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        layer(torch.randn(1, 4))
    layer.eval()
    assert layer(torch.randn(1, 4)).shape == (1, 4)  # evaluation mode uses the running stats


def test_rmsnorm_drops_the_mean() -> None:
    assert (
        "it divides each example's feature vector by\nits root mean square".replace("\n", " ")
        in FLAT
    )
    assert "It keeps layer norm's invariance to rescaling the vector but not to shifting it" in FLAT
    torch.manual_seed(0)
    a = torch.randn(3, 16, dtype=torch.float64)
    rms = torch.nn.RMSNorm(16, eps=0.0, elementwise_affine=False, dtype=torch.float64)
    manual = a / a.pow(2).mean(dim=1, keepdim=True).sqrt()
    assert torch.allclose(rms(a), manual)
    assert torch.allclose(rms(5 * a), rms(a))
    assert not torch.allclose(rms(a + 1), rms(a))
    assert torch.allclose(F.layer_norm(a + 1, (16,)), F.layer_norm(a, (16,)))


def test_small_batch_statistics() -> None:
    """The batch mean of m values has standard error sigma/sqrt(m); with m = 2, x_hat = +-1."""
    assert "has a standard error of $\\sigma/\\sqrt{m}$, and with $m = 2$ every normalized" in FLAT
    torch.manual_seed(1)
    for m in (2, 8, 32):
        means = torch.randn(20000, m, dtype=torch.float64).mean(dim=1)
        assert float(means.std()) == pytest.approx(1 / math.sqrt(m), rel=0.03)
    pair = F.batch_norm(
        torch.randn(2, 5, dtype=torch.float64), None, None, training=True, eps=1e-12
    )
    assert torch.allclose(pair.abs(), torch.ones(2, 5, dtype=torch.float64), atol=1e-6)
