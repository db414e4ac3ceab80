"""quizsvc: learn, and be tested on, why deep networks are hard to train.

The package root imports nothing, so `import quizsvc.sim` (a notebook, a worker that only
simulates) loads neither Flask nor the database. `quizsvc.create_app`, the app factory that
`wsgi:app`, `flask --app quizsvc` and the `quizsvc` command use, lives in `quizsvc.app` and is
loaded on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizsvc.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from quizsvc.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
