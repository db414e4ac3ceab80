"""What expressions see of a simulation: the documented fields, layers indexed from 1.

Simulations run lazily, on the first expression that reads them, so a simulation that only
feeds a figure costs nothing until the figure is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from quizsvc.content.expr import SIM_SERIES_FIELDS, Record, Series, StepSeries
from quizsvc.sim import SimResult, time_metric_names


def sim_record(result: SimResult) -> Record:
    """The fields of ``result`` that templates may read (see docs/authoring.md): per-layer
    series for an mlp, per-time-step series for a recurrent network."""
    cfg = result.config
    fields: dict[str, object] = (
        {
            name: Series(result.time_metric(name), name, "time step")
            for name in time_metric_names(cfg.gates)
        }
        if cfg.recurrent
        else {name: Series(result.metric(name), name) for name in SIM_SERIES_FIELDS}
    )
    steps = [s.step for s in result.steps]
    fields.update(
        depth=cfg.depth,
        seq_len=cfg.seq_len,
        hidden=cfg.hidden,
        loss=result.loss,
        total_grad_norm=result.total_grad_norm,
        clipped_grad_norm=result.clipped_grad_norm,
        readout_grad_norm=result.readout_grad_norm,
        clip_cosine=result.clip_cosine,
        diverged_at=result.diverged_at,
        step_loss=StepSeries(steps, [s.loss for s in result.steps], "step_loss"),
        step_grad_norm=StepSeries(
            steps, [s.total_grad_norm for s in result.steps], "step_grad_norm"
        ),
        step_clipped_grad_norm=StepSeries(
            steps, [s.clipped_grad_norm for s in result.steps], "step_clipped_grad_norm"
        ),
    )
    return Record(f"recurrent ({cfg.arch}) simulation" if cfg.recurrent else "simulation", fields)


class Env(Mapping[str, object]):
    """Parameters and values, plus simulations computed on first use."""

    def __init__(self, names: dict[str, object], sims: dict[str, Callable[[], Record]]) -> None:
        self.names = names
        self.sims = sims
        self._records: dict[str, Record] = {}

    def __getitem__(self, key: str) -> object:
        if key in self.names:
            return self.names[key]
        if key in self.sims:
            if key not in self._records:
                self._records[key] = self.sims[key]()
            return self._records[key]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return key in self.names or key in self.sims

    def __iter__(self) -> Iterator[str]:
        yield from self.names
        yield from self.sims

    def __len__(self) -> int:
        return len(self.names) + len(self.sims)
