"""Where drawn figures are kept between requests, behind one small interface.

`FigureStore` is what the figure cache needs from a store: load a figure by key, and draw one
that is missing (and keep it). `DiskFigureStore` is the store of one host: a diskcache directory
(SQLite plus files) that every gunicorn worker on the host opens, bounded in bytes, dropping the
least recently *read* figures first. `SharedFigureStore` puts the database behind it, where every
instance and worker sees every figure: a figure is drawn once for all of them (the instance that
claims its row draws it, the others wait for it), and the disk stays a local layer in front.

diskcache pickles values unless told otherwise, and unpickling what an attacker wrote into the
cache directory runs their code (CVE-2025-69872, no fixed release). Figures are stored as JSON
text only, and `_TextOnlyDisk` refuses to unpickle anything it finds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol, cast

import diskcache
from sqlalchemy import Table, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from quizsvc.progress.models import utcnow
from quizsvc.progress.pool_models import StoredFigure
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

    def draw(self, key: str, make: Callable[[], Figure]) -> Figure:
        """Draw a figure that `load` did not find, and keep it; a shared store draws each key
        once for all its users."""
        ...


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

    def draw(self, key: str, make: Callable[[], Figure]) -> Figure:
        figure = make()
        self.save(key, figure)
        return figure

    def bytes_used(self) -> int:
        return int(self._cache.volume())

    def __len__(self) -> int:
        return len(self._cache)

    def __contains__(self, key: str) -> bool:
        return key in self._cache


# A claim older than this is taken over: its instance died while drawing (a figure takes 0.1 s).
CLAIM_TIMEOUT = timedelta(seconds=30)
WAIT_POLL_SECONDS = 0.05


class SharedFigureStore:
    """Figures in the database (table stored_figure), with this host's disk in front.

    Drawing is claimed: the first instance to insert the key's row draws and fills it, and the
    others poll for it instead of drawing the same figure again. A database that cannot answer
    costs a redraw, as with the disk.
    """

    def __init__(self, engine: Engine, local: DiskFigureStore) -> None:
        self.engine = engine
        self.local = local

    def load(self, key: str) -> Figure | None:
        figure = self.local.load(key)
        if figure is None:
            figure = self._load_shared(key)
            if figure is not None:
                self.local.save(key, figure)
        return figure

    def save(self, key: str, figure: Figure) -> None:
        self.local.save(key, figure)
        try:
            with self.engine.begin() as conn:
                changed = conn.execute(
                    update(StoredFigure)
                    .where(StoredFigure.key == key)
                    .values(svg=figure.svg, alt=figure.alt)
                ).rowcount
                if not changed:
                    conn.execute(
                        cast(Table, StoredFigure.__table__)
                        .insert()
                        .values(key=key, svg=figure.svg, alt=figure.alt, claimed_at=utcnow())
                    )
        except SQLAlchemyError:
            logger.warning("shared figure store unavailable for a write", exc_info=True)

    def draw(self, key: str, make: Callable[[], Figure]) -> Figure:
        deadline = time.monotonic() + CLAIM_TIMEOUT.total_seconds()
        while not self._claim(key):
            found = self._load_shared(key)
            if found is not None:
                self.local.save(key, found)
                return found
            if time.monotonic() > deadline:
                break  # the claim's owner is too slow: draw it here too
            time.sleep(WAIT_POLL_SECONDS)
        figure = make()
        self.save(key, figure)
        return figure

    def _claim(self, key: str) -> bool:
        """True when this caller should draw `key`: it inserted the claim, took over a stale
        one, or the database cannot answer (then everyone draws for themselves)."""
        now = utcnow()
        try:
            with self.engine.begin() as conn:
                claim = {"key": key, "svg": None, "alt": "", "claimed_at": now}
                conn.execute(cast(Table, StoredFigure.__table__).insert().values(**claim))
            return True
        except IntegrityError:
            pass
        except SQLAlchemyError:
            logger.warning("shared figure store unavailable for a claim", exc_info=True)
            return True
        try:
            with self.engine.begin() as conn:
                taken = conn.execute(
                    update(StoredFigure)
                    .where(
                        StoredFigure.key == key,
                        StoredFigure.svg.is_(None),
                        StoredFigure.claimed_at < now - CLAIM_TIMEOUT,
                    )
                    .values(claimed_at=now)
                ).rowcount
            return bool(taken)
        except SQLAlchemyError:
            return True

    def _load_shared(self, key: str) -> Figure | None:
        try:
            with self.engine.connect() as conn:
                row = conn.execute(
                    select(StoredFigure.svg, StoredFigure.alt).where(StoredFigure.key == key)
                ).first()
        except SQLAlchemyError:
            logger.warning("shared figure store unavailable for a read", exc_info=True)
            return None
        if row is None or row.svg is None:
            return None
        return Figure(svg=row.svg, alt=row.alt)

    def forget(self, key: str) -> None:
        """Drop a figure everywhere (tests; a figure stored by mistake)."""
        with self.engine.begin() as conn:
            conn.execute(delete(StoredFigure).where(StoredFigure.key == key))


def _remove_legacy_files(directory: Path) -> None:
    """Delete the one-JSON-file-per-figure layout of earlier releases (``ab/<key>.json``).

    Run once, when diskcache first takes over a directory: those files would otherwise fill the
    disk outside the size bound forever. diskcache itself writes only ``.val`` files.
    """
    for path in directory.glob("*/*.json"):
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: another file, or diskcache's own
            path.parent.rmdir()
