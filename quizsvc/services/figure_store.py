"""Where drawn figures are kept between requests, behind one small interface.

`FigureStore` is what the figure cache needs from a store: load a figure by key, save one.
`DiskFigureStore` is the store of one host: a diskcache directory (SQLite plus files) that every
gunicorn worker on the host opens, bounded in bytes, dropping the least recently *read* figures
first. A store shared by several hosts implements the same two methods and is layered with it in
`quizsvc.services.figures.open_figure_store`.

diskcache pickles values unless told otherwise, and unpickling what an attacker wrote into the
cache directory runs their code (CVE-2025-69872, no fixed release). Figures are stored as JSON
text only, and `_TextOnlyDisk` refuses to unpickle anything it finds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import diskcache

from quizsvc.settings import DEFAULT_FIGURE_CACHE_MAX_MB

logger = logging.getLogger("quizsvc.figures")

# How long a worker waits for another one's write before it gives up (a miss, not an error).
LOCK_TIMEOUT_SECONDS = 5.0
# A store that cannot answer costs a redraw, never the page.
_UNAVAILABLE = (diskcache.Timeout, sqlite3.Error, OSError)


@dataclass(frozen=True)
class Figure:
    svg: str  # an <svg> element, safe to place in a page
    alt: str


class FigureStore(Protocol):
    """A place that keeps figures by key beyond one process's memory."""

    def load(self, key: str) -> Figure | None:
        """The figure stored under ``key``, or None (missing, unreadable: draw it again)."""
        ...

    def save(self, key: str, figure: Figure) -> None: ...


class _TextOnlyDisk(diskcache.Disk):
    """diskcache's serialiser for str keys and values only: it never pickles or unpickles."""

    def put(self, key: Any) -> tuple[Any, bool]:
        if not isinstance(key, str):
            raise TypeError(f"figure keys are str, not {type(key).__name__}")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise OSError("pickled key refused")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = diskcache.UNKNOWN) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"figures are stored as text, not {type(value).__name__}")
        return super().store(value, read, key=key)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode not in (diskcache.core.MODE_RAW, diskcache.core.MODE_TEXT):
            raise OSError(f"stored value of mode {mode} refused")  # diskcache: a miss
        return super().fetch(mode, filename, value, read)


class DiskFigureStore:
    """Figures on this host's disk, shared by its worker processes, at most ``max_bytes``."""

    def __init__(
        self, directory: Path, max_bytes: int = DEFAULT_FIGURE_CACHE_MAX_MB * 2**20
    ) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        if not (directory / diskcache.core.DBNAME).exists():
            _remove_legacy_files(directory)
        self._cache = diskcache.Cache(
            str(directory),
            disk=_TextOnlyDisk,
            size_limit=max_bytes,
            eviction_policy="least-recently-used",  # reading a figure keeps it
            timeout=LOCK_TIMEOUT_SECONDS,
        )

    def load(self, key: str) -> Figure | None:
        try:
            text = self._cache.get(key)
        except _UNAVAILABLE:
            logger.warning("figure store %s unavailable for a read", self.directory, exc_info=True)
            return None
        if not isinstance(text, str):
            return None
        try:
            payload = json.loads(text)
            return Figure(svg=payload["svg"], alt=payload["alt"])
        except (ValueError, KeyError, TypeError):
            return None  # not a figure we wrote: draw it again, which overwrites it

    def save(self, key: str, figure: Figure) -> None:
        # diskcache writes a value's file before its row, so another worker never reads half a
        # figure, and evicts the least recently read ones whenever the store outgrows max_bytes.
        try:
            self._cache.set(key, json.dumps({"svg": figure.svg, "alt": figure.alt}))
        except _UNAVAILABLE:
            logger.warning("figure store %s unavailable for a write", self.directory, exc_info=True)

    def bytes_used(self) -> int:
        return int(self._cache.volume())

    def __len__(self) -> int:
        return len(self._cache)

    def __contains__(self, key: str) -> bool:
        return key in self._cache


def _remove_legacy_files(directory: Path) -> None:
    """Delete the one-JSON-file-per-figure layout of earlier releases (``ab/<key>.json``).

    Run once, when diskcache first takes over a directory: those files would otherwise fill the
    disk outside the size bound forever. diskcache itself writes only ``.val`` files.
    """
    for path in directory.glob("*/*.json"):
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: another file, or diskcache's own
            path.parent.rmdir()
