"""Recurrent networks (arch rnn, lstm, gru): torch's cells unrolled over time, and what they did.

The cell is torch's own (``nn.RNNCell``, ``nn.LSTMCell``, ``nn.GRUCell``: the per-step form of
``nn.RNN``, ``nn.LSTM`` and ``nn.GRU``, same parameters, same kernels), called once per time
step so that every state h_t (and LSTM cell state c_t) is a node of the autograd graph: one
backward pass then yields the total derivative dL/dh_t for every t, the quantity
backpropagation through time multiplies Jacobians into. A fused ``nn.LSTM`` call would hide
those intermediate states. A linear rnn (torch.nn.RNN has no identity nonlinearity) is the same
recurrence without phi, written with ``F.linear``.

The gates are not exposed by torch's cells; their statistics are recomputed after the pass from
the stored states in one batched product per sequence, with torch's gate order and formulas (a
test checks that the recomputed gates reproduce the cell's states exactly).

Initialisation, per gate block (each block is its own matrix, so an LSTM's four blocks are four
independent draws): input weights W_ih by ``cfg.init`` like an MLP layer of shape (hidden,
input); recurrent weights W_hh by ``cfg.recurrent_init`` with gain G: ``orthogonal`` (an
orthogonal matrix times G), ``normal`` (entries N(0, (G/sqrt(H))^2)) or ``identity`` (G times
the identity, the IRNN of Le et al. 2015). All three put the spectral radius at (about) G. Biases:
b_ih by ``cfg.bias_init``, the LSTM forget gate's block set to ``cfg.forget_bias``; b_hh zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from quizsvc.sim import activations, theory
from quizsvc.sim.config import SimConfig
from quizsvc.sim.network import dtype_of, init_bias, init_weight
from quizsvc.sim.result import TimeStepStats

#: The nonlinearity of each gate block (torch's order, `SimConfig.gates`).
_GATE_ACTIVATION = {
    "input": "sigmoid",
    "forget": "sigmoid",
    "candidate": "tanh",
    "output": "sigmoid",
    "reset": "sigmoid",
    "update": "sigmoid",
}


class _EngineInit:
    """Leaves the parameters as allocated: `build_recurrent` fills every one from the
    simulation's generator. torch's own init would draw from the global generator, and
    building on the meta device instead costs a multi-second import on first use."""

    def reset_parameters(self) -> None:
        pass


class _RNNCell(_EngineInit, nn.RNNCell):
    pass


class _LSTMCell(_EngineInit, nn.LSTMCell):
    pass


class _GRUCell(_EngineInit, nn.GRUCell):
    pass


_CELLS: dict[str, type[nn.Module]] = {"rnn": _RNNCell, "lstm": _LSTMCell, "gru": _GRUCell}


@dataclass
class RecurrentNet:
    """A recurrent cell's parameters (torch's layout: gate blocks stacked in W_ih and W_hh)
    and the readout from the last state. ``cell`` is None for a linear rnn."""

    cell: nn.Module | None
    weight_ih: Tensor
    weight_hh: Tensor
    bias_ih: Tensor | None
    bias_hh: Tensor | None
    readout_weight: Tensor
    readout_bias: Tensor | None

    def parameters(self) -> list[Tensor]:
        """Weights (input, recurrent, readout), then the biases: `readout_index` points in."""
        weights = [self.weight_ih, self.weight_hh, self.readout_weight]
        biases = [b for b in (self.bias_ih, self.bias_hh, self.readout_bias) if b is not None]
        return [*weights, *biases]

    @property
    def readout_index(self) -> int:
        return 2


@dataclass
class RecurrentTrace:
    """States h_1..h_T (and c_1..c_T for an LSTM, else empty) and the readout of h_T."""

    hidden: list[Tensor]
    cells: list[Tensor]
    output: Tensor

    def probes(self) -> list[Tensor]:
        """The tensors whose loss gradients are measured: every h_t, then every c_t."""
        return [*self.hidden, *self.cells]


def _fill_recurrent(w: Tensor, cfg: SimConfig, gen: torch.Generator) -> None:
    """One (H, H) block of W_hh, in place."""
    gain, size = cfg.recurrent_gain, w.shape[0]
    if cfg.recurrent_init == "orthogonal":
        nn.init.orthogonal_(w, gain=gain, generator=gen)
    elif cfg.recurrent_init == "normal":
        w.normal_(0.0, gain / math.sqrt(size), generator=gen)
    else:  # identity
        w.copy_(torch.eye(size, dtype=w.dtype)).mul_(gain)


def build_recurrent(cfg: SimConfig, gen: torch.Generator) -> RecurrentNet:
    """Initialise the cell and readout from ``gen`` (order: W_ih blocks, W_hh blocks, b_ih,
    readout weight, readout bias), without touching torch's global generator."""
    dtype, size, gates = dtype_of(cfg), cfg.hidden, len(cfg.gates)
    if cfg.activation == "linear":
        cell = None
        w_ih = torch.empty(gates * size, cfg.in_features, dtype=dtype)
        w_hh = torch.empty(gates * size, size, dtype=dtype)
        b_ih = torch.empty(gates * size, dtype=dtype) if cfg.bias else None
        b_hh = torch.empty(gates * size, dtype=dtype) if cfg.bias else None
    else:
        extra = {"nonlinearity": cfg.activation} if cfg.arch == "rnn" else {}
        cell = _CELLS[cfg.arch](cfg.in_features, size, bias=cfg.bias, dtype=dtype, **extra)
        w_ih, w_hh = cell.get_parameter("weight_ih"), cell.get_parameter("weight_hh")
        b_ih, b_hh = (
            (cell.get_parameter("bias_ih"), cell.get_parameter("bias_hh"))
            if cfg.bias
            else (None, None)
        )
    readout = torch.empty(cfg.out_features, size, dtype=dtype)
    readout_bias = torch.empty(cfg.out_features, dtype=dtype) if cfg.bias else None
    with torch.no_grad():
        for block in w_ih.chunk(gates):
            init_weight(block, cfg, gen)
        for block in w_hh.chunk(gates):
            _fill_recurrent(block, cfg, gen)
        if b_ih is not None and b_hh is not None:
            init_bias(b_ih, cfg, cfg.in_features, gen)
            if cfg.arch == "lstm":
                b_ih[size : 2 * size] = cfg.forget_bias
            b_hh.zero_()
        init_weight(readout, cfg, gen)
        if readout_bias is not None:
            init_bias(readout_bias, cfg, size, gen)
    tensors = [t for t in (w_ih, w_hh, b_ih, b_hh, readout, readout_bias) if t is not None]
    for t in tensors:
        t.requires_grad_()
    return RecurrentNet(cell, w_ih, w_hh, b_ih, b_hh, readout, readout_bias)


