"""A generated question: what the learner sees and the private answer key.

The whole variant is stored (JSON) when an attempt starts, so grading never regenerates it and
a later change of the template or the engine cannot change an attempt already in progress.
``public_dict`` is the only form the browser may receive before the answer is in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Variant:
    """One variant of a template for one seed (see docs/authoring.md, "Variants").

    ``figures`` holds the prompt's figures first, then (plot_choice) one figure per option;
    an option's choice names its figure by index (``choice["figure"]``), and
    ``render_variant_figure(v, index)`` draws any of them. For ordering questions ``choices``
    holds the items to order. ``choices`` and ``answer_key`` are shaped by the kind
    (``quizsvc.kinds``).
    """

    template_id: str
    lesson_id: str
    kind: str
    seed: int
    content_hash: str
    engine_version: str
    params: dict[str, Any]
    prompt_html: str
    figures: list[dict[str, Any]]
    choices: list[dict[str, Any]]
    answer_key: dict[str, Any]
    explanation_html: str
    hints_html: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    difficulty: int = 1

    def to_dict(self) -> dict[str, Any]:
        """Everything, answer key included; JSON-safe (for storage, never for the browser)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Variant:
        return cls(**data)

    def public_dict(self) -> dict[str, Any]:
        """What the browser may see before answering: no key, no seed, no configurations.

        Figures are described by index, kind and caption only: their simulation settings would
        tell a plot_choice answer away. Choices keep only their id, html and figure index.
        Hints are left out: each is shown only once the learner asks for it (and it counts), so
        the service hands them out one at a time from the stored variant.
        """
        public_keys = ("id", "html", "figure", "section", "anchor")
        return {
            "template_id": self.template_id,
            "lesson_id": self.lesson_id,
            "kind": self.kind,
            "content_hash": self.content_hash,
            "engine_version": self.engine_version,
            "prompt_html": self.prompt_html,
            "figures": [
                {
                    "index": i,
                    "kind": f["kind"],
                    "role": f["role"],
                    "caption_html": f["caption_html"],
                }
                for i, f in enumerate(self.figures)
            ],
            "choices": [{k: c[k] for k in public_keys if k in c} for c in self.choices],
            "objectives": list(self.objectives),
            "difficulty": self.difficulty,
        }
