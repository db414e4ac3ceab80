"""The explorer's query string: any text parses to a state or to messages, never to a crash,
and a state written as a query string reads back as the same networks."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from quizsvc.services.explorer_state import (
    DEFAULT_METRIC,
    FIELDS,
    configs_query,
    parse,
    read_value,
)
from quizsvc.sim import SimConfig
from quizsvc.sim.limits import CHOICES

NAMES = [f"{side}.{name}" for side in "ab" for name in FIELDS] + ["compare", "metric", "stat"]
TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "0", "-1", "1e9", "nan", "inf", "on", "off", "64,32", "tanh", "lstm"]),
    st.integers(-10, 5000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), TEXT, max_size=8))
def test_any_query_parses_to_networks_or_to_messages(args: dict[str, str]) -> None:
    state = parse(args)
    for side in state.sides:
        assert (side.config is None) == bool(side.errors)
        assert all(message for message in side.errors.values())
    # The canonical query string reads back as the same state.
    again = parse(dict(parse_qsl(state.query())))
    assert [s.config for s in again.sides] == [s.config for s in state.sides]
    assert again.metric == state.metric and again.stat == state.stat


SMALL = st.fixed_dictionaries(
    {
        "depth": st.integers(1, 30),
        "width": st.one_of(st.integers(1, 64)),
        "activation": st.sampled_from(CHOICES["activation"]),
        "init": st.sampled_from(CHOICES["init"]),
        "gain": st.one_of(st.none(), st.floats(0.1, 3.0)),
        "bias": st.booleans(),
        "norm": st.sampled_from(CHOICES["norm"]),
        "residual_scale": st.floats(0.0, 2.0),
        "clip_norm": st.one_of(st.none(), st.floats(1e-3, 10.0)),
        "optimizer": st.sampled_from(CHOICES["optimizer"]),
        "lr": st.floats(0.0, 1.0),
        "steps": st.integers(0, 50),
        "seed": st.integers(0, 2**31 - 1),
    }
)


@settings(max_examples=100, deadline=None)
@given(SMALL, SMALL)
def test_two_valid_networks_survive_the_round_trip_exactly(a: dict, b: dict) -> None:
    query = configs_query([a, b])
    state = parse(dict(parse_qsl(query)))
    assert state.a.config == SimConfig.from_dict(a)
    assert state.b is not None and state.b.config == SimConfig.from_dict(b)


def test_one_network_turns_the_comparison_off() -> None:
    state = parse(dict(parse_qsl(configs_query([{"depth": 3}]))))
    assert state.b is None
    assert state.a.config == SimConfig(depth=3)


def test_fields_of_another_architecture_are_ignored_so_switching_keeps_the_form() -> None:
    state = parse({"a.arch": "mlp", "a.seq_len": "100", "a.depth": "4", "b.arch": "lstm",
                   "b.depth": "40", "b.forget_bias": "1", "b.activation": "tanh"})  # fmt: skip
    assert state.a.config == SimConfig(depth=4)
    assert state.b is not None
    assert state.b.config == SimConfig(arch="lstm", forget_bias=1.0)
    assert state.b.text["depth"] == "40"  # still in the form for a switch back
    # The form's "default of the architecture" activation follows the switch.
    assert parse({"a.arch": "lstm", "a.activation": ""}).a.config == SimConfig(arch="lstm")


def test_unreadable_text_is_a_message_on_its_field() -> None:
    state = parse({"a.depth": "deep", "b.width": "64,x"})
    assert "whole number" in state.a.errors["depth"]
    assert state.b is not None and "one per layer" in state.b.errors["width"]


def test_the_engine_refuses_what_the_cli_refuses_with_the_same_words() -> None:
    state = parse({"a.depth": "300", "b.activation": "swish"})
    assert state.a.errors == {"depth": "depth=300 is out of range: allowed 1..256"}
    assert state.b is not None and "swish" in state.b.errors["activation"]


def test_view_options_fall_back_to_their_defaults() -> None:
    assert parse({"metric": "nonsense"}).metric == DEFAULT_METRIC
    assert parse({"metric": "weight_grad_norm"}).metric == "weight_grad_norm"


def test_values_read_by_type() -> None:
    assert read_value("bias", "off") is False
    assert read_value("width", "64, 32") == [64, 32]
    assert read_value("gain", "") is None
    assert read_value("clip_norm_type", "inf") == float("inf")
    assert read_value("lr", "1e-3") == 0.001


def test_every_config_field_is_in_the_state() -> None:
    assert set(FIELDS) == {f.name for f in dataclasses.fields(SimConfig)}
