"""Lint rules about comparisons in conditions: the kinds of value on each side, and a choice's options.

A comparison that can never hold is a script that silently takes its default: ``answers.packs == '4'``
when ``packs`` is a number field (stored as ``4``, never equal to the text ``'4'``; ``>`` between them
fails and counts as false), or ``answers.reason == 'Повторный заказ'`` when that is the option's label
and conditions see its value (``reorder``). Both are errors: the author meant something else.

What is known of a side: a literal's type, and an answer's from its field (numbers are numbers, yes/no
is a boolean, a multiple choice a list, every other field text). Contact fields and variables have no
declared type, so they are not checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import nodes

from app.scripts.model import Field, FieldType, Script

_TYPE_OF_FIELD = {FieldType.NUMBER: "number", FieldType.YESNO: "boolean", FieldType.MULTI: "list"}


def comparison_problems(script: Script, tree: nodes.Template) -> Iterator[tuple[str, int]]:
    """Messages (and their line in the template) for comparisons in ``tree`` that can never hold."""
    for compare in tree.find_all(nodes.Compare):
        left = compare.expr
        for operand in compare.ops:
            yield from _pair(script, left, operand.op, operand.expr, compare.lineno)
            left = operand.expr


def _pair(
    script: Script, left: nodes.Expr, op: str, right: nodes.Expr, line: int
) -> Iterator[tuple[str, int]]:
    if op in ("in", "notin"):
        container = _answer(script, right)
        if container is not None and container.type is FieldType.MULTI:
            yield from _options(container, _constants(left), line)  # 'a' in answers.tags
        spec = _answer(script, left)
        if spec is not None and spec.type is FieldType.SINGLE:
            yield from _options(spec, _constants(right), line)  # answers.reason in ['a', 'b']
        return
    kinds = (_kind(script, left), _kind(script, right))
    if None not in kinds and kinds[0] != kinds[1] and {"number", "text"} == set(kinds):
        shown = f"{_describe(left)} {_OPERATORS.get(op, op)} {_describe(right)}"
        never = {"eq": "is never true", "ne": "is always true"}.get(op, "fails (and counts as false)")
        yield f"{shown} compares a number with a text: it {never}; compare like with like", line
        return
    if op in ("eq", "ne"):
        for answer, other in ((left, right), (right, left)):
            spec = _answer(script, answer)
            if spec is not None and spec.type is FieldType.SINGLE:
                yield from _options(spec, _constants(other), line)


_OPERATORS = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "lteq": "<=", "gteq": ">="}


def _options(spec: Field, values: set[str] | None, line: int) -> Iterator[tuple[str, int]]:
    if not values:
        return
    known = {o.value for o in spec.options}
    for value in sorted(values - known):
        label = next((o for o in spec.options if o.label.casefold() == value.casefold()), None)
        if label is not None:
            yield (
                (
                    f"answers.{spec.id} is compared with {value!r}, the label of option {label.value!r}:"
                    f" conditions see the value, write {label.value!r}"
                ),
                line,
            )
        else:
            listed = ", ".join(repr(o.value) for o in spec.options)
            yield f"{value!r} is not an option of answers.{spec.id} (options: {listed})", line


def _answer(script: Script, node: nodes.Node) -> Field | None:
    if isinstance(node, nodes.Getattr | nodes.Getitem) and isinstance(node.node, nodes.Name):
        if node.node.name != "answers":
            return None
        if isinstance(node, nodes.Getattr):
            return script.fields.get(node.attr)
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return script.fields.get(node.arg.value)
    return None


def _kind(script: Script, node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Const):
        value: Any = node.value
        if isinstance(value, bool) or value is None:
            return "boolean" if isinstance(value, bool) else None
        if isinstance(value, int | float):
            return "number"
        return "text" if isinstance(value, str) else None
    spec = _answer(script, node)
    if spec is None:
        return None
    return _TYPE_OF_FIELD.get(spec.type, "text")


def _constants(node: nodes.Node) -> set[str] | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, nodes.List | nodes.Tuple):
        items = [i.value for i in node.items if isinstance(i, nodes.Const) and isinstance(i.value, str)]
        return set(items) if len(items) == len(node.items) else None
    return None


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        return f"{node.node.name}.{node.attr}"
    return "a value"
