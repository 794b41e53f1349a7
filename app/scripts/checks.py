"""Lint rules about single fields and single branches (the linter runs them; kept apart to stay small).

* :func:`check_fields`: a pattern that does not compile, bounds that cannot both hold, a date bound that
  is no date, a choice without options or with one value twice.
* :func:`coverage_gaps`: a branch that compares ``answers.X`` with some options of a choice field and
  leaves the others to its default. That is legal (the default catches them) but usually an option
  added later and forgotten, so it is a warning. A branch that uses ``!=`` or ``not in`` on a field is
  taken to handle all of its options on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from jinja2 import TemplateSyntaxError, nodes

from app.scripts import patterns
from app.scripts.analysis import tree_of
from app.scripts.loader import Path
from app.scripts.model import Ask, Branch, FieldType, Script
from app.scripts.validators import date_bound


def check_fields(script: Script) -> Iterator[tuple[Path, str]]:
    for i, node in enumerate(script.nodes):
        if not isinstance(node, Ask):
            continue
        for j, spec in enumerate(node.fields):
            path: Path = ("nodes", i, "fields", j)
            if spec.pattern is not None:
                try:
                    patterns.compiled(spec.pattern)
                except patterns.PatternError as exc:
                    yield (*path, "pattern"), f"field {spec.id!r}: pattern does not compile: {exc}"
            if (
                spec.min_length is not None
                and spec.max_length is not None
                and spec.min_length > spec.max_length
            ):
                yield path, f"field {spec.id!r}: min_length is more than max_length"
            if spec.type is FieldType.DATE:
                for bound in ("min", "max"):
                    value = getattr(spec, bound)
                    if isinstance(value, str) and date_bound(value, date(2000, 1, 1)) is None:
                        yield (*path, bound), f"field {spec.id!r}: {bound} {value!r} is not a date"
            low, high = spec.min, spec.max
            if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
                yield path, f"field {spec.id!r}: min is more than max"
            if spec.type in (FieldType.SINGLE, FieldType.MULTI):
                values = [o.value for o in spec.options]
                if not values:
                    yield (*path, "options"), f"field {spec.id!r}: a choice needs at least one option"
                for k, value in enumerate(values):
                    if value in values[:k]:
                        yield (*path, "options", k), f"field {spec.id!r}: option {value!r} is listed twice"
                if spec.type is FieldType.MULTI and isinstance(low, int | float) and low > len(values):
                    yield path, f"field {spec.id!r}: min is more than the number of options"


def pattern_warnings(script: Script) -> Iterator[tuple[Path, str]]:
    """Nested unbounded quantifiers (``(a+)+``): RE2 runs them in linear time, but they are the shape
    that hangs every backtracking engine and always a simpler pattern in disguise."""
    for i, node in enumerate(script.nodes):
        if isinstance(node, Ask):
            for j, spec in enumerate(node.fields):
                if spec.pattern is not None and patterns.nested_quantifiers(spec.pattern):
                    yield (
                        ("nodes", i, "fields", j, "pattern"),
                        (
                            f"field {spec.id!r}: pattern repeats a group that itself repeats without bound"
                            " (like (a+)+): write it without the nesting (a+)"
                        ),
                    )


def coverage_gaps(script: Script, branch: Branch) -> list[str]:
    """Warnings for options of choice fields this branch tests but does not cover."""
    covered: dict[str, set[str]] = {}
    everything: set[str] = set()
    for case in branch.cases:
        try:
            tree = tree_of(case.when, True)
        except TemplateSyntaxError:
            continue
        for compare in tree.find_all(nodes.Compare):
            _cover(compare, covered, everything)
    gaps = []
    for field_id, values in covered.items():
        spec = script.fields.get(field_id)
        if spec is None or field_id in everything or spec.type not in (FieldType.SINGLE, FieldType.MULTI):
            continue
        missing = [o.value for o in spec.options if o.value not in values]
        if missing:
            listed = ", ".join(repr(v) for v in missing)
            gaps.append(
                f"branch {branch.id!r} has no case for answers.{field_id} = {listed}"
                f" (it goes to the default {branch.default!r})"
            )
    return gaps


def _answer(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "answers":
        return node.attr
    if (
        isinstance(node, nodes.Getitem)
        and isinstance(node.node, nodes.Name)
        and node.node.name == "answers"
        and isinstance(node.arg, nodes.Const)
    ):
        return str(node.arg.value)
    return None


def _constants(node: nodes.Node) -> set[str] | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, nodes.List | nodes.Tuple):
        found = set()
        for item in node.items:
            if not (isinstance(item, nodes.Const) and isinstance(item.value, str)):
                return None
            found.add(item.value)
        return found
    return None


def _cover(compare: nodes.Compare, covered: dict[str, set[str]], everything: set[str]) -> None:
    if len(compare.ops) != 1:
        return
    left, op, right = compare.expr, compare.ops[0].op, compare.ops[0].expr
    if op in ("ne", "notin"):
        for side in (left, right):
            if (name := _answer(side)) is not None:
                everything.add(name)
        return
    if op == "eq":
        pairs = [(left, right), (right, left)]
    elif op == "in":
        pairs = [(left, right)] if _answer(left) is not None else [(right, left)]
    else:
        return
    for answer, constant in pairs:
        name, values = _answer(answer), _constants(constant)
        if name is not None and values is not None:
            covered.setdefault(name, set()).update(values)
