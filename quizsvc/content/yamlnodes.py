"""YAML parsing that remembers where every key and value came from.

``yaml.safe_load`` throws positions away; problems must point at a line in the Markdown file, so
we compose the node graph and build dicts and lists that carry their marks, offset by the line
of the fence (or front matter) the YAML sits in.

Anchors and aliases (``&a``, ``*a``) are refused where they appear: nine aliases of nine
aliases expand a few lines into hundreds of millions of values ("billion laughs"), and no
lesson needs them. Nesting is bounded for the same reason (the composer recurses).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent, NodeEvent

from quizsvc.content.problems import Loc, Reporter


class YMap(dict[str, Any]):
    """A mapping that knows its own position and those of its keys and values."""

    loc: Loc
    key_locs: dict[str, Loc]
    value_locs: dict[str, Loc]
    block_keys: set[str]

    def key_loc(self, key: str) -> Loc:
        return self.key_locs.get(key, self.loc)

    def value_loc(self, key: str) -> Loc:
        return self.value_locs.get(key, self.loc)

    def text_line(self, key: str, offset: int) -> int:
        """File line of character ``offset`` in the text value of ``key`` (for placeholders)."""
        value = self.get(key)
        before = value[:offset].count("\n") if isinstance(value, str) else 0
        return self.value_loc(key).line + (1 if key in self.block_keys else 0) + before


class YList(list[Any]):
    """A sequence that knows its own position and those of its items."""

    loc: Loc
    item_locs: list[Loc]

    def item_loc(self, index: int) -> Loc:
        return self.item_locs[index] if 0 <= index < len(self.item_locs) else self.loc


MAX_NESTING = 50
_ALIAS_FIX = (
    "write the value out in full where it is needed; "
    "text that starts with * or & must be quoted: '*not* this'"
)


class _Refused(ComposerError):
    """A construct of valid YAML that lesson files may not use; ``fix`` says what to write."""

    def __init__(self, problem: str, at: NodeEvent, fix: str) -> None:
        mark = at.start_mark if isinstance(at.start_mark, yaml.Mark) else None
        super().__init__(None, None, problem, mark)
        self.fix = fix


class _LessonLoader(yaml.SafeLoader):
    """The safe loader without anchors or aliases, and with bounded nesting."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # The composer asks for a node only where one starts; the stub leaves this untyped.
        event: NodeEvent = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent) or event.anchor is not None:
            sign = "*" if isinstance(event, AliasEvent) else "&"
            raise _Refused(
                f"YAML anchors and aliases ({sign}{event.anchor}) are not allowed in lessons",
                event,
                _ALIAS_FIX,
            )
        if isinstance(event, CollectionStartEvent) and self.depth >= MAX_NESTING:
            raise _Refused(
                f"YAML nested more than {MAX_NESTING} levels deep",
                event,
                "flatten the structure; lessons need a few levels at most",
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def empty_map(loc: Loc | None = None) -> YMap:
    """A mapping with no keys yet (also standing in for front matter that could not be read)."""
    result = YMap()
    result.loc = loc or Loc(1)
    result.key_locs, result.value_locs, result.block_keys = {}, {}, set()
    return result


class _Converter:
    """Turns composed nodes into YMap/YList/scalars in file coordinates."""

    def __init__(self, line_offset: int, column_offset: int, reporter: Reporter) -> None:
        self.line_offset = line_offset
        self.column_offset = column_offset
        self.reporter = reporter
        self.scalars = SafeConstructor()

    def loc(self, node: yaml.Node) -> Loc:
        mark = node.start_mark
        return Loc(mark.line + 1 + self.line_offset, mark.column + 1 + self.column_offset)

    def convert(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node)
        if isinstance(node, yaml.SequenceNode):
            seq = YList(self.convert(item) for item in node.value)
            seq.loc = self.loc(node)
            seq.item_locs = [self.loc(item) for item in node.value]
            return seq
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if node.tag in ("tag:yaml.org,2002:value", "tag:yaml.org,2002:timestamp"):
            return str(node.value)
        if node.tag in ("tag:yaml.org,2002:binary", "tag:yaml.org,2002:set"):
            self.reporter.error(
                self.loc(node), f"unsupported YAML type {node.tag}", "write plain text or numbers"
            )
            return None
        try:
            return self.scalars.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.reporter.error(self.loc(node), f"YAML value not understood: {exc}", "quote it")
        except ValueError:  # a whole number of more than 4300 digits
            self.reporter.error(
                self.loc(node), f"number too long ({len(node.value)} characters)", "shorten it"
            )
        return None

    def mapping(self, node: yaml.MappingNode) -> YMap:
        result = empty_map(self.loc(node))
        for key_node, value_node in node.value:
            key = self.convert(key_node)
            if isinstance(key, (YMap, YList)) or key is None:
                self.reporter.error(self.loc(key_node), "a key must be a plain word", "fix the key")
                continue
            key = str(key)
            if key in result:
                self.reporter.error(
                    self.loc(key_node),
                    f"duplicate key {key!r} (first at line {result.key_locs[key].line})",
                    "keep one of them",
                )
                continue
            result[key] = self.convert(value_node)
            result.key_locs[key] = self.loc(key_node)
            result.value_locs[key] = self.loc(value_node)
            if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
                result.block_keys.add(key)
        return result


def _yaml_fix(detail: str) -> str:
    """The usual cause of each YAML complaint, as a fix an instructor can apply."""
    if "flow mapping" in detail or "flow sequence" in detail:
        return (
            "inside { } or [ ], quote values that contain [ ] { } or commas, e.g. "
            "key: '=net.weight_grad_norm[1]', or write the mapping one key per line"
        )
    if "mapping values are not allowed" in detail:
        return (
            "this text contains ': '; put the whole value in quotes, or write it as a block "
            "(key: |)"
        )
    if "found character '\\t'" in detail:
        return "indent with spaces, not tabs"
    return "check the indentation, and quote text that starts with * & ! % @ or `"


def parse_yaml(text: str, reporter: Reporter, line_offset: int, column_offset: int = 0) -> Any:
    """Parse one YAML document; syntax errors are reported (not raised) and give ``None``.

    ``line_offset`` is the number of file lines before the YAML's first line.
    """
    try:
        node = yaml.compose(text, Loader=_LessonLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        column = (mark.column + 1 if mark else 1) + column_offset
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if isinstance(exc, _Refused):
            reporter.error(Loc(line, column), detail, exc.fix)
        else:
            reporter.error(Loc(line, column), f"YAML syntax error: {detail}", _yaml_fix(detail))
        return None
    except yaml.YAMLError as exc:
        reporter.error(Loc(line_offset + 1, 1), f"YAML error: {exc}", "check the YAML syntax")
        return None
    if node is None:
        return None
    return _Converter(line_offset, column_offset, reporter).convert(node)
