"""Checking one value against a type hint, the way pydantic does for what it accepts, and nothing more.

A check returns the value as the model keeps it or raises :class:`Refused`. It is deliberately
narrower than pydantic's lax mode: only the shapes a JSON answer or this project's own code produce
(an exact ``str``, ``int`` or ``float``, an ISO moment with ``T`` and ``Z`` or ``+03:00``, a list for a
tuple...). Anything else is refused here and decided by pydantic itself (:mod:`app.wire.light.twin`),
so a value this module accepts is always one pydantic accepts, with the same result; what it refuses
costs only time. A hint it cannot check at all raises :class:`Unsupported` when compiled: its model is
then checked by pydantic every time.
"""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from app.wire.light.constraints import constrained
from app.wire.light.declare import (
    AfterValidator,
    AwareDatetime,
    FieldInfo,
    Refused,
    StringConstraints,
    Unsupported,
    WrapValidator,
)

Check = Callable[[Any, Any], Any]
"""``check(value, context) -> value``; ``context`` is what ``model_validate(context=...)`` was given."""

_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)?", re.ASCII)
_DAY = re.compile(r"\d{4}-\d\d-\d\d", re.ASCII)
_REFUSED = Refused()


def refuse(_value: Any = None, _context: Any = None) -> Any:
    raise _REFUSED


def _exact(kind: type) -> Check:
    def check(value: Any, _context: Any) -> Any:
        if type(value) is kind:
            return value
        raise _REFUSED

    return check


def _float(value: Any, _context: Any) -> Any:
    kind = type(value)
    if kind is float:
        return value
    if kind is int:
        try:
            return float(value)
        except OverflowError:  # pydantic: ``float_type`` from Python, infinity from JSON
            raise _REFUSED from None
    raise _REFUSED


def _moment(aware: bool) -> Check:
    def check(value: Any, _context: Any) -> Any:
        if type(value) is str and _MOMENT.fullmatch(value):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                raise _REFUSED from None
        elif type(value) is not datetime:
            raise _REFUSED
        if aware and value.utcoffset() is None:
            raise _REFUSED
        return value

    return check


def _day(value: Any, _context: Any) -> Any:
    if type(value) is date:
        return value
    if type(value) is str and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _REFUSED from None
    raise _REFUSED


def _enum(kind: type[Enum]) -> Check:
    members = {(type(m.value), m.value): m for m in kind}

    def check(value: Any, _context: Any) -> Any:
        if type(value) is kind:
            return value
        try:
            return members[(type(value), value)]
        except (KeyError, TypeError):
            raise _REFUSED from None

    return check


def _literal(allowed: tuple[Any, ...]) -> Check:
    keys = {(type(a), a): a for a in allowed}

    def check(value: Any, _context: Any) -> Any:
        try:
            return keys[(type(value), value)]
        except (KeyError, TypeError):
            raise _REFUSED from None

    return check


def _sequence(item: Check, make: Callable[[Any], Any]) -> Check:
    def check(value: Any, context: Any) -> Any:
        if type(value) is not list and type(value) is not tuple:
            raise _REFUSED
        return make([item(v, context) for v in value])

    return check


def _mapping(key: Check, item: Check) -> Check:
    def check(value: Any, context: Any) -> Any:
        if type(value) is not dict:
            raise _REFUSED
        return {key(k, context): item(v, context) for k, v in value.items()}

    return check


def _nullable(inner: Check) -> Check:
    def check(value: Any, context: Any) -> Any:
        return None if value is None else inner(value, context)

    return check


def _union(members: list[tuple[Any, Check]]) -> Check:
    """Smart-mode unions, narrowed: the one member whose exact type the value has; else the one
    member that accepts it at all. Two candidates (a dict for two models) are pydantic's to decide."""
    exact = [(kinds_of(hint), check) for hint, check in members]

    def check(value: Any, context: Any) -> Any:
        if value is None and any(type(None) in kinds for kinds, _ in exact):
            return None
        hits = [c for kinds, c in exact if type(value) in kinds]
        if len(hits) == 1:
            return hits[0](value, context)
        if hits:  # ``Literal["a"] | str``: whichever pydantic picks, the value is the same
            results = [_result(c, value, context) for c in hits]
            first = results[0]
            if first is not _REFUSED and all(type(r) is type(first) and r == first for r in results):
                return first
            raise _REFUSED
        accepted = []
        for _, member in exact:
            try:
                accepted.append(member(value, context))
            except Refused:
                continue
        if len(accepted) == 1:
            return accepted[0]
        raise _REFUSED

    return check


def _result(check: Check, value: Any, context: Any) -> Any:
    try:
        return check(value, context)
    except Refused:
        return _REFUSED


def kinds_of(hint: Any) -> frozenset[type]:
    """The runtime types a value of ``hint`` has exactly (what a union dispatches on)."""
    origin = get_origin(hint)
    if origin is Annotated:
        return kinds_of(get_args(hint)[0])
    if origin is Literal:
        return frozenset(type(a) for a in get_args(hint))
    if origin in (list, tuple):
        return frozenset({list, tuple})
    if origin is dict:
        return frozenset({dict})
    if hint is type(None) or hint is None:
        return frozenset({type(None)})
    if isinstance(hint, type) and issubclass(hint, Enum):
        return frozenset({hint} | {type(m.value) for m in hint})
    if hint in (datetime, AwareDatetime):
        return frozenset({datetime, str})
    if hint is date:
        return frozenset({date, str})
    if _is_model(hint):
        return frozenset({hint, dict})
    if isinstance(hint, type):
        return frozenset({hint})
    return frozenset()


def _is_model(hint: Any) -> bool:
    from app.wire.light.model import BaseModel

    return isinstance(hint, type) and issubclass(hint, BaseModel)


