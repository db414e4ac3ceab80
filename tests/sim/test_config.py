"""SimConfig validation: every limit, every choice, types, combinations and the FLOP budget."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from quizsvc.sim import (
    ACTIVATIONS,
    FLOP_BUDGET,
    INITS,
    LIMITS,
    SimConfig,
    ValidationError,
    estimate_flops,
)
from quizsvc.sim import config as config_module
from quizsvc.sim.limits import (
    CHOICES,
    FIELD_DOCS,
    INT_FIELDS,
    LSTM_FIELDS,
    RECURRENT_FIELDS,
    range_text,
)

# Each limit's boundary values, tested on a config small enough that the FLOP budget is not
# what stops it (steps at its maximum needs a small network); recurrent fields on an LSTM.
_MLP = {"depth": 2, "width": 8, "batch": 4}
_LSTM = {"arch": "lstm", "seq_len": 4, "hidden": 8, "batch": 4}
_NUMERIC = [f for f in LIMITS if f not in ("flops", "memory")]


def _bounds(field: str) -> tuple[float, float]:
    return LIMITS[field]


def _base(field: str) -> dict[str, object]:
    return _LSTM if field in (*RECURRENT_FIELDS, *LSTM_FIELDS) else _MLP


@pytest.mark.parametrize("field", _NUMERIC)
def test_limit_boundaries_are_accepted(field: str) -> None:
    lo, hi = _bounds(field)
    for value in (lo, hi):
        SimConfig.from_dict({**_base(field), field: value})


@pytest.mark.parametrize("field", _NUMERIC)
def test_values_beyond_each_limit_are_rejected_with_field_value_and_range(field: str) -> None:
    lo, hi = _bounds(field)
    is_int = field in INT_FIELDS or field == "width"
    step = 1 if is_int else max(abs(hi) * 1e-3, 1e-9)
    beyond = [lo - step] + ([] if math.isinf(hi) else [hi + step])
    if field == "clip_norm_type":
        beyond = [0.5]
    for value in beyond:
        if is_int:
            value = int(value)
        with pytest.raises(ValidationError) as info:
            SimConfig.from_dict({**_base(field), field: value})
        err = info.value
        assert (err.field, err.value) == (field, value)
        assert err.allowed == range_text(field)
        assert str(err) == f"{field}={value!r} is out of range: allowed {err.allowed}"


def test_range_text_reads_naturally() -> None:
    assert [range_text(f) for f in ("depth", "seed", "momentum", "clip_norm_type")] == [
        "1..256",
        "0..2147483647",
        "0..0.999",
        "1..inf",
    ]


def test_depth_message_matches_the_documented_form() -> None:
    with pytest.raises(ValidationError, match=r"^depth=500 is out of range: allowed 1\.\.256$"):
        SimConfig(depth=500)


@pytest.mark.parametrize("field", list(CHOICES))
def test_unknown_choice_names_the_choices(field: str) -> None:
    with pytest.raises(ValidationError) as info:
        SimConfig.from_dict({field: "nonsense"})
    assert info.value.field == field
    assert info.value.allowed == ", ".join(CHOICES[field])


def test_misspelt_activation_gets_a_suggestion() -> None:
    with pytest.raises(ValidationError) as info:
        SimConfig.from_dict({"activation": "rleu"})
    assert str(info.value) == (
        "activation='rleu' is not supported: did you mean 'relu'? allowed: "
        + ", ".join(ACTIVATIONS)
    )


def test_unknown_key_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(ValidationError) as info:
        SimConfig.from_dict({"dept": 3})
    assert info.value.field == "dept"
    assert "did you mean 'depth'?" in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("depth", True),
        ("depth", 2.5),
        ("depth", "3"),
        ("lr", "fast"),
        ("lr", math.nan),
        ("lr", False),
        ("bias", 1),
        ("width", []),
        ("width", [8, "x"]),
        ("activation", 3),
    ],
)
def test_wrong_types_are_rejected(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        SimConfig.from_dict({**_MLP, field: value})
    assert info.value.field == field


def test_numeric_text_is_accepted_for_numbers_as_yaml_produces_it() -> None:
    cfg = SimConfig.from_dict({"lr": "1e-3", "clip_norm_type": "inf"})
    assert cfg.lr == 1e-3 and math.isinf(cfg.clip_norm_type)
    assert cfg.to_dict()["clip_norm_type"] == "inf"


def test_width_list_must_have_one_entry_per_layer() -> None:
    assert SimConfig(depth=3, width=[8, 4, 2]).widths == (8, 4, 2)
    with pytest.raises(ValidationError) as info:
        SimConfig(depth=3, width=[8, 4])
    assert info.value.field == "width"


def test_clip_by_norm_and_by_value_together_is_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        SimConfig(clip_norm=1.0, clip_value=0.5)
    assert info.value.field == "clip_value"


def test_batch_norm_needs_two_examples() -> None:
    with pytest.raises(ValidationError) as info:
        SimConfig(norm="batch", batch=1)
    assert info.value.field == "batch"


def test_flop_budget_is_checked_before_running() -> None:
    with pytest.raises(ValidationError) as info:
        SimConfig(depth=200, width=2048, batch=1024)
    err = info.value
    assert err.field == "flops" and err.value > FLOP_BUDGET
    assert "exceeds the budget" in str(err)


def test_flop_estimate_grows_with_work_and_doubles_for_float64() -> None:
    base = SimConfig(depth=10, width=64)
    assert estimate_flops(base.replace(depth=20)) > estimate_flops(base)
    assert estimate_flops(base.replace(steps=10)) > estimate_flops(base)
    assert estimate_flops(base.replace(seeds=3)) == pytest.approx(3 * estimate_flops(base))
    assert estimate_flops(base.replace(dtype="float64")) == 2 * estimate_flops(base)
    assert estimate_flops(base.replace(init="orthogonal")) > estimate_flops(base)


def test_to_dict_is_canonical_json_and_round_trips() -> None:
    cfg = SimConfig(depth=3, width=(8, 4, 2), lr=1, gain=2)
    data = cfg.to_dict()
    assert list(data) == [f.name for f in dataclasses.fields(SimConfig)]
    assert data["width"] == [8, 4, 2] and data["lr"] == 1.0 and isinstance(data["lr"], float)
    assert SimConfig.from_dict(json.loads(json.dumps(data))) == cfg


def test_replace_returns_a_validated_copy() -> None:
    cfg = SimConfig()
    assert cfg.replace(seed=3).seed == 3 and cfg.seed == 0
    with pytest.raises(ValidationError):
        cfg.replace(depth=0)
    with pytest.raises(ValidationError):
        cfg.replace(detph=3)


def test_cache_key_is_stable_and_depends_on_config_and_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = SimConfig(depth=3)
    assert cfg.cache_key() == SimConfig(depth=3).cache_key()
    assert cfg.cache_key() != cfg.replace(seed=1).cache_key()
    key = cfg.cache_key()
    monkeypatch.setattr(config_module, "ENGINE_VERSION", "0.0.0-test")
    assert cfg.cache_key() != key


def test_every_field_is_documented_and_every_init_and_activation_listed() -> None:
    assert list(FIELD_DOCS) == [f.name for f in dataclasses.fields(SimConfig)]
    assert len(set(ACTIVATIONS)) == 8 and len(set(INITS)) == 8


def test_docs_list_every_field_and_limit() -> None:
    """docs/simulate.md documents the configuration; keep its table in step with the code."""
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "simulate.md").read_text(encoding="utf-8")
    for f in dataclasses.fields(SimConfig):
        assert f"\n| {f.name} | " in docs, f.name
    for field in _NUMERIC:
        assert range_text(field) in docs, field
