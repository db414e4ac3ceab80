"""The engine computes exactly what torch computes: inits, activations, clipping, statistics.

The reference side of each test is torch's own public API (``torch.nn.init``, ``nn`` modules,
``clip_grad_norm_``/``clip_grad_value_``, autograd) run on the same numbers.
"""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from torch import nn

from quizsvc.sim import ACTIVATIONS, SimConfig, activations, simulate, theory
from quizsvc.sim.network import build_network, generators, init_weight, make_task
from quizsvc.sim.optim import Optimizer

SLOPE = 0.2


def _weight(fan_out: int, fan_in: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.empty(fan_out, fan_in, dtype=dtype)


TORCH_INITS = {
    "normal": lambda w, g: nn.init.normal_(w, 0.0, 0.05, generator=g),
    "uniform": lambda w, g: nn.init.uniform_(w, -0.05, 0.05, generator=g),
    "xavier_uniform": lambda w, g: nn.init.xavier_uniform_(w, generator=g),
    "xavier_normal": lambda w, g: nn.init.xavier_normal_(w, generator=g),
    "kaiming_uniform": lambda w, g: nn.init.kaiming_uniform_(w, nonlinearity="tanh", generator=g),
    "kaiming_normal": lambda w, g: nn.init.kaiming_normal_(w, nonlinearity="tanh", generator=g),
    "orthogonal": lambda w, g: nn.init.orthogonal_(w, generator=g),
    "pytorch_default": lambda w, g: nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g),
}


@pytest.mark.parametrize("init", list(TORCH_INITS))
@pytest.mark.parametrize("shape", [(48, 32), (32, 48)])
def test_init_is_bit_identical_to_torch_nn_init(init: str, shape: tuple[int, int]) -> None:
    cfg = SimConfig(init=init, activation="tanh")
    ours, theirs = _weight(*shape), _weight(*shape)
    init_weight(ours, cfg, torch.Generator().manual_seed(7))
    TORCH_INITS[init](theirs, torch.Generator().manual_seed(7))
    assert torch.equal(ours, theirs)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "selu", "sigmoid", "linear"])
def test_kaiming_follows_torch_for_mode_and_activation(mode: str, activation: str) -> None:
    cfg = SimConfig(
        init="kaiming_normal", activation=activation, kaiming_mode=mode, leaky_slope=SLOPE
    )
    ours, theirs = _weight(40, 24), _weight(40, 24)
    init_weight(ours, cfg, torch.Generator().manual_seed(3))
    nn.init.kaiming_normal_(
        theirs,
        a=SLOPE,
        mode=mode,
        nonlinearity=activation,
        generator=torch.Generator().manual_seed(3),
    )
    assert torch.equal(ours, theirs)


@pytest.mark.parametrize("init", ["xavier_normal", "xavier_uniform", "orthogonal"])
def test_gain_override_matches_torch(init: str) -> None:
    cfg = SimConfig(init=init, gain=1.5)
    ours, theirs = _weight(40, 24), _weight(40, 24)
    init_weight(ours, cfg, torch.Generator().manual_seed(5))
    getattr(nn.init, f"{init}_")(theirs, gain=1.5, generator=torch.Generator().manual_seed(5))
    assert torch.equal(ours, theirs)


@pytest.mark.parametrize("init", list(TORCH_INITS))
def test_init_statistics_match_the_formulas(init: str) -> None:
    """The sample std of a 512 x 256 matrix is within 5 standard errors (sigma / sqrt(2n)) of
    the std `theory.weight_std` computes from torch's formulas."""
    cfg = SimConfig(init=init, activation="relu")
    w = _weight(512, 256, torch.float64)
    init_weight(w, cfg, torch.Generator().manual_seed(11))
    expected = theory.weight_std(cfg, fan_in=256, fan_out=512)
    assert float(w.std()) == pytest.approx(expected, rel=5 / math.sqrt(2 * w.numel()))
    if init in ("uniform", "xavier_uniform", "kaiming_uniform", "pytorch_default"):
        assert float(w.abs().max()) <= expected * math.sqrt(3) + 1e-12


def test_nn_linear_default_bias_bound() -> None:
    cfg = SimConfig(depth=1, width=64, input_dim=100, bias_init="pytorch_default")
    net = build_network(cfg, torch.Generator().manual_seed(0))
    assert float(net.biases[0].detach().abs().max()) <= 1 / math.sqrt(100)
    assert float(net.weights[0].detach().abs().max()) <= 1 / math.sqrt(100)


