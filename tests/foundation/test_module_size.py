"""Small modules with names that explain themselves: none of quizsvc's grows past 450 lines
(issue 12), except the OpenAPI document, which is data written as Python."""

from __future__ import annotations

from pathlib import Path

import quizsvc

LIMIT = 450
DATA_TABLES = {"api/openapi.py"}


def test_no_module_grows_past_the_limit() -> None:
    root = Path(quizsvc.__file__).parent
    sizes = {
        path.relative_to(root).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in root.rglob("*.py")
    }
    assert len(sizes) > 100  # the package was found
    too_long = {name: n for name, n in sizes.items() if n > LIMIT and name not in DATA_TABLES}
    assert too_long == {}, f"split these modules (at most {LIMIT} lines): {too_long}"
