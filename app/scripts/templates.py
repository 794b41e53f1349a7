"""Texts and conditions of a script: Jinja2 in a sandbox narrowed to the data a call has.

Why so narrow: scripts are written by admins but rendered on every operator's desktop, so a template
must not reach Python internals (``{{ ''.__class__.__mro__ }}``), read files, or hang the desktop.

* :mod:`app.scripts.sandbox` - the environment: Jinja's ``SandboxedEnvironment`` narrowed, every
  operation under the evaluation budget (:mod:`app.scripts.budget`);
* :mod:`app.scripts.values` - :class:`Record` (data whose only attributes are its keys) and
  :class:`Placeholder` (a missing value, rendered ``[city?]``);
* here: rendering and evaluating (never raising for the runner), and the syntax-tree queries the linter
  uses.

Compiled templates are cached by source, so a step transition renders without compiling.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import TemplateError, nodes
from jinja2.exceptions import SecurityError

from app.scripts import budget
from app.scripts.sandbox import FILTERS, Sandbox
from app.scripts.values import STR_METHODS, Placeholder, Record, TemplateRefused

RENDERED_MAX = 16_000
"""Characters of one rendered text; longer output is cut (a loop gone wild, not a script)."""
ROOTS = ("contact", "answers", "vars", "operator", "call")
HELPERS = ("local_time", "greeting", "age", "label", "money", "date", "plural")


ENV = Sandbox()


@lru_cache(maxsize=8192)
def _template(source: str) -> Any:
    return ENV.from_string(source)


@lru_cache(maxsize=8192)
def _expression(source: str) -> Any:
    return ENV.compile_expression(source, undefined_to_none=False)


TOO_EXPENSIVE = "[too expensive]"
"""What a text that went beyond its budget renders as, when the caller does not ask why."""


def render_checked(source: str, data: Mapping[str, Any]) -> tuple[str, str | None]:
    """``source`` rendered with ``data``, and why it was refused as too expensive (``None`` if not).

    Never raises: a broken or refused template shows why, inline; one beyond its budget renders as
    :data:`TOO_EXPENSIVE` and the reason comes second, for the panel to say so.
    """
    if "{" not in source:
        return source, None
    try:
        with budget.budget():
            text = _bounded_render(source, data)
    except budget.TooExpensive as exc:
        return TOO_EXPENSIVE, str(exc)
    except MemoryError:
        return TOO_EXPENSIVE, "out of memory"
    except SecurityError as exc:
        return f"[refused: {exc}]", None
    except (TemplateError, ArithmeticError, TypeError, ValueError, RecursionError, LookupError) as exc:
        return f"[template error: {type(exc).__name__}: {str(exc)[:200]}]", None
    return (text if len(text) <= RENDERED_MAX else text[:RENDERED_MAX] + "…"), None


def _bounded_render(source: str, data: Mapping[str, Any]) -> str:
    parts: list[str] = []
    size = 0
    for chunk in _template(source).generate(data):
        size += len(chunk)
        if size > budget.OUTPUT_MAX:
            raise budget.TooExpensive(f"more than {budget.OUTPUT_MAX} characters of output")
        parts.append(chunk)
    return "".join(parts)


def filled(source: str, data: Mapping[str, Any]) -> str | None:
    """``source`` rendered when every value it prints is known; ``None`` when one is missing or the
    template fails. What a field's ``prefill`` uses: "[city?]" must never become an answer."""
    try:
        with budget.budget() as current:
            text = _bounded_render(source, data).strip()
            return text if current.missing == 0 and text else None
    except Exception:
        return None


def render(source: str, data: Mapping[str, Any]) -> str:
    """``source`` rendered with ``data``; never raises (see :func:`render_checked`)."""
    text, expensive = render_checked(source, data)
    return f"[too expensive: {expensive}]" if expensive else text


def evaluate(source: str, data: Mapping[str, Any]) -> Any:
    """The value of an expression; raises :class:`TemplateError`, ``TemplateRefused`` or
    :class:`~app.scripts.budget.TooExpensive` on failure."""
    with budget.budget():
        return _expression(source)(**data)


def condition(source: str, data: Mapping[str, Any]) -> bool:
    """Whether a branch condition holds. Any failure (a missing answer compared with ``>``, a refused
    attribute, a condition beyond its budget) makes it false, so the branch falls through to the next
    case and at last its default."""
    try:
        with budget.budget():
            return bool(_expression(source)(**data))
    except Exception:
        return False


def parse(source: str, *, expression: bool) -> nodes.Template:
    """The syntax tree of a template or an expression; raises ``TemplateSyntaxError``."""
    if expression:
        return ENV.parse("{{ " + source + " }}")
    return ENV.parse(source)


def compile_check(source: str, *, expression: bool) -> None:
    """Compile as the runner will (unknown filters fail here); raises ``TemplateError``."""
    if expression:
        _expression(source)
    else:
        _template(source)


def attribute_chains(tree: nodes.Template) -> Iterator[tuple[str, tuple[str, ...], int]]:
    """Every outermost ``root.a.b`` (or ``root['a']``) in ``tree``: the root, the keys after it, the line.

    A bare name (``contact``) comes with no keys. ``contact.custom.x`` yields only the whole chain, not
    its prefixes; a chain on something other than a name (``'x'.upper``) is not yielded.
    """
    inner: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, nodes.Getattr | nodes.Getitem)
        inner.add(id(node.node))
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if id(node) in inner:
            continue
        chain: list[str] = []
        current: nodes.Node = node
        while True:
            if isinstance(current, nodes.Getattr):
                chain.append(current.attr)
                current = current.node
            elif isinstance(current, nodes.Getitem) and isinstance(current.arg, nodes.Const):
                chain.append(str(current.arg.value))
                current = current.node
            elif isinstance(current, nodes.Getitem):
                chain.clear()  # answers[name]: the key is not known; keep the root only
                current = current.node
            else:
                break
        if isinstance(current, nodes.Name):
            yield current.name, tuple(reversed(chain)), node.lineno


def private_names(tree: nodes.Template) -> Iterator[tuple[str, int]]:
    """Attribute or key names starting with ``_`` (the way out of every sandbox escape)."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            name: Any = node.attr
        elif isinstance(node, nodes.Getitem):
            name = node.arg.value if isinstance(node.arg, nodes.Const) else None
        else:
            continue
        if isinstance(name, str) and name.startswith("_"):
            yield name, node.lineno


__all__ = [
    "ENV",
    "FILTERS",
    "HELPERS",
    "RENDERED_MAX",
    "ROOTS",
    "STR_METHODS",
    "Placeholder",
    "Record",
    "TemplateRefused",
    "condition",
    "evaluate",
    "filled",
    "render",
    "render_checked",
]
