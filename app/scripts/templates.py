"""Texts and conditions of a script: Jinja2 in a sandbox narrowed to the data a call has.

Why so narrow: scripts are written by admins but rendered on every operator's desktop, so a template
must not reach Python internals (``{{ ''.__class__.__mro__ }}``), read files, or hang the desktop.

* :class:`Sandbox` is Jinja's ``SandboxedEnvironment`` with no globals but the ones we pass, a short
  list of filters, string methods from a whitelist, no attribute whose name starts with ``_``, and
  arithmetic that cannot build a gigabyte string or a number with a million digits.
* Data reaches templates as :class:`Record` objects whose attributes are their keys and nothing else
  (a plain ``dict`` would expose ``.items`` and ``.pop``).
* A missing value renders as :class:`Placeholder` text ``[city?]``: the operator sees that the CRM
  has no city and can ask, instead of reading "you live in ." aloud. Unsafe access is not a missing
  value: it raises :class:`TemplateRefused`, which :func:`render` turns into a visible ``[refused: ...]``.

Compiled templates are cached by source, so a step transition renders without compiling.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, TemplateError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

RENDERED_MAX = 16_000
"""Characters of one rendered text; longer output is cut (a loop gone wild, not a script)."""
REPEAT_MAX = 10_000
"""Largest string or list a template may build by multiplication."""
ROOTS = ("contact", "answers", "vars", "operator", "call")
HELPERS = ("local_time", "greeting", "age")
STR_METHODS = frozenset(
    {"upper", "lower", "title", "capitalize", "strip", "lstrip", "rstrip", "startswith", "endswith",
     "split", "replace", "isdigit"}
)  # fmt: skip
FILTERS = (
    "abs", "capitalize", "default", "first", "float", "int", "join", "last", "length", "lower",
    "replace", "round", "string", "title", "trim", "truncate", "upper", "sort", "unique", "list",
    "min", "max", "sum", "d", "count",
)  # fmt: skip


class TemplateRefused(SecurityError):
    """A template tried to reach something outside the data it was given."""


class Record:
    """Read-only data for templates: ``record.key`` and ``record['key']`` and nothing else.

    ``None`` values are left out, so a field the CRM left empty is "missing" and renders as a
    placeholder rather than as ``None``. Nested mappings become records too.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = {k: _wrap(v) for k, v in data.items() if v is not None and v != ""}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return "[…]"


def _wrap(value: Any) -> Any:
    if isinstance(value, Mapping):
        return Record(value)
    if isinstance(value, list | tuple):
        return [_wrap(v) for v in value]
    return value


class Placeholder(ChainableUndefined):
    """A missing value: renders ``[name?]``, is false in a condition, never raises on output."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)  # protocol probes (copy, pickle) must not get a value
        if self._undefined_exception is SecurityError:
            return self  # a refused value stays refused however far the chain goes
        return Placeholder(name=name)  # contact.custom.tariff with no custom at all: [tariff?]

    def __getitem__(self, key: Any) -> Any:
        if self._undefined_exception is SecurityError:
            return self
        if isinstance(key, str) and key.startswith("_"):
            raise KeyError(key)
        return Placeholder(name=str(key))

    def __str__(self) -> str:
        if self._undefined_exception is SecurityError:
            raise TemplateRefused(self._undefined_hint or "this is not allowed in a script")
        return f"[{self._undefined_name or '?'}?]" if isinstance(self._undefined_name, str) else "[?]"

    def __bool__(self) -> bool:
        if self._undefined_exception is SecurityError:
            raise TemplateRefused(self._undefined_hint or "this is not allowed in a script")
        return False


class Sandbox(SandboxedEnvironment):
    """The script environment (see the module notes)."""

    intercepted_binops = frozenset({"*", "**", "//", "%"})

    def __init__(self) -> None:
        super().__init__(
            undefined=Placeholder, autoescape=False, finalize=_finalize, keep_trailing_newline=False
        )
        self.globals.clear()
        kept = {name: self.filters[name] for name in FILTERS}
        self.filters.clear()
        self.filters.update(kept)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        if isinstance(obj, Record | Placeholder):  # a missing value chains: contact.custom.x
            return True
        return isinstance(obj, str) and attr in STR_METHODS

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise TemplateRefused("powers above 64 are not allowed in a script")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(times, int)
                    and times * max(len(seq), 1) > REPEAT_MAX
                ):
                    raise TemplateRefused(f"a text or list longer than {REPEAT_MAX} is not allowed")
        return super().call_binop(context, operator, left, right)


def _finalize(value: Any) -> Any:
    """How values print: lists joined with commas, whole floats without ``.0``, ``None`` as ``[?]``."""
    if value is None:
        return "[?]"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(_finalize(v)) for v in value)
    return value


ENV = Sandbox()


@lru_cache(maxsize=8192)
def _template(source: str) -> Any:
    return ENV.from_string(source)


@lru_cache(maxsize=8192)
def _expression(source: str) -> Any:
    return ENV.compile_expression(source, undefined_to_none=False)


def render(source: str, data: Mapping[str, Any]) -> str:
    """``source`` rendered with ``data``; never raises: a broken or refused template shows why, inline."""
    if "{" not in source:
        return source
    try:
        text = str(_template(source).render(data))
    except SecurityError as exc:
        return f"[refused: {exc}]"
    except (TemplateError, ArithmeticError, TypeError, ValueError, RecursionError, LookupError) as exc:
        return f"[template error: {type(exc).__name__}: {str(exc)[:200]}]"
    return text if len(text) <= RENDERED_MAX else text[:RENDERED_MAX] + "…"


def evaluate(source: str, data: Mapping[str, Any]) -> Any:
    """The value of an expression; raises :class:`TemplateError` or ``TemplateRefused`` on failure."""
    return _expression(source)(**data)


def condition(source: str, data: Mapping[str, Any]) -> bool:
    """Whether a branch condition holds. Any failure (a missing answer compared with ``>``, a refused
    attribute) makes it false, so the branch falls through to the next case and at last its default."""
    try:
        return bool(evaluate(source, data))
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
