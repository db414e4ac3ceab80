"""What expressions see of a simulation: the engine's readable fields, layers indexed from 1.

Simulations run lazily, on the first expression that reads them, so a simulation that only
feeds a figure costs nothing until the figure is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from quizsvc.content.expr import Record, Series, StepSeries
from quizsvc.sim import SimResult
from quizsvc.sim.fields import LAYER_FIELDS, SCALAR_FIELDS, STEP_FIELDS, scalar, step_trace


def sim_record(result: SimResult) -> Record:
    """Every field of ``quizsvc.sim.fields`` for ``result`` (see docs/authoring.md)."""
    fields: dict[str, object] = {name: Series(result.metric(name), name) for name in LAYER_FIELDS}
    fields.update({name: scalar(result, name) for name in SCALAR_FIELDS})
    for name in STEP_FIELDS:
        fields[name] = StepSeries(*step_trace(result, name), name)
    return Record("simulation", fields)


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
