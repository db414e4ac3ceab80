"""SGD with momentum and Adam, step for step what ``torch.optim`` computes on CPU.

Why not ``torch.optim``: constructing its first optimiser imports ``torch._dynamo`` (0.9 s on an
idle 2-core machine, 2 s on a busy one), which the first training simulation of every process
(each CLI call, each web worker) would pay, and its per-step bookkeeping costs more than these
few tensor operations. The arithmetic below is torch's single-tensor path (the one CPU tensors
take) operation by operation, so results are bit-identical; a test checks that against
``torch.optim``.
"""

from __future__ import annotations

import torch
from torch import Tensor

from quizsvc.sim.config import SimConfig

ADAM_BETA2 = 0.999
ADAM_EPS = 1e-8


class Optimizer:
    """SGD (momentum = ``cfg.momentum``) or Adam (beta1 = ``cfg.momentum``), both with L2
    weight decay added to the gradient as torch's (not decoupled, AdamW-style) decay."""

    def __init__(self, cfg: SimConfig, params: list[Tensor]) -> None:
        self.params = params
        self.kind = cfg.optimizer
        self.lr = cfg.lr
        self.momentum = cfg.momentum
        self.weight_decay = cfg.weight_decay
        self.buffers: list[Tensor | None] = [None] * len(params)
        self.count = 0
        if self.kind == "adam":
            self.exp_avg = [torch.zeros_like(p) for p in params]
            self.exp_avg_sq = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self) -> None:
        """Update every parameter from its ``.grad``."""
        self.count += 1
        for i, param in enumerate(self.params):
            grad = param.grad
            assert grad is not None
            if self.weight_decay != 0:
                grad = grad.add(param, alpha=self.weight_decay)
            if self.kind == "adam":
                self._adam(i, param, grad)
            else:
                self._sgd(i, param, grad)

    def _sgd(self, i: int, param: Tensor, grad: Tensor) -> None:
        if self.momentum != 0:
            buf = self.buffers[i]
            if buf is None:
                buf = grad.detach().clone()
                self.buffers[i] = buf
            else:
                buf.mul_(self.momentum).add_(grad, alpha=1)
            grad = buf
        param.add_(grad, alpha=-self.lr)

    def _adam(self, i: int, param: Tensor, grad: Tensor) -> None:
        beta1, step = self.momentum, float(self.count)
        exp_avg, exp_avg_sq = self.exp_avg[i], self.exp_avg_sq[i]
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(ADAM_BETA2).addcmul_(grad, grad, value=1 - ADAM_BETA2)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - ADAM_BETA2**step
        step_size = self.lr / bias_correction1
        denom = (exp_avg_sq.sqrt() / bias_correction2**0.5).add_(ADAM_EPS)
        param.addcdiv_(exp_avg, denom, value=-step_size)
