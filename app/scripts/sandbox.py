"""The Jinja2 environment scripts run in: a sandbox narrowed to the data a call has, under a budget.

Why so narrow: scripts are written by admins but rendered on every operator's desktop, so a template
must not reach Python internals (``{{ ''.__class__.__mro__ }}``), read files, or hang the desktop.
:class:`Sandbox` is Jinja's ``SandboxedEnvironment`` with no globals but the ones we pass, a short list
of filters, string methods from a whitelist, no attribute whose name starts with ``_``, and every
operation going through the evaluation budget (:mod:`app.scripts.budget`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import _PassArg

from app.scripts import budget
from app.scripts.values import STR_METHODS, Placeholder, Record
from app.scripts.values import missing_in as _missing

FILTERS = (
    "abs", "capitalize", "default", "first", "float", "int", "join", "last", "length", "lower",
    "replace", "round", "string", "title", "trim", "truncate", "upper", "sort", "unique", "list",
    "min", "max", "sum", "d", "count",
)  # fmt: skip


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
