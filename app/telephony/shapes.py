"""Checking a decoded JSON object against the telephony dataclasses, without pydantic.

The telephony service's commands and events are frozen dataclasses of a few plain types: ``str``,
``int``, ``float``, ``bool``, string enums, ``Literal`` tags, optional values, tuples and nested
dataclasses. Checking those needs a few dozen lines; pydantic's ``TypeAdapter`` for the two unions cost
the telephony service ~17 MB of its ~50 MB at idle and every process that imported the wire 0.2-0.5 s
of its start (issue 15), for this job alone: the service imports nothing else from pydantic.

A checker is compiled per dataclass on first use (from its type hints) and kept. What is accepted is
what the encoder writes, plus what JSON cannot tell apart: an integral number for a ``float``, a whole
``float`` for an ``int``, a list for a tuple. Unknown fields are ignored (a newer peer's additions), a
missing field without a default is refused, and so is any value of another type, with the field's path
in the message.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from typing import Any

Check = Callable[[Any, str], Any]
"""Turns a JSON value at a path into the field's value, or raises :class:`ShapeError`."""

_MISSING = dataclasses.MISSING


class ShapeError(ValueError):
    """A value that does not fit its field; ``str()`` names the field's path first."""


_checks: dict[Any, Check] = {}


def check_for(tp: Any) -> Check:
    """The checker of a type (compiled once, then reused)."""
    found = _checks.get(tp)
    if found is None:
        found = _checks[tp] = _compile(tp)
    return found


def build(cls: type[Any], data: dict[str, Any], path: str = "") -> Any:
    """An instance of dataclass ``cls`` from a decoded JSON object (see the module docstring)."""
    return check_for(cls)(data, path)


def plain(value: Any) -> Any:
    """A dataclass instance (or a field's value) as JSON-ready values: dicts, lists, strings, numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _fail(path: str, message: str) -> typing.NoReturn:
    raise ShapeError(f"{path or 'message'}: {message}")


def _compile(tp: Any) -> Check:
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _dataclass_check(tp)
    origin = typing.get_origin(tp)
    if tp is str:
        return _exact(str, "a string")
    if tp is bool:
        return _exact(bool, "true or false")
    if tp is int:
        return _integer
    if tp is float:
        return _number
    if tp is type(None):
        return _none
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum(tp)
    if origin is typing.Literal:
        return _literal(typing.get_args(tp))
    if origin is typing.Union or origin is types.UnionType:
        return _union([check_for(arg) for arg in typing.get_args(tp)])
    if origin is tuple:
        return _tuple(typing.get_args(tp))
    raise TypeError(f"no wire check for {tp!r}")


def _dataclass_check(cls: type[Any]) -> Check:
    hints = typing.get_type_hints(cls)
    fields = [
        (f.name, hints[f.name], f.default is _MISSING and f.default_factory is _MISSING)
        for f in dataclasses.fields(cls)
        if f.init
    ]
    compiled: list[list[tuple[str, Check, bool]]] = []

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            _fail(path, "an object is expected")
        if not compiled:  # on first use: nested types may refer to each other (one list, set at once)
            compiled.append([(name, check_for(tp), required) for name, tp, required in fields])
        checks = compiled[0]
        kwargs: dict[str, Any] = {}
        for name, field_check, required in checks:
            if name in value:
                kwargs[name] = field_check(value[name], f"{path}.{name}" if path else name)
            elif required:
                _fail(f"{path}.{name}" if path else name, "Field required")
        return cls(**kwargs)

    return check


def _exact(kind: type, what: str) -> Check:
    def check(value: Any, path: str) -> Any:
        if type(value) is not kind:
            _fail(path, f"{what} is expected, not {type(value).__name__}")
        return value

    return check


def _integer(value: Any, path: str) -> int:
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    _fail(path, f"an integer is expected, not {type(value).__name__}")


def _number(value: Any, path: str) -> float:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    _fail(path, f"a number is expected, not {type(value).__name__}")


def _none(value: Any, path: str) -> None:
    if value is not None:
        _fail(path, "null is expected")


def _enum(kind: type[enum.Enum]) -> Check:
    def check(value: Any, path: str) -> Any:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(repr(member.value) for member in kind)
            _fail(path, f"one of {allowed} is expected, not {value!r}")

    return check


def _literal(allowed: tuple[Any, ...]) -> Check:
    def check(value: Any, path: str) -> Any:
        if value not in allowed or type(value) is not type(allowed[allowed.index(value)]):
            _fail(path, f"{' or '.join(repr(a) for a in allowed)} is expected, not {value!r}")
        return value

    return check


def _union(options: list[Check]) -> Check:
    def check(value: Any, path: str) -> Any:
        problems: list[str] = []
        for option in options:
            try:
                return option(value, path)
            except ShapeError as exc:
                problems.append(str(exc))
        _fail(path, "does not match any of: " + "; ".join(problems))

    return check


def _tuple(args: tuple[Any, ...]) -> Check:
    if len(args) == 2 and args[1] is Ellipsis:
        item = check_for(args[0])

        def check_all(value: Any, path: str) -> Any:
            if not isinstance(value, list | tuple):
                _fail(path, "a list is expected")
            return tuple(item(v, f"{path}.{i}") for i, v in enumerate(value))

        return check_all
    items = [check_for(arg) for arg in args]

    def check_each(value: Any, path: str) -> Any:
        if not isinstance(value, list | tuple) or len(value) != len(items):
            _fail(path, f"a list of {len(items)} is expected")
        return tuple(c(v, f"{path}.{i}") for i, (c, v) in enumerate(zip(items, value, strict=True)))

    return check_each
