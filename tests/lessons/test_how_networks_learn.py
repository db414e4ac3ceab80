"""Every number the lesson "How a network learns" states, recomputed.

Each test finds the number in content/01-how-networks-learn.md (so editing a digit there fails
the suite) and recomputes it with torch, the engine (quizsvc.sim) or its theory module.
"""

from __future__ import annotations

import pytest
import torch

from quizsvc.sim import SimConfig, network, simulate
from tests.lessons.stated import NUM, LessonText, check

LESSON = LessonText("01-how-networks-learn.md")
TEXT = LESSON.text
FLAT = LESSON.flat
grab = LESSON.grab


class WorkedExample:
    """The 2-2-1 tanh network of the worked example, in float64 autograd."""

    def __init__(self) -> None:
        dt = torch.float64
        self.x = torch.tensor([0.5, -1.0], dtype=dt)
        self.y = 1.0
        self.W1 = torch.tensor([[0.4, -0.2], [0.3, 0.8]], dtype=dt, requires_grad=True)
        self.b1 = torch.tensor([0.1, -0.1], dtype=dt, requires_grad=True)
        self.w2 = torch.tensor([0.7, -0.5], dtype=dt, requires_grad=True)
        self.b2 = torch.tensor(0.2, dtype=dt, requires_grad=True)
        self.params = [self.W1, self.b1, self.w2, self.b2]
        self.z1 = self.W1 @ self.x + self.b1
        self.h1 = torch.tanh(self.z1)
        self.h1.retain_grad()
        self.yhat = self.w2 @ self.h1 + self.b2
        self.loss = 0.5 * (self.yhat - self.y) ** 2
        self.loss.backward()
        self.z1, self.h1_value = self.z1.detach(), self.h1.detach()
        self.yhat, self.loss = float(self.yhat.detach()), float(self.loss.detach())

    def after_step(self, eta: float) -> tuple[float, float]:
        with torch.no_grad():
            W1, b1, w2, b2 = (p - eta * p.grad for p in self.params)
            yhat = w2 @ torch.tanh(W1 @ self.x + b1) + b2
            return float(yhat), float(0.5 * (yhat - self.y) ** 2)


@pytest.fixture(scope="module")
def example() -> WorkedExample:
    return WorkedExample()


def test_worked_example_inputs_are_the_ones_computed() -> None:
    for fragment in (
        "$x = (0.5, -1)$",
        "target $y = 1$",
        "0.4 & -0.2 \\\\ 0.3 & 0.8",
        "0.1 \\\\ -0.1",
        "w_2 = (0.7, -0.5)",
        "b_2 = 0.2",
        "learning rate $\\eta = 0.2$",
    ):
        assert fragment in FLAT, fragment


def test_forward_pass(example: WorkedExample) -> None:
    check(grab(rf"z_1 = W_1 x \+ b_1 = \({NUM}, {NUM}\)"), example.z1.tolist())
    check(grab(rf"h_1 = \\tanh\(z_1\) = \({NUM}, {NUM}\)"), example.h1_value.tolist())
    check(grab(rf"\\hat y = w_2 \\cdot h_1 \+ b_2 = {NUM}"), [example.yhat])
    yhat, loss = grab(rf"The loss is \$\\tfrac12 \({NUM} - 1\)\^2 = {NUM}\$")
    check((yhat, loss), [example.yhat, example.loss])


def test_backward_pass(example: WorkedExample) -> None:
    delta2 = example.yhat - example.y
    check(grab(rf"\\delta_2 = \\hat y - y = {NUM}"), [delta2])
    check(
        grab(rf"\\partial \\ell/\\partial w_2 = \\delta_2\\, h_1 = \({NUM}, {NUM}\)"),
        example.w2.grad.tolist(),
    )
    check(grab(rf"\\partial \\ell/\\partial b_2 = {NUM}"), [float(example.b2.grad)])
    check(
        grab(rf"\\partial \\ell / \\partial h_1 = \\delta_2\\, w_2 = \({NUM}, {NUM}\)"),
        example.h1.grad.tolist(),
    )
    slopes = (1 - example.h1_value**2).tolist()
    check(grab(rf"the slopes of \$\\tanh\$ are \$1 - h_1\^2 = \({NUM}, {NUM}\)\$"), slopes)
    check(grab(rf"\\delta_1 = \({NUM}, {NUM}\)"), example.b1.grad.tolist())
    rows = grab(rf"first row is \$\({NUM}, {NUM}\)\$ and second row \$\({NUM}, {NUM}\)\$")
    check(rows, example.W1.grad.flatten().tolist())
    check(grab(rf"Note how the slope factors \${NUM}\$ and \${NUM}\$"), slopes)


