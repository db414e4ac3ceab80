"""The `quizsvc` command: database commands, and one clear line for a bad database URL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizsvc.cli import main


def run_quizsvc(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "quizsvc.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def test_db_upgrade_current_check_downgrade(tmp_path: Path) -> None:
    env = {"QUIZSVC_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    runner = CliRunner()
    current = runner.invoke(main, ["db", "current"], env=env)
    assert "pending migrations" in current.output
    check = runner.invoke(main, ["db", "check"], env=env)
    assert check.exit_code == 1 and "quizsvc db upgrade" in check.output
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    assert "up to date" in runner.invoke(main, ["db", "current"], env=env).output
    check = runner.invoke(main, ["db", "check"], env=env)
    assert check.exit_code == 0, check.output
    down = runner.invoke(main, ["db", "downgrade", "base"], env=env)
    assert down.exit_code == 0 and "base" in down.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "cannot reach the database"),
        ("mongodb://localhost/quizsvc", "unsupported scheme"),
        ("not a url at all", "not a database URL"),
    ],
)
@pytest.mark.parametrize("command", [["db", "upgrade"], ["serve"]])
def test_bad_database_url_is_one_line_naming_the_variable(
    url: str, expected: str, command: list[str]
) -> None:
    result = run_quizsvc(*command, env={"QUIZSVC_DATABASE_URL": url})
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "QUIZSVC_DATABASE_URL" in lines[0] and expected in lines[0]
    assert "Traceback" not in result.stderr


def test_serve_refuses_a_database_with_pending_migrations(tmp_path: Path) -> None:
    result = run_quizsvc(
        "serve", env={"QUIZSVC_DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"}
    )
    assert result.returncode == 1
    assert "quizsvc db upgrade" in result.stderr


def test_production_without_secret_key_is_one_line() -> None:
    result = run_quizsvc("db", "current", env={"QUIZSVC_ENV": "production"})
    assert result.returncode == 1
    assert "QUIZSVC_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_flask_cli_reaches_the_same_commands(tmp_path: Path) -> None:
    env = {**os.environ, "QUIZSVC_DATABASE_URL": f"sqlite:///{tmp_path / 'f.sqlite3'}"}
    flask = Path(sys.executable).parent / "flask"
    result = subprocess.run(
        [str(flask), "--app", "quizsvc", "db", "upgrade"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "at revision" in result.stdout