def forward_recurrent(net: RecurrentNet, cfg: SimConfig, x: Tensor) -> RecurrentTrace:
    """Unroll over ``x`` of shape (T, batch, input) from h_0 = c_0 = 0; read out h_T."""
    h = x.new_zeros(x.shape[1], cfg.hidden)
    c = h
    hidden, cells = [], []
    for x_t in x:
        if net.cell is None:
            h = F.linear(x_t, net.weight_ih, net.bias_ih) + F.linear(h, net.weight_hh, net.bias_hh)
        elif cfg.arch == "lstm":
            h, c = net.cell(x_t, (h, c))
            cells.append(c)
        else:
            h = net.cell(x_t, h)
        hidden.append(h)
    return RecurrentTrace(hidden, cells, F.linear(h, net.readout_weight, net.readout_bias))


#: Entries of gate pre-activations a statistics chunk holds: a few MB, so the passes over
#: them stay in cache instead of streaming (seq_len, batch, gates x hidden) tensors from memory.
_CHUNK_ENTRIES = 2**18


@torch.no_grad()
def gate_preactivations(
    net: RecurrentNet, cfg: SimConfig, x: Tensor, previous: Tensor
) -> dict[str, Tensor]:
    """Each gate block's pre-activation, shape (steps, batch, H), from the inputs ``x`` and the
    states h_(t-1) in ``previous`` of the same steps, with torch's formulas (GRU: the
    candidate's recurrent part is gated by r)."""
    from_input = F.linear(x, net.weight_ih, net.bias_ih)
    from_state = F.linear(previous, net.weight_hh, net.bias_hh)
    if cfg.arch != "gru":
        blocks = from_input.add_(from_state).chunk(len(cfg.gates), dim=-1)
        return dict(zip(cfg.gates, blocks, strict=True))
    a_r, a_z, a_n = from_input.chunk(3, dim=-1)
    b_r, b_z, b_n = from_state.chunk(3, dim=-1)
    reset = a_r.add_(b_r)
    return {
        "reset": reset,
        "update": a_z.add_(b_z),
        "candidate": a_n.addcmul_(torch.sigmoid(reset), b_n),
    }


