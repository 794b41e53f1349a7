"""A call script as typed, immutable data: the nodes an operator walks through and the fields they ask.

:func:`build` turns a document that passed the JSON Schema (:mod:`app.scripts.schema`) into these
classes; it trusts the shape and checks nothing else, so a document the linter would refuse still
builds (the runner copes with broken references, and the linter needs the typed form to find them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FieldType(StrEnum):
    """What an ``ask`` field takes, and so which input the panel shows and which value it stores."""

    TEXT = "text"
    SINGLE = "single"
    MULTI = "multi"
    NUMBER = "number"
    DATE = "date"
    PHONE = "phone"
    EMAIL = "email"
    YESNO = "yesno"


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    """What is stored and what conditions compare (``answers.reason == 'new_order'``)."""
    label: str
    """What the operator sees (plain text, not a template)."""


@dataclass(frozen=True, slots=True)
class Field:
    """One question of an ``ask`` node. ``id`` is unique in the script: answers are keyed by it."""

    id: str
    type: FieldType
    label: str
    required: bool = False
    hint: str = ""
    options: tuple[Option, ...] = ()
    min: float | str | None = None
    """Numbers: the smallest value; multi: the fewest options; dates: an ISO date, ``today`` or
    ``today + N`` / ``today - N`` (days)."""
    max: float | str | None = None
    integer: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    pattern_message: str = ""
    region: str = "RU"
    """Phones written without ``+`` are read as numbers of this country."""
    prefill: str = ""
    """A template for the value the input starts with (``{{ contact.city }}``); unused when it prints a
    missing value or does not pass the field's own checks."""


@dataclass(frozen=True, slots=True)
class Say:
    id: str
    text: str
    next: str | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class Ask:
    id: str
    fields: tuple[Field, ...]
    next: str | None = None
    text: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Case:
    when: str
    """A Jinja expression (no braces): ``answers.segment == 'vip' and contact.city``."""
    goto: str


@dataclass(frozen=True, slots=True)
class Branch:
    id: str
    cases: tuple[Case, ...]
    default: str | None
    """Mandatory: the linter refuses a branch without it; the runner treats a missing one as a fault."""
    title: str = ""


@dataclass(frozen=True, slots=True)
class SetVars:
    id: str
    vars: tuple[tuple[str, str], ...]
    """Name and expression, evaluated in order (a later one may use an earlier one)."""
    next: str | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class End:
    id: str
    outcome: str
    disposition: str
    """The disposition code the desktop pre-selects; the operator may still choose another."""
    text: str = ""
    title: str = ""


Node = Say | Ask | Branch | SetVars | End
SHOWN = (Say, Ask, End)
"""Kinds the operator sees; ``branch`` and ``set`` run on their own between them."""


@dataclass(frozen=True)
class Script:
    id: str
    version: int
    title: str
    language: str
    nodes: tuple[Node, ...]
    contact_fields: tuple[str, ...] = ()
    start: str = ""
    description: str = ""
    by_id: Mapping[str, Node] = field(default_factory=dict)
    """First node of each id (duplicates are a lint error; the runner uses the first)."""
    index: Mapping[str, int] = field(default_factory=dict)
    """Position of each node in ``nodes`` (for the linter's line numbers)."""
    fields: Mapping[str, Field] = field(default_factory=dict)
    owner: Mapping[str, str] = field(default_factory=dict)
    """Field id -> id of the ``ask`` node that asks it."""

    def kind(self, node: Node) -> str:
        return KIND_OF[type(node)]


KIND_OF: dict[type[Any], str] = {Say: "say", Ask: "ask", Branch: "branch", SetVars: "set", End: "end"}


def successors(node: Node) -> list[str]:
    """Ids a node can lead to, in order (a branch: its cases, then the default)."""
    if isinstance(node, Branch):
        targets = [case.goto for case in node.cases]
        return [*targets, node.default] if node.default is not None else targets
    if isinstance(node, End):
        return []
    return [node.next] if node.next is not None else []


def build(data: Mapping[str, Any]) -> Script:
    """Typed form of a document that conforms to the schema (shape is trusted, meaning is not)."""
    nodes = tuple(_node(n) for n in data["nodes"])
    by_id: dict[str, Node] = {}
    index: dict[str, int] = {}
    fields: dict[str, Field] = {}
    owner: dict[str, str] = {}
    for i, node in enumerate(nodes):
        if node.id not in by_id:
            by_id[node.id] = node
            index[node.id] = i
        if isinstance(node, Ask):
            for f in node.fields:
                if f.id not in fields:
                    fields[f.id] = f
                    owner[f.id] = node.id
    return Script(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        language=data["language"],
        description=data.get("description", ""),
        contact_fields=tuple(data.get("contact_fields", ())),
        start=data.get("start") or nodes[0].id,
        nodes=nodes,
        by_id=by_id,
        index=index,
        fields=fields,
        owner=owner,
    )


def _node(data: Mapping[str, Any]) -> Node:
    kind, node_id, title = data["kind"], data["id"], data.get("title", "")
    if kind == "say":
        return Say(node_id, data["text"], data.get("next"), title)
    if kind == "ask":
        fields = tuple(_field(f) for f in data["fields"])
        return Ask(node_id, fields, data.get("next"), data.get("text", ""), title)
    if kind == "branch":
        cases = tuple(Case(c["when"], c["goto"]) for c in data["cases"])
        return Branch(node_id, cases, data.get("default"), title)
    if kind == "set":
        return SetVars(node_id, tuple(data["vars"].items()), data.get("next"), title)
    return End(node_id, data["outcome"], data["disposition"], data.get("text", ""), title)


def _field(data: Mapping[str, Any]) -> Field:
    return Field(
        id=data["id"],
        type=FieldType(data["type"]),
        label=data["label"],
        required=data.get("required", False),
        hint=data.get("hint", ""),
        options=tuple(Option(o["value"], o["label"]) for o in data.get("options", ())),
        min=data.get("min"),
        max=data.get("max"),
        integer=data.get("integer", False),
        min_length=data.get("min_length"),
        max_length=data.get("max_length"),
        pattern=data.get("pattern"),
        pattern_message=data.get("pattern_message", ""),
        region=data.get("region", "RU"),
        prefill=data.get("prefill", ""),
    )
