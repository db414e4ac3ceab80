"""The fixture lesson (every question kind, tiny networks) loaded once for the quiz tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizsvc.content import Catalog, load_catalog

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lessons"


@pytest.fixture(scope="session")
def toy() -> Catalog:
    catalog = load_catalog(FIXTURES / "good")
    assert catalog.problems == [], "\n".join(map(str, catalog.problems))
    return catalog