@torch.no_grad()
def time_step_stats(
    net: RecurrentNet, cfg: SimConfig, x: Tensor, trace: RecurrentTrace, grads: list[Tensor]
) -> list[TimeStepStats]:
    """Per time step: ||dL/dh_t||, ||dL/dc_t|| (LSTM), the RMS of h_t, and per gate block the
    mean activation and the saturated fraction (|phi'(z)| under 10 % of its maximum, the MLP's
    definition). ``grads`` are the gradients of `RecurrentTrace.probes`."""
    steps = len(trace.hidden)
    hidden = torch.stack(trace.hidden)
    # Norms in float64: gradients that vanished to ~1e-25 are still float32 numbers, but their
    # squares would underflow to 0 in a float32 sum.
    columns = [
        torch.linalg.vector_norm(torch.stack(grads[:steps]).double(), dim=(1, 2)),
        torch.linalg.vector_norm(torch.stack(grads[steps:]).double(), dim=(1, 2))
        if trace.cells
        else torch.full((steps,), math.nan, dtype=torch.float64),
        hidden.square().mean(dim=(1, 2)).sqrt().double(),
    ]
    previous = torch.cat([torch.zeros_like(hidden[:1]), hidden[:-1]])
    chunk = max(1, _CHUNK_ENTRIES // (hidden[0].numel() * len(cfg.gates)))
    gate_columns: list[list[Tensor]] = []
    for start in range(0, steps, chunk):
        window = slice(start, start + chunk)
        pre = gate_preactivations(net, cfg, x[window], previous[window])
        gate_columns.append(
            [c for gate, z in pre.items() for c in _gate_columns(_activation(cfg, gate), z)]
        )
    columns += [torch.cat(parts).double() for parts in zip(*gate_columns, strict=True)]
    rows = torch.stack(columns).T.tolist()
    entries = hidden[0].numel()
    return [
        TimeStepStats(
            t=t + 1,
            hidden_grad_norm=row[0],
            cell_grad_norm=row[1],
            hidden_rms=row[2],
            gate_mean=dict(zip(cfg.gates, row[3::2], strict=True)),
            gate_saturation={g: n / entries for g, n in zip(cfg.gates, row[4::2], strict=True)},
        )
        for t, row in enumerate(rows)
    ]


def _activation(cfg: SimConfig, gate: str) -> str:
    """The nonlinearity applied to a gate block's pre-activation."""
    return _GATE_ACTIVATION.get(gate, cfg.activation)


def _gate_columns(activation: str, z: Tensor) -> tuple[Tensor, Tensor]:
    """Per step of one gate's ``z`` (steps, batch, H): the mean activation and the number of
    saturated entries (a count, divided in Python so the fraction is exact)."""
    value = activations.apply(activation, z)
    mean = value.mean(dim=(1, 2))
    slope = activations.derivative(activation, z, out=value)
    return mean, (slope < theory.saturation_threshold(activation)).sum(dim=(1, 2))
