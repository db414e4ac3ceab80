"""Fault tests use the web tests' fixture lessons, fast password hashing and a figure cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.web.helpers import configure


@pytest.fixture(scope="session")
def figure_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fault-figures")


@pytest.fixture
def app(app: Flask, figure_cache: Path) -> Flask:
    return configure(app, figure_cache)