@pytest.mark.parametrize("name", ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"])
def test_gains_equal_torch_calculate_gain(name: str) -> None:
    param = SLOPE if name == "leaky_relu" else None
    assert theory.gain(name, SLOPE) == pytest.approx(nn.init.calculate_gain(name, param))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_torch_module(name: str) -> None:
    modules = {
        "linear": nn.Identity(),
        "sigmoid": nn.Sigmoid(),
        "tanh": nn.Tanh(),
        "relu": nn.ReLU(),
        "leaky_relu": nn.LeakyReLU(SLOPE),
        "elu": nn.ELU(),
        "gelu": nn.GELU(),
        "selu": nn.SELU(),
    }
    z = torch.linspace(-6, 6, 1001, dtype=torch.float64)
    assert torch.equal(activations.apply(name, z, SLOPE), modules[name](z))


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_derivative_matches_autograd(name: str, dtype: torch.dtype) -> None:
    z = torch.linspace(-8, 8, 1601, dtype=dtype).requires_grad_()  # includes z = 0 exactly
    (grad,) = torch.autograd.grad(activations.apply(name, z, SLOPE).sum(), z)
    with torch.no_grad():
        ours = activations.derivative(name, z, SLOPE)
        out = activations.apply(name, z, SLOPE)
        from_output = activations.derivative(name, z, SLOPE, out=out)
    tol = {"rtol": 1e-6, "atol": 1e-7} if dtype == torch.float32 else {"rtol": 1e-12, "atol": 1e-14}
    torch.testing.assert_close(ours, grad, **tol)
    torch.testing.assert_close(from_output, grad, **tol)


def _module_network(cfg: SimConfig) -> tuple[nn.Sequential, list[nn.Module]]:
    """The same network as the engine builds, from nn modules with the engine's weights."""
    net = build_network(cfg, generators(cfg.seed)[0])
    sizes = (cfg.in_features, *cfg.widths, cfg.out_features)
    layers: list[nn.Module] = []
    hidden: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        linear = nn.Linear(fan_in, fan_out, bias=cfg.bias, dtype=net.weights[i].dtype)
        with torch.no_grad():
            linear.weight.copy_(net.weights[i])
            if cfg.bias:
                linear.bias.copy_(net.biases[i])
        layers.append(linear)
        if i < cfg.depth:
            act = {
                "tanh": nn.Tanh(),
                "relu": nn.ReLU(),
                "gelu": nn.GELU(),
                "sigmoid": nn.Sigmoid(),
            }[cfg.activation]
            block = (
                nn.Sequential(
                    nn.LayerNorm(fan_out, elementwise_affine=False, dtype=net.weights[i].dtype), act
                )
                if cfg.norm == "layer"
                else act
            )
            layers.append(block)
            hidden.append(block)
    return nn.Sequential(*layers), hidden


@pytest.mark.parametrize(
    ("cfg", "clip"),
    [
        (SimConfig(depth=4, width=32, batch=16, activation="tanh", clip_norm=0.05), "norm"),
        (
            SimConfig(
                depth=4, width=32, batch=16, activation="relu", clip_norm=0.05, clip_norm_type=1.0
            ),
            "norm",
        ),
        (
            SimConfig(
                depth=4, width=32, batch=16, activation="gelu", clip_norm=0.01, clip_norm_type="inf"
            ),
            "norm",
        ),
        (SimConfig(depth=4, width=32, batch=16, activation="sigmoid", clip_value=0.001), "value"),
        (
            SimConfig(
                depth=3,
                width=32,
                batch=16,
                activation="tanh",
                norm="layer",
                bias=False,
                clip_norm=0.05,
            ),
            "norm",
        ),
    ],
)
def test_gradients_and_clipping_match_torch_modules(cfg: SimConfig, clip: str) -> None:
    result = simulate(cfg)
    model, _ = _module_network(cfg)
    task = make_task(cfg, generators(cfg.seed)[1])
    loss = nn.functional.mse_loss(model(task.x), task.target)
    loss.backward()
    params = list(model.parameters())
    weights = [p for p in params if p.dim() == 2]
    grads_before = [p.grad.clone() for p in params]
    if clip == "norm":
        total = nn.utils.clip_grad_norm_(params, cfg.clip_norm, cfg.clip_norm_type)
    else:
        total = nn.utils.get_total_norm([p.grad for p in params], cfg.clip_norm_type)
        nn.utils.clip_grad_value_(params, cfg.clip_value)
    after = nn.utils.get_total_norm([p.grad for p in params], cfg.clip_norm_type)
    assert result.loss == pytest.approx(loss.item(), rel=1e-6)
    assert result.total_grad_norm == pytest.approx(float(total), rel=1e-5)
    assert result.clipped_grad_norm == pytest.approx(float(after), rel=1e-5)
    assert result.clipped_grad_norm < result.total_grad_norm
    flat_before = torch.cat([g.reshape(-1) for g in grads_before])
    flat_after = torch.cat([p.grad.reshape(-1) for p in params])
    cosine = float(torch.nn.functional.cosine_similarity(flat_before, flat_after, dim=0))
    assert result.clip_cosine == pytest.approx(cosine, abs=1e-6)
    measured = [layer.weight_grad_norm for layer in result.layers]
    reference = [float(torch.linalg.vector_norm(g)) for g in grads_before if g.dim() == 2]
    assert measured == pytest.approx(reference[: cfg.depth], rel=1e-5)
    assert result.readout_grad_norm == pytest.approx(reference[-1], rel=1e-5)
    weight_grads = [g for g in grads_before if g.dim() == 2]
    for layer, w, g in zip(result.layers, weights, weight_grads, strict=False):
        # Cancellation-limited (exactly 0 in theory under layer norm): compare at the scale
        # of |W| |dL/dW|.
        scale = float(torch.linalg.vector_norm(w.detach()) * torch.linalg.vector_norm(g))
        assert layer.w_dot_grad == pytest.approx(float((w.detach() * g).sum()), abs=1e-5 * scale)


def _record(modules: list[nn.Module]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Lists that fill with each module's input and output on the next forward pass."""
    inputs: list[torch.Tensor] = []
    outputs: list[torch.Tensor] = []

    def hook(_module: nn.Module, args: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        inputs.append(args[0].detach())
        outputs.append(out.detach())

    for module in modules:
        module.register_forward_hook(hook)
    return inputs, outputs


def test_layer_statistics_match_direct_computation() -> None:
    cfg = SimConfig(depth=3, width=48, batch=64, activation="tanh", init="normal", init_std=0.3)
    result = simulate(cfg)
    model, hidden = _module_network(cfg)
    pre, outputs = _record(hidden)
    model(make_task(cfg, generators(cfg.seed)[1]).x)
    threshold = theory.saturation_threshold("tanh")
    for layer, z, h in zip(result.layers, pre, outputs, strict=True):
        d = activations.derivative("tanh", z.detach())
        assert layer.activation_mean == pytest.approx(h.mean().item(), abs=1e-6)
        assert layer.activation_std == pytest.approx(float(h.std(correction=0)), rel=1e-5)
        assert layer.preactivation_std == pytest.approx(float(z.std(correction=0)), rel=1e-5)
        assert layer.saturation == float((d < threshold).double().mean())
        assert layer.dead_fraction == float((d == 0).all(dim=0).double().mean())
        assert layer.saturation > 0
        assert layer.histogram is not None
        assert sum(layer.histogram.counts) == min(64, 4096 // 48) * 48


def test_dead_units_are_units_with_zero_gradient_for_every_example() -> None:
    cfg = SimConfig(
        depth=2, width=64, batch=32, activation="relu", bias_init="normal", bias_std=3.0
    )
    result = simulate(cfg)
    model, hidden = _module_network(cfg)
    _, outputs = _record(hidden)
    model(make_task(cfg, generators(cfg.seed)[1]).x)
    for layer, h in zip(result.layers, outputs, strict=True):
        assert layer.dead_fraction == float((h == 0).all(dim=0).double().mean())
    assert result.layers[0].dead_fraction > 0


@pytest.mark.parametrize(
    ("optimizer", "momentum", "weight_decay"),
    [("sgd", 0.9, 0.0), ("sgd", 0.0, 0.01), ("adam", 0.9, 0.0), ("adam", 0.8, 0.05)],
)
def test_optimizer_steps_are_bit_identical_to_torch_optim(
    optimizer: str, momentum: float, weight_decay: float
) -> None:
    cfg = SimConfig(optimizer=optimizer, lr=0.01, momentum=momentum, weight_decay=weight_decay)
    gen = torch.Generator().manual_seed(0)
    ours = [torch.randn(5, 4, generator=gen).requires_grad_() for _ in range(3)]
    theirs = [p.detach().clone().requires_grad_() for p in ours]
    if optimizer == "adam":
        reference = torch.optim.Adam(
            theirs, lr=0.01, betas=(momentum, 0.999), weight_decay=weight_decay
        )
    else:
        reference = torch.optim.SGD(theirs, lr=0.01, momentum=momentum, weight_decay=weight_decay)
    mine = Optimizer(cfg, ours)
    for _ in range(5):
        for a, b in zip(ours, theirs, strict=True):
            g = torch.randn(5, 4, generator=gen)
            a.grad, b.grad = g.clone(), g.clone()
        mine.step()
        reference.step()
        for a, b in zip(ours, theirs, strict=True):
            assert torch.equal(a, b)
