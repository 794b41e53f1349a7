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

from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from jinja2 import ChainableUndefined, TemplateError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import _PassArg

from app.scripts import budget

RENDERED_MAX = 16_000
"""Characters of one rendered text; longer output is cut (a loop gone wild, not a script)."""
ROOTS = ("contact", "answers", "vars", "operator", "call")
HELPERS = ("local_time", "greeting", "age", "label", "money", "date", "plural")
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
    """A missing value: renders ``[name?]``, is false in a condition, never raises on output.

    Arithmetic, filters and string methods on a missing value give the same placeholder back (the
    sandbox sees to operators and filters), so ``{{ contact.city|upper }} и далее`` renders
    ``[city?] и далее`` rather than losing the whole text to an error.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)  # protocol probes (copy, pickle) must not get a value
        if self._undefined_exception is SecurityError or name in STR_METHODS:
            return self  # a refused value stays refused; contact.city.upper() stays [city?]
        return Placeholder(name=name)  # contact.custom.tariff with no custom at all: [tariff?]

    def __getitem__(self, key: Any) -> Any:
        if self._undefined_exception is SecurityError or not isinstance(key, str):
            return self  # contact.city[0]: still the missing city
        if key.startswith("_"):
            raise KeyError(key)
        return Placeholder(name=key)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._undefined_exception is SecurityError:
            raise TemplateRefused(self._undefined_hint or "this is not allowed in a script")
        return self

    def __str__(self) -> str:
        if self._undefined_exception is SecurityError:
            raise TemplateRefused(self._undefined_hint or "this is not allowed in a script")
        return f"[{self._undefined_name or '?'}?]" if isinstance(self._undefined_name, str) else "[?]"

    def __bool__(self) -> bool:
        if self._undefined_exception is SecurityError:
            raise TemplateRefused(self._undefined_hint or "this is not allowed in a script")
        return False

    @property
    def missing(self) -> bool:
        """A plain missing value (not a refused one), which operations pass through unchanged."""
        return self._undefined_exception is not SecurityError


def _missing(values: Any) -> Placeholder | None:
    for value in values:
        if isinstance(value, Placeholder):
            if not value.missing:
                raise TemplateRefused(value._undefined_hint or "this is not allowed in a script")
            return value
    return None


class _Compiler(CodeGenerator):
    """Jinja's code generator with every loop and every ``~`` going through the budget.

    A ``for`` loop iterates through ``environment.bounded_iter`` (one budget step per item, plus the
    literal text of the loop body counted as output), and ``a ~ b`` through ``environment.bounded_concat``
    (its length checked before it is built). Recursive loops are refused: a script has no use for them.
    """

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        if node.recursive:
            self.fail("recursive loops are not allowed in a script", node.lineno)
        cost = sum(len(data.data) for data in node.find_all(nodes.TemplateData)) + 1
        node.iter = nodes.Call(
            nodes.EnvironmentAttribute("bounded_iter", lineno=node.lineno),
            [node.iter, nodes.Const(cost, lineno=node.lineno)], [], None, None, lineno=node.lineno,
        )  # fmt: skip
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class Sandbox(SandboxedEnvironment):
    """The script environment (see the module notes and :mod:`app.scripts.budget`).

    Every operator, call, filter, loop step and printed value goes through a method here that ticks the
    current budget and checks, before computing, the size of what it is about to build.
    """

    code_generator_class = _Compiler
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"+", "-"})

    def __init__(self) -> None:
        super().__init__(
            undefined=Placeholder,
            autoescape=False,
            finalize=_finalize,
            keep_trailing_newline=False,
            optimized=False,  # no constant folding: nothing of a template is computed while compiling
        )
        self.globals.clear()
        kept = {name: _bounded_filter(name, self.filters[name]) for name in FILTERS}
        self.filters.clear()
        self.filters.update(kept)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_"):
            return False
        if isinstance(obj, Record | Placeholder):  # a missing value chains: contact.custom.x
            return True
        return isinstance(obj, str) and attr in STR_METHODS

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        budget.tick()
        missing = _missing((left, right))
        if missing is not None:
            return missing
        if operator == "**":
            budget.power(left, right)
        elif operator == "*":
            budget.product(left, right)
        elif operator == "+" and isinstance(left, str | list | tuple):
            budget.concatenation(left, right)
        elif operator == "%" and isinstance(left, str):
            budget.percent_format(left, right)
        return self.binop_table[operator](left, right)

    def call_unop(self, context: Any, operator: str, arg: Any) -> Any:
        budget.tick()
        missing = _missing((arg,))
        return missing if missing is not None else self.unop_table[operator](arg)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        budget.tick()
        if isinstance(__obj, Placeholder) and __obj.missing:
            return __obj
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and getattr(__obj, "__name__", None) == "replace":
            budget.replacement(owner, *args, **kwargs)
        return budget.bounded(super().call(__context, __obj, *args, **kwargs), "a call's result")

    def wrap_str_format(self, value: Any) -> Any:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        source = value.__self__

        def bounded_format(*args: Any, **kwargs: Any) -> str:
            budget.tick()
            if value.__name__ == "format_map":
                budget.format_call(source, (), args[0] if args and isinstance(args[0], Mapping) else {})
            else:
                budget.format_call(source, args, kwargs)
            return str(wrapper(*args, **kwargs))

        return bounded_format

    def bounded_iter(self, iterable: Any, cost: int) -> Iterator[Any]:
        """A loop's items, each one a budget step that may produce ``cost`` characters of literal text."""
        if isinstance(iterable, Placeholder):
            _missing((iterable,))
            return
        for item in iterable:
            budget.tick(cost)
            yield item

    def bounded_concat(self, parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ ...``: the parts as text, refused before joining when the result would be too long."""
        budget.tick()
        budget.concatenation(*parts)
        return "".join(str(part) for part in parts)


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (a Jinja filter) ticking the budget, with the size of what it builds checked first."""
    passes = _PassArg.from_obj(function)
    keeps_missing = name not in ("default", "d")

    def bounded_filter(*args: Any, **kwargs: Any) -> Any:
        budget.tick()
        values = args[1:] if passes is not None else args
        if keeps_missing and values:
            missing = _missing(values[:1])
            if missing is not None:
                return missing
        if name in _BUILDERS and values:
            _BUILDERS[name](*values, **kwargs)
        return budget.bounded(function(*args, **kwargs), f"the {name} filter's result")

    if passes is not None:
        bounded_filter.jinja_pass_arg = passes  # type: ignore[attr-defined]
    return bounded_filter


def _replace_filter(text: Any, old: Any = "", new: Any = "", count: int | None = None) -> None:
    budget.replacement(str(text), str(old), str(new), -1 if count is None else count)


def _join_filter(items: Any, separator: Any = "", attribute: Any = None) -> None:
    budget.bounded(items, "the list joined")
    budget.joined(items if not isinstance(items, str) else list(items), str(separator))


def _input_only(value: Any, *_args: Any, **_kwargs: Any) -> None:
    budget.bounded(value, "the filter's input")


_BUILDERS: dict[str, Callable[..., None]] = {
    "replace": _replace_filter,
    "join": _join_filter,
    **dict.fromkeys(("string", "list", "sort", "unique", "sum", "truncate", "title", "upper", "lower",
                     "capitalize", "trim"), _input_only),
}  # fmt: skip
"""Filters whose result grows with their input: the input (and for two, the result) is sized first."""


def _finalize(value: Any) -> Any:
    """How values print: lists joined with commas, whole floats without ``.0``, ``None`` as ``[?]``.

    Every printed value is also a budget step, its size checked before it becomes text and counted as
    output.
    """
    if isinstance(value, str):  # the common case, in one step
        if len(value) > budget.VALUE_MAX:
            raise budget.TooExpensive(f"a printed value longer than {budget.VALUE_MAX} characters")
        budget.tick(len(value) + 1)
        return value
    budget.tick()
    if isinstance(value, Placeholder):
        text = str(value)
        budget.tick(len(text))
        budget.note_missing()
        return text
    budget.bounded(value, "a printed value")
    if value is None:
        return "[?]"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, list | tuple):
        value = ", ".join(str(_finalize(v)) for v in value)
    budget.tick(budget.weight(value))
    return value


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
