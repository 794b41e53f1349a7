"""The chain linter: every problem in a chain document, as ``FILE:LINE: severity: message``.

The same function serves ``ringdesk-server chain lint`` (YAML with line numbers) and the API (JSON:
the message names the path, ``steps[2].next``). Errors make a chain unusable (the API refuses it
with 422, the command exits 1); warnings are worth a look. Rules, in order:

1. shape: the top-level keys, the trigger, each step having exactly one known kind (an unknown one is
   named with the closest known kind), the values each kind needs;
2. step ids: duplicates, ``start``/``next``/``reacted``/``otherwise`` naming unknown steps;
3. the graph: a chain must end. Any loop is an error (a chain that could go round forever, sending a
   client a message a day until they react, is what a rule must never do), as are dead ends (a step
   with no ``next`` that is not ``stop``) and unreachable steps (warning);
4. templates (Jinja, in the call scripts' sandbox, :mod:`app.scripts.templates`): syntax, filters,
   private names, and every name: ``contact.<field>`` (custom fields against the server's schema),
   ``trigger.<field>``, ``chain.<field>``; anything else is an unknown field;
5. the trigger's codes against the disposition catalogue, when one is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from app.scripts.analysis import analyse
from app.scripts.graph import analyse as analyse_graph
from app.scripts.lint import (
    CONTACT_FIELDS,
    Catalogue,
    LintFailed,
    Message,
    Severity,
    did_you_mean,
    dotted,
    in_document_order,
)
from app.scripts.loader import Lines, LoadError, Path, load
from server.chains.definition import MAX_STEPS, MAX_WAIT_HOURS, REACTIONS, STEP_KINDS, TRIGGERS

ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
TOP_KEYS = frozenset({"id", "version", "name", "description", "marketing", "trigger", "start", "steps"})
TRIGGER_KEYS = frozenset({"event", "codes", "queue", "segment", "fields"})
TRIGGER_FIELDS = frozenset({"kind", "code", "queue", "comment", "operator", "call_id", "outcome"})
CHAIN_FIELDS = frozenset({"id", "version", "name"})
ROOTS = ("contact", "trigger", "chain")
TASK_OUTCOMES = ("done", "not_reached", "sent_only")
SUBJECT_MAX, BODY_MAX, SMS_MAX = 200, 20_000, 1_000
KIND_KEYS: Mapping[str, frozenset[str]] = {
    "email": frozenset({"subject", "body"}),
    "sms": frozenset({"text"}),
    "send": frozenset({"email", "sms"}),
    "wait": frozenset({"hours", "minutes"}),
    "branch": frozenset({"reacted", "otherwise", "reactions"}),
    "callback_task": frozenset({"text", "in_hours"}),
    "stop": frozenset(),
}


class ChainInvalid(LintFailed):
    """A chain that does not lint."""


def lint_text(text: str, source: str, catalogue: Catalogue | None = None) -> list[Message]:
    try:
        data, lines = load(text)
    except LoadError as exc:
        message = str(exc).replace("a script is a mapping", "a chain is a mapping")
        return [Message(source, exc.line, (), "error", message)]
    return lint(data, lines, source, catalogue)


def lint(
    data: Mapping[str, Any],
    lines: Lines | None = None,
    source: str = "chain",
    catalogue: Catalogue | None = None,
) -> list[Message]:
    linter = _Linter(source, lines or Lines(), catalogue or Catalogue())
    linter.run(data)
    return in_document_order(linter.messages)


def errors(messages: Iterable[Message]) -> list[Message]:
    return [m for m in messages if m.severity == "error"]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Linter:
    def __init__(self, source: str, lines: Lines, catalogue: Catalogue) -> None:
        self.source, self.lines, self.catalogue = source, lines, catalogue
        self.messages: list[Message] = []

    def add(self, path: Path, text: str, severity: Severity = "error", line: int | None = None) -> None:
        where = line if line is not None else self.lines.line(path)
        self.messages.append(Message(self.source, where, path, severity, text))

    def run(self, data: Mapping[str, Any]) -> None:
        self._top(data)
        self._trigger(data.get("trigger"))
        steps = data.get("steps")
        if not isinstance(steps, list) or not steps:
            self.add(("steps",), "steps: a list of at least one step is required")
            return
        if len(steps) > MAX_STEPS:
            self.add(("steps",), f"{len(steps)} steps: a chain has at most {MAX_STEPS}")
            return
        kinds = [self._step(i, step) for i, step in enumerate(steps)]
        if any(kind is None for kind in kinds):
            return  # the graph of a chain with malformed steps would only repeat the same errors
        self._graph(data, steps)
        for path, source in _templates(steps):
            self._template(path, source)

    def _top(self, data: Mapping[str, Any]) -> None:
        for key in data:
            if key not in TOP_KEYS:
                self.add((key,), f"unknown key {key!r}" + did_you_mean(key, TOP_KEYS))
        chain_id = data.get("id")
        if not isinstance(chain_id, str) or not ID.match(chain_id):
            self.add(("id",), "id: 1-64 characters of a-z, 0-9, '_' and '-', starting with a letter or digit")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= 2**31 - 1:
            self.add(("version",), "version: a whole number from 1")
        name = data.get("name", "")
        if not isinstance(name, str) or len(name) > 200:
            self.add(("name",), "name: text of at most 200 characters")
        if not isinstance(data.get("marketing", False), bool):
            self.add(("marketing",), "marketing: true or false")

    def _trigger(self, trigger: Any) -> None:
        if not isinstance(trigger, dict):
            self.add(("trigger",), f"trigger: a mapping with 'event' ({' or '.join(TRIGGERS)}) is required")
            return
        for key in trigger:
            if key not in TRIGGER_KEYS:
                self.add(("trigger", key), f"trigger: unknown key {key!r}" + did_you_mean(key, TRIGGER_KEYS))
        on = trigger.get("event")
        if on not in TRIGGERS:
            self.add(("trigger", "event"), f"trigger.event: one of {', '.join(TRIGGERS)}, not {on!r}")
        codes = trigger.get("codes", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            self.add(("trigger", "codes"), "trigger.codes: a list of codes")
            codes = []
        known = self.catalogue.dispositions if on == "disposition" else frozenset(TASK_OUTCOMES)
        for j, code in enumerate(codes):
            if known is not None and code not in known:
                what = "disposition code" if on == "disposition" else "task outcome"
                self.add(("trigger", "codes", j), f"unknown {what} {code!r}" + did_you_mean(code, known))
        for key in ("queue", "segment"):
            if key in trigger and not isinstance(trigger[key], str):
                self.add(("trigger", key), f"trigger.{key}: text")
        fields = trigger.get("fields", {})
        if not isinstance(fields, dict):
            self.add(("trigger", "fields"), "trigger.fields: a mapping of contact field to value")
            return
        for name in fields:
            problem = self._contact_problem(tuple(str(name).split(".")))
            if problem:
                self.add(("trigger", "fields", name), problem)

    def _step(self, i: int, step: Any) -> str | None:
        path: Path = ("steps", i)
        if not isinstance(step, dict):
            self.add(path, f"step {i + 1}: a mapping with an id and one of {', '.join(STEP_KINDS)}")
            return None
        step_id = step.get("id")
        label = f"step {step_id!r}" if isinstance(step_id, str) else f"step {i + 1}"
        if not isinstance(step_id, str) or not ID.match(step_id):
            self.add((*path, "id"), f"{label}: id of 1-64 characters of a-z, 0-9, '_' and '-'")
        kinds = [k for k in step if k in STEP_KINDS]
        for key in step:
            if key not in STEP_KINDS and key not in ("id", "next"):
                self.add(
                    (*path, key),
                    f"{label}: unknown step {key!r}"
                    + did_you_mean(key, (*STEP_KINDS, "next"))
                    + f" (a step is one of {', '.join(STEP_KINDS)})",
                )
        if len(kinds) > 1:
            self.add(path, f"{label}: has {' and '.join(kinds)}: one kind per step")
            return None
        if not kinds:
            if all(k in ("id", "next") for k in step):
                self.add(path, f"{label}: says what it does with one of {', '.join(STEP_KINDS)}")
            return None
        kind = kinds[0]
        body = step[kind]
        if kind == "stop" and body is None:
            body = {}
        if not isinstance(body, dict):
            self.add((*path, kind), f"{label}: {kind} takes a mapping ({', '.join(sorted(KIND_KEYS[kind]))})")
            return None
        for key in body:
            if key not in KIND_KEYS[kind]:
                self.add(
                    (*path, kind, key), f"{label}: {kind} has no {key!r}" + did_you_mean(key, KIND_KEYS[kind])
                )
        if kind in ("branch", "stop"):
            if "next" in step:
                self.add(
                    (*path, "next"),
                    f"{label}: a {kind} has no next"
                    + (" (it goes to reacted or otherwise)" if kind == "branch" else ""),
                )
        elif not isinstance(step.get("next"), str):
            self.add(path, f"dead end: {label} has no next and is not a stop")
        self._kind_values(path, label, kind, body)
        return str(kind)

    def _kind_values(self, path: Path, label: str, kind: str, body: Mapping[str, Any]) -> None:
        def text(key: str, limit: int, where: Path, required: bool = True) -> None:
            value = body.get(key) if where[-1] == key else None
            if value is None and not required:
                return
            if not isinstance(value, str) or not value.strip() or len(value) > limit:
                self.add(where, f"{label}: {'.'.join(map(str, where[3:]))}: text of 1-{limit} characters")

        if kind == "email":
            text("subject", SUBJECT_MAX, (*path, kind, "subject"))
            text("body", BODY_MAX, (*path, kind, "body"))
        elif kind == "sms":
            text("text", SMS_MAX, (*path, kind, "text"))
        elif kind == "send":
            if not body:
                self.add((*path, kind), f"{label}: send names an email and/or an sms")
            mail, sms = body.get("email"), body.get("sms")
            if mail is not None and not (
                isinstance(mail, dict)
                and isinstance(mail.get("subject"), str)
                and isinstance(mail.get("body"), str)
            ):
                self.add((*path, kind, "email"), f"{label}: send.email: subject and body")
            if sms is not None and (not isinstance(sms, str) or not sms.strip() or len(sms) > SMS_MAX):
                self.add((*path, kind, "sms"), f"{label}: send.sms: text of 1-{SMS_MAX} characters")
        elif kind == "wait":
            hours = body.get("hours", 0)
            minutes = body.get("minutes", 0)
            if not (_number(hours) and _number(minutes)) or hours < 0 or minutes < 0:
                self.add((*path, kind), f"{label}: wait: hours and minutes are numbers from 0")
            elif not 0 < hours + minutes / 60 <= MAX_WAIT_HOURS:
                self.add((*path, kind), f"{label}: wait: more than 0 and at most {MAX_WAIT_HOURS} hours")
        elif kind == "branch":
            for key in ("reacted", "otherwise"):
                if not isinstance(body.get(key), str):
                    self.add((*path, kind), f"{label}: branch: {key} names the step to go to")
            on = body.get("reactions", list(REACTIONS))
            if not isinstance(on, list) or not on or any(r not in REACTIONS for r in on):
                self.add(
                    (*path, kind, "reactions"), f"{label}: branch.reactions: a list of {', '.join(REACTIONS)}"
                )
        elif kind == "callback_task":
            text("text", 2000, (*path, kind, "text"), required=False)
            hours = body.get("in_hours", 0)
            if not _number(hours) or not 0 <= hours <= MAX_WAIT_HOURS:
                self.add((*path, kind, "in_hours"), f"{label}: callback_task.in_hours: 0-{MAX_WAIT_HOURS}")

    def _graph(self, data: Mapping[str, Any], steps: list[dict[str, Any]]) -> None:
        ids = [str(s.get("id")) for s in steps]
        first: dict[str, int] = {}
        for i, step_id in enumerate(ids):
            if step_id in first:
                self.add(
                    ("steps", i, "id"), f"duplicate step id {step_id!r} (first at step {first[step_id] + 1})"
                )
            else:
                first[step_id] = i
        start = data.get("start", ids[0])
        refs: list[tuple[Path, Any]] = [(("start",), start)] if "start" in data else []
        succ: list[list[int]] = []
        for i, step in enumerate(steps):
            kind = next(k for k in step if k in STEP_KINDS)
            targets: list[tuple[Path, Any]] = []
            if kind == "branch":
                targets = [
                    (("steps", i, "branch", key), step["branch"].get(key)) for key in ("reacted", "otherwise")
                ]
            elif kind != "stop":
                targets = [(("steps", i, "next"), step.get("next"))]
            refs += targets
            succ.append([first[t] for _, t in targets if isinstance(t, str) and t in first])
        for path, target in refs:
            if isinstance(target, str) and target not in first:
                self.add(path, f"unknown step {target!r}" + did_you_mean(target, first))
        if not isinstance(start, str) or start not in first:
            return
        graph = analyse_graph(succ)
        reachable = graph.reachable_from(first[start])
        stops = [i for i, s in enumerate(steps) if "stop" in s]
        reported: set[int] = set()
        for i in range(len(steps)):
            if first.get(ids[i]) != i:
                continue
            if not reachable >> i & 1:
                self.add(
                    ("steps", i),
                    f"unreachable step {ids[i]!r}: nothing leads to it from {start!r}",
                    "warning",
                )
                continue
            c = graph.component[i]
            if graph.cyclic[c] and c not in reported:
                reported.add(c)
                loop = " -> ".join(repr(ids[m]) for m in sorted(graph.members[c])[:6])
                escape = any(graph.reachable_from(i) >> e & 1 for e in stops)
                self.add(
                    ("steps", i),
                    f"loop: {loop} can go round forever"
                    + ("" if escape else " and never reaches a stop")
                    + ": a chain must end (write the repeats out as steps)",
                )

    def _contact_problem(self, chain: tuple[str, ...]) -> str | None:
        if chain[0] not in CONTACT_FIELDS:
            return f"unknown contact field {chain[0]!r}" + did_you_mean(chain[0], CONTACT_FIELDS)
        custom = self.catalogue.custom_fields
        if chain[0] == "custom" and len(chain) > 1 and custom is not None and chain[1] not in custom:
            return f"unknown custom contact field {chain[1]!r} (not in the field schema)" + did_you_mean(
                chain[1], custom
            )
        return None

    def _template(self, path: Path, source: str) -> None:
        result = analyse(source, expression=False)
        if result.syntax:
            self.add(path, result.syntax[0], line=self.lines.text_line(path, result.syntax[1]))
            return
        for problem, lineno in result.problems:
            self.add(path, problem.replace("a script", "a chain"), line=self.lines.text_line(path, lineno))
        for root, keys, lineno in result.references:
            found = self._reference(root, keys)
            if found:
                self.add(path, found, line=self.lines.text_line(path, lineno))

    def _reference(self, root: str, keys: tuple[str, ...]) -> str | None:
        if root not in ROOTS:
            return f"unknown name {root!r} (a chain's templates can use {', '.join(ROOTS)})" + did_you_mean(
                root, ROOTS
            )
        if not keys:
            return None
        if root == "contact":
            return self._contact_problem(keys)
        known = TRIGGER_FIELDS if root == "trigger" else CHAIN_FIELDS
        if keys[0] not in known:
            return f"unknown field {root}.{keys[0]} (known: {', '.join(sorted(known))})" + did_you_mean(
                keys[0], known
            )
        return None


def _templates(steps: list[dict[str, Any]]) -> Iterator[tuple[Path, str]]:
    for i, step in enumerate(steps):
        for kind, body in step.items():
            if kind not in ("email", "sms", "send", "callback_task") or not isinstance(body, dict):
                continue
            for key, value in body.items():
                if isinstance(value, str):
                    yield ("steps", i, kind, key), value
                elif isinstance(value, dict):
                    for inner, text in value.items():
                        if isinstance(text, str):
                            yield ("steps", i, kind, key, inner), text


__all__ = ["Catalogue", "ChainInvalid", "Message", "dotted", "errors", "lint", "lint_text"]
