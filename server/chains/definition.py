"""A communication chain as typed data: its trigger and its steps (format: docs/chains.md).

A chain is a YAML (or JSON) document an admin writes, like a call script. It is checked by
:mod:`server.chains.lint` before it is stored; :func:`build` turns a checked document into a
:class:`Chain`, which the worker (:mod:`server.chains.steps`) walks one step at a time. Building never
raises on a document the linter passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

TriggerOn = Literal["disposition", "task_result"]
TRIGGERS: tuple[TriggerOn, ...] = ("disposition", "task_result")

STEP_KINDS = ("email", "sms", "send", "wait", "branch", "callback_task", "stop")
"""The keys that make a step what it is; a step has exactly one of them."""
REACTIONS = ("call", "disposition", "reply")
"""What counts as the client reacting, for a ``branch`` (all three unless it names some)."""
MAX_WAIT_HOURS = 24 * 90
"""A wait longer than a quarter is a typo, not a plan."""
MAX_STEPS = 100
"""Steps in one document (and steps one run may take: a guard behind the linter's "no loops")."""


@dataclass(frozen=True)
class Trigger:
    on: TriggerOn
    codes: frozenset[str] = frozenset()
    """Disposition codes (``event: disposition``) or task outcomes (``event: task_result``); empty: any."""
    queue: str | None = None
    segment: str | None = None
    fields: tuple[tuple[str, Any], ...] = ()
    """Contact fields that must hold these values (``custom.tariff: gold``, ``city: Пермь``)."""


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


@dataclass(frozen=True)
class Sms:
    text: str


@dataclass(frozen=True)
class Step:
    id: str
    kind: str
    next: str | None = None
    email: Email | None = None
    sms: Sms | None = None
    hours: float = 0.0
    """``wait``: how long; ``callback_task``: how long after now the task falls due."""
    reacted: str | None = None
    otherwise: str | None = None
    reactions: frozenset[str] = frozenset(REACTIONS)
    text: str = ""
    """``callback_task``: what the task says to the operator."""

    @property
    def sends(self) -> bool:
        return self.kind in ("email", "sms", "send")

    def successors(self) -> list[str]:
        if self.kind == "branch":
            return [t for t in (self.reacted, self.otherwise) if t is not None]
        return [self.next] if self.next is not None else []


@dataclass(frozen=True)
class Chain:
    id: str
    version: int
    name: str
    trigger: Trigger
    start: str
    steps: tuple[Step, ...]
    marketing: bool = False
    """Marketing messages need the contact's ``consent.marketing`` (and the channel's) to be yes."""
    by_id: Mapping[str, Step] = field(default_factory=dict)

    def step(self, step_id: str) -> Step:
        return self.by_id[step_id]


def _step(data: Mapping[str, Any]) -> Step:
    kind = next(k for k in STEP_KINDS if k in data)
    body = data.get(kind) or {}
    values: dict[str, Any] = {"id": str(data["id"]), "kind": kind, "next": data.get("next")}
    if kind in ("email", "send") and "subject" in body:
        values["email"] = Email(str(body.get("subject", "")), str(body.get("body", "")))
    if kind == "sms" or (kind == "send" and "sms" in body):
        values["sms"] = Sms(str(body["text"] if kind == "sms" else body["sms"]))
    if kind == "send" and "email" in body:
        mail = body["email"]
        values["email"] = Email(str(mail.get("subject", "")), str(mail.get("body", "")))
    if kind == "wait":
        values["hours"] = float(body.get("hours", 0)) + float(body.get("minutes", 0)) / 60
    if kind == "branch":
        values["reacted"], values["otherwise"] = body.get("reacted"), body.get("otherwise")
        if body.get("reactions"):
            values["reactions"] = frozenset(body["reactions"])
    if kind == "callback_task":
        values["text"] = str(body.get("text", ""))
        values["hours"] = float(body.get("in_hours", 0))
    return Step(**values)


def build(data: Mapping[str, Any]) -> Chain:
    """The typed chain of a document the linter passed."""
    trigger = data["trigger"]
    steps = tuple(_step(s) for s in data["steps"])
    fields = trigger.get("fields") or {}
    return Chain(
        id=str(data["id"]),
        version=int(data["version"]),
        name=str(data.get("name", data["id"])),
        trigger=Trigger(
            on=trigger["event"],
            codes=frozenset(str(c) for c in trigger.get("codes") or ()),
            queue=trigger.get("queue"),
            segment=trigger.get("segment"),
            fields=tuple(sorted((str(k), v) for k, v in fields.items())),
        ),
        start=str(data.get("start") or steps[0].id),
        steps=steps,
        marketing=bool(data.get("marketing", False)),
        by_id={s.id: s for s in steps},
    )
