"""The script linter: every problem in a document, as ``FILE:LINE: severity: message``.

Errors make a script unusable (the server refuses it, ``ringdesk script lint`` exits 1); warnings are
worth a look but harmless. The same function serves the command line (YAML with line numbers) and the
server (JSON without: the message names the path instead, ``nodes[3].next``).

Rules, in the order they run:

1. the JSON Schema (shape); a document that fails it is not checked further;
2. duplicate node, field and option ids; references to unknown nodes (``start``, ``next``, ``goto``,
   ``default``);
3. the graph: unreachable nodes, dead ends (a step with no ``next``), loops with no way to an end;
4. templates and conditions: syntax, unknown filters, ``import``/``include``, names outside the data a
   script gets, private attributes (sandbox escapes), contact fields not in the field schema or not
   declared in ``contact_fields`` (warning), answers no field asks or asked only after their use,
   variables no ``set`` node sets;
5. fields: patterns that do not compile, impossible bounds;
6. branches that test a choice but leave some of its options to the default (warning);
7. disposition codes not in the catalogue (when one is given).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from app.scripts import templates
from app.scripts.analysis import analyse, tree_of
from app.scripts.checks import check_fields, coverage_gaps, pattern_warnings
from app.scripts.comparisons import comparison_problems
from app.scripts.graph import analyse as analyse_graph
from app.scripts.loader import Lines, LoadError, Path, load
from app.scripts.model import Ask, Branch, End, Say, Script, SetVars, build, successors
from app.scripts.schema import errors as schema_errors

Severity = Literal["error", "warning"]
CONTACT_FIELDS = frozenset(
    {"id", "name", "phones", "birthday", "city", "time_zone", "email", "segment", "preferred_channel",
     "consent", "custom"}
)  # fmt: skip
"""Standard fields of ``app.wire.contacts.ContactOut`` a template may read (a test keeps them in step)."""
OPERATOR_FIELDS = frozenset({"login", "name", "team"})
CALL_FIELDS = frozenset({"id", "queue", "direction", "number", "started_at"})


@dataclass(frozen=True)
class Message:
    source: str
    line: int | None
    path: Path
    severity: Severity
    text: str

    def format(self) -> str:
        where = (
            f"{self.source}:{self.line}" if self.line is not None else f"{self.source}:{dotted(self.path)}"
        )
        return f"{where}: {self.severity}: {self.text}"


@dataclass(frozen=True)
class Catalogue:
    """What a script (or a chain, ``server.chains.lint``) is checked against beyond itself; ``None``
    means "not known here, not checked"."""

    custom_fields: frozenset[str] | None = None
    dispositions: frozenset[str] | None = None


def dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(document)"


def lint_text(text: str, source: str, catalogue: Catalogue | None = None) -> list[Message]:
    """Lint a YAML or JSON document given as text."""
    try:
        data, lines = load(text)
    except LoadError as exc:
        return [Message(source, exc.line, (), "error", str(exc))]
    return lint(data, lines, source, catalogue)


def lint(
    data: Mapping[str, Any],
    lines: Lines | None = None,
    source: str = "script",
    catalogue: Catalogue | None = None,
) -> list[Message]:
    """Every problem in ``data`` (see the module notes), errors and warnings, in document order."""
    linter = _Linter(source, lines or Lines(), catalogue or Catalogue())
    linter.run(data)
    return in_document_order(linter.messages)


def in_document_order(messages: Iterable[Message]) -> list[Message]:
    """By line, errors before warnings on one line: the order an author fixes them in."""
    return sorted(messages, key=lambda m: (m.line or 0, m.severity != "error"))


class LintFailed(ValueError):
    """A document with errors; ``messages`` keeps the warnings too, for the author to see."""

    def __init__(self, messages: list[Message]) -> None:
        super().__init__("; ".join(m.format() for m in messages if m.severity == "error"))
        self.messages = messages


class ScriptInvalid(LintFailed):
    """A call script that does not lint."""


def checked_script(
    data: Mapping[str, Any], source: str = "script", catalogue: Catalogue | None = None
) -> Script:
    """The typed script when ``data`` lints without errors; :class:`ScriptInvalid` otherwise."""
    messages = lint(data, None, source, catalogue)
    if any(m.severity == "error" for m in messages):
        raise ScriptInvalid(messages)
    return build(data)


class _Linter:
    def __init__(self, source: str, lines: Lines, catalogue: Catalogue) -> None:
        self.source, self.lines, self.catalogue = source, lines, catalogue
        self.messages: list[Message] = []

    def add(self, path: Path, text: str, severity: Severity = "error", line: int | None = None) -> None:
        where = line if line is not None else self.lines.line(path)
        self.messages.append(Message(self.source, where, path, severity, text))

    def run(self, data: Mapping[str, Any]) -> None:
        if self._schema(data):
            return
        script = build(data)
        self._ids(script)
        self._graph(script)
        self._contact_fields(script)
        self._templates(script)
        for path, text in check_fields(script):
            self.add(path, text)
        for path, text in pattern_warnings(script):
            self.add(path, text, "warning")
        for i, node in enumerate(script.nodes):
            if isinstance(node, Branch):
                for text in coverage_gaps(script, node):
                    self.add(("nodes", i), text, "warning")
            elif isinstance(node, End) and not self._known_code(node.disposition):
                self.add(("nodes", i, "disposition"), f"unknown disposition code {node.disposition!r}")

    def _known_code(self, code: str) -> bool:
        return self.catalogue.dispositions is None or code in self.catalogue.dispositions

    def _schema(self, data: Mapping[str, Any]) -> bool:
        found = False
        for path, text in schema_errors(data):
            prefix = ""
            if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
                node = data["nodes"][path[1]]
                node_id = node.get("id") if isinstance(node, dict) else None
                prefix = f"node {node_id!r}: " if isinstance(node_id, str) else f"node {path[1] + 1}: "
            message = text if len(text) <= 200 else text[:200] + "…"
            inner = path[2:] if prefix else path
            self.add(path, f"{prefix}{dotted(inner) + ': ' if inner else ''}{message}")
            found = True
        return found

    def _ids(self, script: Script) -> None:
        seen_fields: set[str] = set()
        for i, node in enumerate(script.nodes):
            if script.index[node.id] != i:
                self.add(
                    ("nodes", i, "id"),
                    f"duplicate node id {node.id!r} (first at node {script.index[node.id] + 1})",
                )
            if isinstance(node, Ask):
                for j, spec in enumerate(node.fields):
                    if spec.id in seen_fields:
                        self.add(
                            ("nodes", i, "fields", j, "id"),
                            f"duplicate field id {spec.id!r}: answers are keyed by it",
                        )
                    seen_fields.add(spec.id)
        refs: list[tuple[Path, str]] = [(("start",), script.start)]
        for i, node in enumerate(script.nodes):
            if isinstance(node, Branch):
                refs += [(("nodes", i, "cases", j, "goto"), c.goto) for j, c in enumerate(node.cases)]
                if node.default is not None:
                    refs.append((("nodes", i, "default"), node.default))
            elif not isinstance(node, End) and node.next is not None:
                refs.append((("nodes", i, "next"), node.next))
        for path, target in refs:
            if target not in script.by_id:
                self.add(path, f"unknown node {target!r}" + did_you_mean(target, script.by_id))

    def _graph(self, script: Script) -> None:
        ids = [n.id for n in script.nodes]
        number = {node_id: i for i, node_id in enumerate(ids) if script.index[node_id] == i}
        succ = [[number[t] for t in successors(n) if t in number] for n in script.nodes]
        graph = analyse_graph(succ)
        self.graph, self.number = graph, number
        start = number.get(script.start)
        reachable = graph.reachable_from(start) if start is not None else 0
        ends = [i for i, n in enumerate(script.nodes) if isinstance(n, End)]
        for i, node in enumerate(script.nodes):
            if not isinstance(node, End | Branch) and node.next is None:
                self.add(
                    ("nodes", i),
                    f"dead end: {script.kind(node)} node {node.id!r} has no next and is not an end",
                )
            if not reachable >> i & 1 and script.index[node.id] == i:
                self.add(
                    ("nodes", i), f"unreachable node {node.id!r}: nothing leads to it from {script.start!r}"
                )
        self._automatic_loops(script, number)
        reported: set[int] = set()
        for i in range(len(ids)):
            c = graph.component[i]
            if not reachable >> i & 1 or c in reported or not graph.cyclic[c]:
                continue
            if not any(graph.reachable_from(i) >> e & 1 for e in ends):
                reported.add(c)
                loop = ", ".join(repr(ids[m]) for m in sorted(graph.members[c])[:6])
                self.add(("nodes", i), f"loop with no way out: {loop} never reach an end")

    def _automatic_loops(self, script: Script, number: Mapping[str, int]) -> None:
        """Branches that lead back to themselves through branches only: nothing the conditions read can
        change on the way (no answer is asked, no variable set), so once in, the runner never gets out."""
        branches = [isinstance(n, Branch) and script.index[n.id] == i for i, n in enumerate(script.nodes)]
        succ = [
            [number[t] for t in successors(n) if t in number and branches[number[t]]] if branches[i] else []
            for i, n in enumerate(script.nodes)
        ]
        graph = analyse_graph(succ)
        for c, members in enumerate(graph.members):
            if not graph.cyclic[c]:
                continue
            first = min(members)
            node = script.nodes[first]
            assert isinstance(node, Branch)
            if members == [first] and node.default == node.id:
                self.add(("nodes", first, "default"), f"branch {node.id!r}: its default leads back to itself")
            elif members == [first]:
                self.add(("nodes", first), f"branch {node.id!r} leads back to itself")
            else:
                loop = ", ".join(repr(script.nodes[m].id) for m in sorted(members)[:6])
                self.add(("nodes", first), f"branches {loop} lead round in a loop with nothing asked or set")

    def _contact_fields(self, script: Script) -> None:
        for j, name in enumerate(script.contact_fields):
            problem = self._contact_problem(tuple(name.split(".")))
            if problem:
                self.add(("contact_fields", j), problem)

    def _contact_problem(self, chain: tuple[str, ...]) -> str | None:
        if chain[0] not in CONTACT_FIELDS:
            return f"unknown contact field {chain[0]!r}" + did_you_mean(chain[0], CONTACT_FIELDS)
        custom = self.catalogue.custom_fields
        if chain[0] == "custom" and len(chain) > 1 and custom is not None and chain[1] not in custom:
            return f"unknown custom contact field {chain[1]!r} (not in the field schema)" + did_you_mean(
                chain[1], custom
            )
        return None

    def _templates(self, script: Script) -> None:
        setters = {name for n in script.nodes if isinstance(n, SetVars) for name, _ in n.vars}
        declared = set(script.contact_fields)
        for path, source, expression, node in _sources(script):
            result = analyse(source, expression=expression)
            if result.syntax:
                self.add(path, result.syntax[0], line=self._text_line(path, result.syntax[1], expression))
                continue
            if expression or "{%" in source:
                for problem, lineno in comparison_problems(script, tree_of(source, expression)):
                    self.add(path, problem, line=self._text_line(path, lineno, expression))
            for problem, lineno in result.problems:
                self.add(path, problem, line=self._text_line(path, lineno, expression))
            for root, chain, lineno in result.references:
                found, severity = self._reference(script, node, (root, chain), (setters, declared))
                if found:
                    self.add(path, found, severity, self._text_line(path, lineno, expression))

    def _text_line(self, path: Path, lineno: int, expression: bool) -> int | None:
        return self.lines.line(path) if expression else self.lines.text_line(path, lineno)

    def _reference(
        self,
        script: Script,
        node: int,
        ref: tuple[str, tuple[str, ...]],
        names: tuple[set[str], set[str]],
    ) -> tuple[str | None, Severity]:
        root, chain = ref
        setters, declared = names
        if root in templates.HELPERS:
            return None, "error"
        if root not in templates.ROOTS:
            usable = ", ".join(templates.ROOTS) + ", " + ", ".join(f"{h}()" for h in templates.HELPERS)
            return f"unknown name {root!r} (a script can use {usable})", "error"
        if not chain:
            return None, "error"
        key = chain[0]
        if root == "contact":
            problem = self._contact_problem(chain)
            if problem:
                return problem, "error"
            wanted = f"custom.{chain[1]}" if key == "custom" and len(chain) > 1 else key
            if wanted not in declared and key not in declared:
                return f"contact field {wanted!r} is used but not listed in contact_fields", "warning"
            return None, "error"
        if root == "answers":
            owner = script.owner.get(key)
            if owner is None:
                return f"answers.{key}: no field of this script has the id {key!r}" + did_you_mean(
                    key, script.owner
                ), "error"
            if not self.graph.strictly_after(self.number[owner]) >> node & 1:
                return f"answers.{key} is used before it is asked (field {key!r} of node {owner!r})", "error"
            return None, "error"
        if root == "vars" and key not in setters:
            return f"vars.{key} is never set by a set node" + did_you_mean(key, setters), "error"
        known = {"operator": OPERATOR_FIELDS, "call": CALL_FIELDS}.get(root)
        if known is not None and key not in known:
            return f"unknown field {root}.{key} (known: {', '.join(sorted(known))})", "error"
        return None, "error"


def _sources(script: Script) -> Iterator[tuple[Path, str, bool, int]]:
    """Every template and expression: path, source, whether it is an expression, node number."""
    for i, node in enumerate(script.nodes):
        base: Path = ("nodes", i)
        if isinstance(node, Say | Ask | End) and node.text:
            yield (*base, "text"), node.text, False, i
        if isinstance(node, Ask):
            for j, spec in enumerate(node.fields):
                yield (*base, "fields", j, "label"), spec.label, False, i
                if spec.hint:
                    yield (*base, "fields", j, "hint"), spec.hint, False, i
                if spec.prefill:
                    yield (*base, "fields", j, "prefill"), spec.prefill, False, i
        elif isinstance(node, Branch):
            for j, case in enumerate(node.cases):
                yield (*base, "cases", j, "when"), case.when, True, i
        elif isinstance(node, SetVars):
            for name, expression in node.vars:
                yield (*base, "vars", name), expression, True, i


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or nothing when none is close."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
