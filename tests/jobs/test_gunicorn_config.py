"""gunicorn.conf.py says only what gunicorn understands: a misspelt setting is ignored without a
word (the control socket stayed on at ~/.gunicorn for every instance of a host that way)."""

from __future__ import annotations

import runpy
import types
from pathlib import Path

import pytest
from gunicorn.config import Config

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def settings(monkeypatch: pytest.MonkeyPatch, **environ: str) -> dict[str, object]:
    monkeypatch.delenv("QUIZSVC_CONTROL_SOCKET", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    namespace = runpy.run_path(str(CONF))
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_every_name_in_the_file_is_a_gunicorn_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    known = set(Config().settings)
    for environ in ({}, {"QUIZSVC_CONTROL_SOCKET": "/tmp/quizsvc-test.ctl"}):
        unknown = set(settings(monkeypatch, **environ)) - known
        assert not unknown, f"gunicorn ignores {sorted(unknown)}"


def test_the_control_socket_is_off_unless_an_instance_names_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert settings(monkeypatch).get("control_socket_disable") is True
    own = settings(monkeypatch, QUIZSVC_CONTROL_SOCKET="/tmp/quizsvc-test.ctl")
    assert own["control_socket"] == "/tmp/quizsvc-test.ctl"
    assert "control_socket_disable" not in own
