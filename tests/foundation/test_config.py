"""The factory reads configuration in the documented order and refuses unsafe production set-ups."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizsvc import create_app
from quizsvc.config import DEV_SECRET_KEY, ConfigError


def test_defaults_put_sqlite_in_instance_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUIZSVC_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["DATABASE_URL"] == f"sqlite:///{Path(app.instance_path) / 'quizsvc.sqlite3'}"
    assert app.config["CONTENT_DIR"].endswith("content")


def test_environment_overrides_defaults_and_test_config_overrides_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("QUIZSVC_CONTENT_DIR", str(tmp_path))
    monkeypatch.setenv("QUIZSVC_LOG_LEVEL", "DEBUG")
    app = create_app({"TESTING": True, "LOG_LEVEL": "ERROR"})
    assert app.config["CONTENT_DIR"] == str(tmp_path)
    assert app.config["LOG_LEVEL"] == "ERROR"


def test_instance_config_sits_between_defaults_and_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("LOG_LEVEL = 'WARNING'\nSQL_ECHO = False\n")
    monkeypatch.setattr("quizsvc.app.Flask.auto_find_instance_path", lambda self: str(instance))
    assert create_app({"TESTING": True}).config["LOG_LEVEL"] == "WARNING"
    monkeypatch.setenv("QUIZSVC_LOG_LEVEL", "ERROR")
    assert create_app({"TESTING": True}).config["LOG_LEVEL"] == "ERROR"


def test_production_refuses_the_development_secret_key() -> None:
    with pytest.raises(ConfigError, match="QUIZSVC_SECRET_KEY"):
        create_app({"ENV": "production", "SECRET_KEY": DEV_SECRET_KEY})


@pytest.mark.parametrize("key", ["", "0123456789abcde"])  # none, and 15 characters
def test_production_refuses_a_missing_or_short_secret_key(key: str) -> None:
    with pytest.raises(ConfigError, match="QUIZSVC_SECRET_KEY"):
        create_app({"ENV": "production", "SECRET_KEY": key})


def test_production_refuses_a_short_secret_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QUIZSVC_ENV", "production")
    monkeypatch.setenv("QUIZSVC_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="QUIZSVC_SECRET_KEY"):
        create_app({"TESTING": True})
    monkeypatch.setenv("QUIZSVC_SECRET_KEY", "0123456789abcdef" * 4)
    assert create_app({"TESTING": True}).config["ENV"] == "production"


def test_production_accepts_a_real_secret_key() -> None:
    app = create_app({"ENV": "production", "SECRET_KEY": "x" * 64})
    assert app.config["ENV"] == "production"
