"""Reading a script document from YAML (or JSON) while remembering where every value was written.

The linter reports ``FILE:LINE: message``, so the loader keeps, for every path in the document
(``("nodes", 3, "next")``), the line it starts on. PyYAML's composed node graph carries those marks;
we construct the plain data with the same loader and walk both trees side by side, which keeps the data
plain dicts and lists (what the server stores as JSON) rather than subclasses with line attributes.

Only the safe loader is used: a script comes from an admin's upload, never trusted with Python tags.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader

Path = tuple[str | int, ...]
"""Where a value sits in a document: keys and list indexes from the root."""

SOURCE_MAX = 2_000_000
"""Characters of a script file: four times the largest script a server stores."""


@dataclass(frozen=True)
class Lines:
    """Line numbers (1-based) of values in the source; empty for a document that came as JSON data."""

    by_path: Mapping[Path, int] = field(default_factory=dict)
    block: frozenset[Path] = frozenset()
    """Paths of block scalars (``|`` or ``>``), whose text begins on the line after the indicator."""

    def line(self, path: Path) -> int | None:
        """The line of ``path``, or of its closest ancestor that has one."""
        while True:
            found = self.by_path.get(path)
            if found is not None:
                return found
            if not path:
                return None
            path = path[:-1]

    def text_line(self, path: Path, offset: int) -> int | None:
        """The line of line ``offset`` (1-based) inside the text at ``path``."""
        start = self.line(path)
        if start is None:
            return None
        return start + (1 if path in self.block else 0) + max(offset - 1, 0)


class LoadError(ValueError):
    """The text is not a YAML (or JSON) mapping; ``line`` says where, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def load(text: str) -> tuple[dict[str, Any], Lines]:
    """Parse ``text`` (YAML; JSON is YAML too) into plain data and the line of every value."""
    if len(text) > SOURCE_MAX:
        raise LoadError(f"the file is {len(text)} characters, more than {SOURCE_MAX}")
    if "&" in text or "*" in text:
        _refuse_anchors(text)
    loader = _Loader(text)
    by_path: dict[Path, int] = {}
    block: set[Path] = set()
    try:
        node = loader.get_single_node()
        if node is None:
            raise LoadError("the file is empty", 1)
        _walk(node, (), by_path, block)  # before constructing: it refuses aliases (recursive data)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark is not None else None
        raise LoadError(f"not valid YAML: {exc.problem or exc.context}", where) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise LoadError(
            "a script is a mapping (id, version, title, language, nodes...)", node.start_mark.line + 1
        )
    return _jsonable(data), Lines(by_path, frozenset(block))


def _refuse_anchors(text: str) -> None:
    """Any anchor (``&name``) or alias (``*name``), even one never used: a script is read as written.

    A lone anchor is harmless to the loader but says the author meant to reuse something and did not; an
    alias of a scalar or a collection makes one edit change several places. Only texts with ``&`` or ``*``
    are scanned (a second, event-level parse), so ordinary scripts pay nothing.
    """
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                kind = "an alias" if isinstance(event, yaml.AliasEvent) else "an anchor"
                raise LoadError(
                    f"{kind} (&{anchor} / *{anchor}): anchors and aliases (& and *) are not allowed",
                    event.start_mark.line + 1,
                )
    except yaml.YAMLError:
        return  # the full load reports the syntax error with its line


def _walk(node: yaml.Node, path: Path, by_path: dict[Path, int], block: set[Path]) -> None:
    stack: list[tuple[yaml.Node, Path]] = [(node, path)]
    seen: set[int] = set()
    while stack:
        current, where = stack.pop()
        by_path[where] = current.start_mark.line + 1
        if isinstance(current, yaml.CollectionNode):
            if id(current) in seen:  # an alias: a shared (maybe recursive, maybe exponential) value
                raise LoadError("anchors and aliases (& and *) are not allowed", current.start_mark.line + 1)
            seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    if key.value in first:  # YAML keeps the last one silently: a lost `next:`
                        raise LoadError(
                            f"duplicate key {key.value!r} (first on line {first[key.value]})", line
                        )
                    first[key.value] = line
                    stack.append((value, (*where, key.value)))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, (*where, i)) for i, item in enumerate(current.value))
        elif isinstance(current, yaml.ScalarNode) and current.style in ("|", ">"):
            block.add(where)


def _jsonable(data: Any) -> Any:
    """YAML dates and times become ISO strings: a script is stored as JSON, which has neither."""
    if isinstance(data, dict):
        return {str(k): _jsonable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_jsonable(v) for v in data]
    if hasattr(data, "isoformat"):
        return data.isoformat()
    return data


def to_json(data: Mapping[str, Any]) -> str:
    """The document as the server stores it (compact JSON, non-ASCII kept)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