def test_one_sgd_step(example: WorkedExample) -> None:
    (eta,) = grab(rf"with learning rate \$\\eta = {NUM}\$ moves")
    yhat, loss = example.after_step(float(eta))
    check(grab(rf"gives \$\\hat y = {NUM}\$ and a loss of \${NUM}\$"), [yhat, loss])
    assert "removed three quarters of the loss" in FLAT
    removed = 1 - loss / example.loss
    assert removed == pytest.approx(3 / 4, abs=0.02)


def test_momentum_multiplies_a_steady_step_by_one_over_one_minus_mu() -> None:
    (mu,) = grab(rf"with the usual\s+\$\\mu = {NUM}\$ the steps become")
    (times,) = grab(r"the steps become (\d+) times longer than plain SGD's")
    theta = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([theta], lr=0.01, momentum=float(mu))
    g = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    for _ in range(200):
        before = theta.detach().clone()
        theta.grad = g.clone()
        opt.step()
    step = (theta.detach() - before).norm() / (0.01 * g.norm())
    assert float(step) == pytest.approx(float(times), rel=1e-6)


def test_adam_defaults_and_first_step() -> None:
    beta1, beta2, eps_exp = grab(
        rf"The defaults are \$\\beta_1 = {NUM}\$, \$\\beta_2 = {NUM}\$ and "
        r"\$\\epsilon = 10\^{(-?\d+)}\$"
    )
    defaults = torch.optim.Adam([torch.zeros(1, requires_grad=True)]).defaults
    assert defaults["betas"] == (float(beta1), float(beta2))
    assert defaults["eps"] == 10.0 ** int(eps_exp)
    # First step: every parameter with a non-negligible gradient moves by almost exactly lr.
    theta = torch.zeros(5, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([theta], lr=1e-3)
    theta.grad = torch.tensor([1e-4, -3e-2, 2.0, -50.0, 7e3], dtype=torch.float64)
    opt.step()
    assert theta.detach().abs().tolist() == pytest.approx([1e-3] * 5, rel=1e-3)


def test_adam_first_step_with_a_gradient_near_epsilon() -> None:
    """The Adam question: a gradient of 1e-6 moves by 0.99 lr, a gradient of 10 by lr."""
    assert "$a$ by $0.99 \\times 10^{-3}$ because of $\\epsilon$" in FLAT
    assert "$\\epsilon = 10^{-8}$ is 1 % of $\\lvert g \\rvert$" in FLAT
    theta = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([theta], lr=1e-3)
    theta.grad = torch.tensor([1e-6, 10.0], dtype=torch.float64)
    opt.step()
    a, b = theta.detach().abs().tolist()
    assert round(a / 1e-3, 2) == 0.99
    assert b == pytest.approx(1e-3, rel=1e-6)


def test_stability_limit_two_over_curvature() -> None:
    assert "converges only if $\\eta < 2/\\lambda$" in FLAT
    lam = 3.0

    def final(eta: float) -> float:
        x = 1.0
        for _ in range(2000):
            x -= eta * lam * x
        return abs(x)

    assert final(0.99 * 2 / lam) < 1e-3
    assert final(1.01 * 2 / lam) > 1.0


def test_quadrupling_the_batch_halves_the_noise() -> None:
    assert "quadrupling the batch halves the noise's standard" in FLAT
    gen = torch.Generator().manual_seed(0)
    per_example = torch.randn(200_000, generator=gen, dtype=torch.float64) * 3.0 + 1.0

    def noise_std(batch: int) -> float:
        means = per_example[: (len(per_example) // batch) * batch].view(-1, batch).mean(dim=1)
        return float(means.std())

    assert noise_std(8) / noise_std(32) == pytest.approx(2.0, rel=0.05)


def test_first_order_decrease_is_eta_grad_norm_squared() -> None:
    assert (
        "\\mathcal{L}(\\theta - \\eta g) \\approx \\mathcal{L}(\\theta) - \\eta \\lVert g \\rVert^2"
        in TEXT
    )
    gen = torch.Generator().manual_seed(1)
    a = torch.randn(6, 6, generator=gen, dtype=torch.float64)
    hess = a @ a.T / 6
    theta = torch.randn(6, generator=gen, dtype=torch.float64)

    def loss(t: torch.Tensor) -> float:
        return float(0.5 * t @ hess @ t)

    g = hess @ theta
    eta = 1e-4
    assert loss(theta - eta * g) - loss(theta) == pytest.approx(-eta * float(g @ g), rel=1e-3)


def figure_block(figure_id: str) -> str:
    return TEXT.split(f"```figure\nid: {figure_id}\n", 1)[1].split("```", 1)[0]


def test_figure_networks_match_their_captions() -> None:
    sgd = figure_block("optimizer-sgd")
    lr, depth, width = grab(rf"Plain SGD \(learning rate {NUM}\) on a (\d+)-layer tanh network of "
                            r"width (\d+),")  # fmt: skip
    assert f"{{depth: {depth}, width: {width}," in sgd
    assert f"optimizer: sgd, momentum: 0, lr: {lr}," in sgd
    momentum = figure_block("optimizer-momentum")
    (mu,) = grab(rf"The same network and learning rate with momentum {NUM};")
    assert f"{{depth: {depth}, width: {width}," in momentum
    assert f"optimizer: sgd, momentum: {mu}, lr: {lr}," in momentum
    adam = figure_block("optimizer-adam")
    (adam_lr,) = grab(rf"The same network with Adam \(learning rate {NUM}\)")
    assert f"{{depth: {depth}, width: {width}," in adam
    assert f"optimizer: adam, lr: {adam_lr}," in adam


def test_momentum_figure_claim_in_the_engine() -> None:
    """'the loss falls far faster': compare the two runs the figures draw."""
    assert "with momentum 0.9; the loss falls far faster" in FLAT
    base = dict(depth=4, width=64, batch=64, activation="tanh", init="xavier_normal", lr=0.1,
                steps=40)  # fmt: skip
    plain = simulate(SimConfig(**base, momentum=0.0))
    heavy = simulate(SimConfig(**base, momentum=0.9))
    assert heavy.steps[-1].loss < 0.1 * plain.steps[-1].loss


def test_first_order_decrease_in_the_engine() -> None:
    """One small SGD step of a real network lowers the loss by about eta * ||g||^2."""
    res = simulate(SimConfig(depth=4, width=32, batch=32, activation="tanh", init="xavier_normal",
                             optimizer="sgd", momentum=0.0, lr=0.005, steps=2, seed=4))  # fmt: skip
    drop = res.steps[0].loss - res.steps[1].loss
    assert drop == pytest.approx(0.005 * res.steps[0].total_grad_norm ** 2, rel=0.03)


def test_simulations_regress_ten_targets_with_mean_squared_error() -> None:
    (targets,) = grab(r"The simulations in this course regress (\d+) random targets")
    cfg = SimConfig(depth=2, width=8, batch=4, activation="tanh", seed=5)
    assert cfg.task == "regression"
    assert cfg.out_features == int(targets)
    weights, data = network.generators(cfg.seed)
    net = network.build_network(cfg, weights)
    task = network.make_task(cfg, data)
    out = network.forward(net, cfg, task.x).output
    expected = float(((out - task.target) ** 2).mean().detach())
    assert simulate(cfg).loss == pytest.approx(expected, rel=1e-6)


# --- regularization and warm-up --------------------------------------------------------------


def test_l2_is_weight_decay_only_under_plain_sgd() -> None:
    assert "Under plain SGD that is exactly weight decay" in FLAT
    assert "with momentum, and far more with Adam, the two differ" in FLAT
    lam, lr = 0.1, 0.5

    def run(make: type[torch.optim.Optimizer], decoupled: bool, **kw: float) -> float:
        w = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
        opt = make([w], lr=lr, weight_decay=0.0 if decoupled else lam, **kw)
        for step in range(5):
            opt.zero_grad()
            ((w - torch.tensor([0.3, 0.1], dtype=torch.float64)) ** 2 * (step + 1)).sum().backward()
            if decoupled:
                with torch.no_grad():
                    w.mul_(1 - lr * lam)
            opt.step()
        return float(w.detach()[0])

    assert run(torch.optim.SGD, False) == pytest.approx(run(torch.optim.SGD, True), rel=1e-12)
    assert run(torch.optim.SGD, False, momentum=0.9) != pytest.approx(
        run(torch.optim.SGD, True, momentum=0.9), rel=1e-3
    )
    assert run(torch.optim.Adam, False) != pytest.approx(run(torch.optim.Adam, True), rel=1e-3)


def test_goyal_scaling_of_the_batch() -> None:
    big, small, k = grab(rf"with batches of {NUM} instead of {NUM}\..*?here {NUM}-fold")
    assert int(big) / int(small) == int(k)


def test_radam_variance_is_undefined_for_the_first_steps() -> None:
    """Liu et al.'s rho_t: the variance of the adaptive learning rate is tractable for rho_t > 4."""
    (steps,) = grab(rf"does\s+not even exist for the first {NUM} steps")
    beta2 = torch.optim.Adam([torch.zeros(1, requires_grad=True)]).defaults["betas"][1]
    assert "with $\\beta_2 = 0.999$ their estimate" in FLAT and beta2 == 0.999
    rho_inf = 2 / (1 - beta2) - 1

    def rho(t: int) -> float:
        return rho_inf - 2 * t * beta2**t / (1 - beta2**t)

    assert max(t for t in range(1, 50) if rho(t) <= 4) == int(steps)


def test_adam_warm_up_rule_of_thumb() -> None:
    (steps,) = grab(rf"about \$2/\(1 - \\beta_2\)\$ steps, {NUM} for the default")
    beta2 = torch.optim.Adam([torch.zeros(1, requires_grad=True)]).defaults["betas"][1]
    assert round(2 / (1 - beta2)) == int(steps)


def test_momentum_reach_in_the_ordering_question() -> None:
    """The explanation of hnl-lr-ordering states how far momentum carried the run, in plain
    steps: the velocity after t steps is g (1 - mu^t) / (1 - mu), summed over the steps."""
    from quizsvc.content import load_catalog
    from quizsvc.quiz.generate import build
    from tests.support.database import CONTENT_DIR

    template = load_catalog(CONTENT_DIR).template("hnl-lr-ordering")
    for seed in range(6):
        generation = build(template, seed)
        mu, steps = generation.env["mu"], generation.env["steps"]
        reach = sum((1 - mu**t) / (1 - mu) for t in range(1, steps + 1)) / steps
        assert generation.env["reach"] == pytest.approx(reach)
        text = " ".join(generation.variant.explanation_html.split())
        assert f"about {reach:.3g} times as far as plain SGD" in text, seed


def test_lr_ordering_holds_for_the_question_ranges() -> None:
    """hnl-lr-ordering: each variant's key is the order the three runs really ended in, that
    order follows the reasoning the hint and explanation teach (momentum's distance along a
    steady gradient, sum of (1 - mu^t) / (1 - mu), against the multiplier), and it is not the
    same order in every variant (a fixed order would be a give-away, issue 16)."""
    import re

    from quizsvc.content import load_catalog
    from quizsvc.quiz.generate import build
    from tests.support.database import CONTENT_DIR

    template = load_catalog(CONTENT_DIR).template("hnl-lr-ordering")
    orders = set()
    for seed in range(40):
        generation = build(template, seed)
        env, variant = generation.env, generation.variant
        losses = {n: env[n].fields["step_loss"][-1] for n in ("a", "b", "c")}
        assert len(env["a"].fields["step_loss"]) == env["steps"], seed
        labels = {c["id"]: re.sub(r"<[^>]+>", "", c["html"]).strip() for c in variant.choices}
        names = {
            f"learning rate {env['base']}, no momentum": "a",
            f"{env['mult']} times the learning rate ({env['base'] * env['mult']:.3g}), "
            "no momentum": "b",
            f"learning rate {env['base']}, momentum {env['mu']}": "c",
        }
        keyed = [names[labels[i]] for i in variant.answer_key["order"]]
        assert keyed == sorted(losses, key=lambda n: -losses[n]), seed
        mu, steps = env["mu"], env["steps"]
        reach = sum((1 - mu**t) / (1 - mu) for t in range(1, steps + 1)) / steps
        assert (losses["c"] < losses["b"]) == (reach > env["mult"]), seed
        orders.add(tuple(keyed))
    assert len(orders) > 1, f"every variant has the order {orders}"
