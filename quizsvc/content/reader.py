"""Typed, reporting access to parsed YAML mappings.

Validation code asks for "an int between 1 and 5 under difficulty" and gets a value or a default;
the wrong type is reported at the value's position with a fix, so one bad field never hides the
others.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from quizsvc.content.problems import Loc, Reporter, unknown_message
from quizsvc.content.yamlnodes import YList, YMap

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def type_name(value: object) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


class Reader:
    """Reads the fields of one YAML mapping (``what`` names it in messages)."""

    def __init__(self, data: YMap, reporter: Reporter, what: str, at: Loc | None = None) -> None:
        self.data = data
        self.rep = reporter
        self.what = what
        self.at: Loc = at if at is not None else getattr(data, "loc", Loc(1))

    def key_loc(self, key: str) -> Loc:
        return self.data.key_loc(key)

    def value_loc(self, key: str) -> Loc:
        return self.data.value_loc(key)

    def check_keys(
        self, allowed: Sequence[str], elsewhere: Mapping[str, str] | None = None
    ) -> None:
        """Report unknown keys, with did-you-mean; ``elsewhere`` explains keys of other kinds."""
        for key in self.data:
            if key in allowed:
                continue
            if elsewhere and key in elsewhere:
                self.rep.error(self.key_loc(key), f"{key!r} {elsewhere[key]}", f"remove {key}")
                continue
            message, fix = unknown_message(f"key in {self.what}", key, allowed)
            self.rep.error(self.key_loc(key), message, fix)

    def require(self, key: str, fix: str) -> bool:
        if key in self.data and self.data[key] is not None:
            return True
        self.rep.error(self.at, f"{self.what} has no {key}", fix)
        return False

    def _wrong(self, key: str, expected: str) -> None:
        got = type_name(self.data[key])
        self.rep.error(self.value_loc(key), f"{key} must be {expected}, not {got}", f"write {key}")

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        if key not in self.data:
            if required:
                self.require(key, f"add {key}: ...")
            return default
        value = self.data[key]
        if isinstance(value, bool) or value is None or isinstance(value, (YMap, YList)):
            self._wrong(key, "text")
            return default
        return str(value)

    def integer(self, key: str, lo: int, hi: int, *, default: int | None = None) -> int | None:
        if key not in self.data:
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.rep.error(
                self.value_loc(key),
                f"{key} must be a whole number from {lo} to {hi}, not {value!r}",
                f"write {key}: {lo}..{hi}",
            )
            return default
        return value

    def flag(self, key: str, default: bool) -> bool:
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, bool):
            self.rep.error(
                self.value_loc(key), f"{key} must be true or false, not {value!r}", "true or false"
            )
            return default
        return value

    def words(self, key: str, *, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
        """A list of short strings (a single string is a list of one)."""
        if key not in self.data or self.data[key] is None:
            return ()
        value = self.data[key]
        items = [value] if isinstance(value, (str, int, float)) else value
        if not isinstance(items, list) or not all(isinstance(v, (str, int, float)) for v in items):
            self._wrong(key, "a list of words like [a, b]")
            return ()
        result = tuple(str(v) for v in items)
        if pattern is not None:
            for i, word in enumerate(result):
                if not pattern.match(word):
                    loc = value.item_loc(i) if isinstance(value, YList) else self.value_loc(key)
                    self.rep.error(
                        loc,
                        f"{word!r} in {key} is not lowercase-with-dashes",
                        f"write {slugify(word)}",
                    )
        return result

    def mapping(self, key: str) -> YMap | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, YMap):
            self._wrong(key, "a mapping (key: value lines)")
            return None
        return value

    def sequence(self, key: str) -> YList | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, YList):
            self._wrong(key, "a list (lines starting with '- ')")
            return None
        return value

    def texts(self, key: str) -> tuple[tuple[str, int], ...]:
        """A list of Markdown texts (hints) with their lines; one text is a list of one."""
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return ((value, self.value_loc(key).line),)
        if isinstance(value, YList) and all(isinstance(v, str) for v in value):
            return tuple((v, value.item_loc(i).line) for i, v in enumerate(value))
        self._wrong(key, "a list of texts")
        return ()


def slugify(word: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-") or "my-id"


def as_map(value: Any, loc: Loc, rep: Reporter, what: str) -> YMap | None:
    """Report and drop a list item that should have been a mapping."""
    if isinstance(value, YMap):
        return value
    rep.error(
        loc, f"{what} must be a mapping, not {type_name(value)}", f"write {what} as key: value"
    )
    return None