def _model(kind: Any) -> Check:
    def check(value: Any, context: Any) -> Any:
        if type(value) is dict:
            return kind._light_from_dict(value, context)
        if isinstance(value, kind):
            return value
        raise _REFUSED

    return check


def _discriminated(members: tuple[Any, ...], tag: str) -> Check:
    by_tag: dict[Any, Check] = {}
    for member in members:
        if not _is_model(member):
            raise Unsupported(f"discriminated member {member!r}")
        hint = typing.get_type_hints(member, include_extras=True).get(tag)
        if get_origin(hint) is not Literal:
            raise Unsupported(f"tag {tag} of {member!r}")
        for value in get_args(hint):
            by_tag[value] = _model(member)

    def check(value: Any, context: Any) -> Any:
        if type(value) is dict:
            chosen = by_tag.get(value.get(tag)) if type(value.get(tag)) is str else None
        else:
            chosen = next((c for c in by_tag.values() if _safe(c, value, context)), None)
        if chosen is None:
            raise _REFUSED
        return chosen(value, context)

    return check


def _safe(check: Check, value: Any, context: Any) -> bool:
    try:
        check(value, context)
    except Refused:
        return False
    return True


def _any(value: Any, _context: Any) -> Any:
    """Any value, except a float that is not finite anywhere inside it (pydantic writes that as
    ``null`` even in ``model_dump(mode="json")`` there: its own type would keep it), or one nested
    deeper than :data:`_DEEPEST` (jiter reads no JSON nested beyond 201 levels)."""
    if _unfit(value, 0):
        raise _REFUSED
    return value


_DEEPEST = 64
"""Lists and dicts inside an ``Any`` value: the models around it nest far less than the other 137."""


def _unfit(value: Any, depth: int) -> bool:
    kind = type(value)
    if kind is float:
        return not math.isfinite(value)
    if kind is list or kind is tuple:
        return depth >= _DEEPEST or any(_unfit(v, depth + 1) for v in value)
    if kind is dict:
        return depth >= _DEEPEST or any(_unfit(v, depth + 1) for v in value.values())
    return False


_PLAIN: dict[Any, Check] = {
    str: _exact(str),
    int: _exact(int),
    bool: _exact(bool),
    float: _float,
    datetime: _moment(False),
    AwareDatetime: _moment(True),
    date: _day,
    type(None): _exact(type(None)),
    Any: _any,
    object: _any,
}


_COMPILED: dict[Any, Check] = {}
"""Checks by hint: the same field types (``UtcDatetime``, ``Line``, ``UserName``...) recur in most models,
and a check keeps nothing of the model it was compiled for."""


def compile_hint(hint: Any) -> Check:
    """The check for ``hint`` (a resolved type hint, ``Annotated`` metadata included), compiled once."""
    try:
        return _COMPILED[hint]
    except KeyError:
        check = _COMPILED[hint] = _compile(hint)
        return check
    except TypeError:  # a hint that cannot be a key (unhashable metadata)
        return _compile(hint)


def _compile(hint: Any) -> Check:
    origin = get_origin(hint)
    if origin is Annotated:
        base, *metadata = get_args(hint)
        return with_metadata(base, metadata)
    if hint in _PLAIN:
        return _PLAIN[hint]
    if origin in (Union, types.UnionType):
        members = get_args(hint)
        rest = [m for m in members if m is not type(None)]
        if len(rest) == 1 and len(members) == 2:
            return _nullable(compile_hint(rest[0]))
        return _union([(m, compile_hint(m)) for m in members])
    if origin is Literal:
        return _literal(get_args(hint))
    if origin is list:
        (item,) = get_args(hint) or (Any,)
        return _sequence(compile_hint(item), list)
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence(compile_hint(args[0]), tuple)
        raise Unsupported(f"fixed tuple {hint!r}")
    if origin is dict:
        key, item = get_args(hint) or (Any, Any)
        return _mapping(compile_hint(key), compile_hint(item))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum(hint)
    if _is_model(hint):
        return _model(hint)
    raise Unsupported(repr(hint))


def with_metadata(base: Any, metadata: list[Any]) -> Check:
    """``Annotated[base, *metadata]``: each item wraps what is built so far, left to right."""
    discriminator = next(
        (m.constraints.get("discriminator") for m in metadata if isinstance(m, FieldInfo)), None
    )
    if discriminator is not None:
        if get_origin(base) not in (Union, types.UnionType):
            raise Unsupported("discriminator on a non-union")
        check = _discriminated(get_args(base), discriminator)
    else:
        check = compile_hint(base)
    for item in metadata:
        check = _wrap(check, item)
    return check


def _wrap(inner: Check, item: Any) -> Check:
    if isinstance(item, StringConstraints):
        return constrained(inner, item.given())
    if isinstance(item, FieldInfo):
        given = {k: v for k, v in item.constraints.items() if k != "discriminator"}
        return constrained(inner, given) if given else inner
    if isinstance(item, AfterValidator):
        return _after(inner, item.func)
    if isinstance(item, WrapValidator):
        return _wrapped(inner, item.func)
    raise Unsupported(f"metadata {item!r}")


def _after(inner: Check, func: Callable[[Any], Any]) -> Check:
    def check(value: Any, context: Any) -> Any:
        value = inner(value, context)
        try:
            return func(value)
        except (ValueError, AssertionError):
            raise _REFUSED from None

    return check


def _wrapped(inner: Check, func: Callable[[Any, Any], Any]) -> Check:
    def check(value: Any, context: Any) -> Any:
        try:
            return func(value, lambda v: inner(v, context))
        except (ValueError, AssertionError):
            raise _REFUSED from None

    return check
