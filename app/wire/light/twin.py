"""A light model's pydantic twin: the same class declared to pydantic, built on the first refusal.

The light engine accepts only what it is sure pydantic accepts the same way. Anything else (a value it
refuses, a hint it does not check) goes to the twin: pydantic's :class:`ValidationError` becomes ours
(the same ``errors()``, word for word as the server's 422), and what pydantic accepts comes back as the
light class with the same values and fields set. pydantic is imported only then, so a desk that never
meets a refused value never loads it (issue 15: the desk's memory).
"""

from __future__ import annotations

import inspect
import logging
import threading
import types
import typing
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from app.wire.light.declare import (
    AfterValidator,
    AwareDatetime,
    Decorated,
    FieldInfo,
    StringConstraints,
    Unsupported,
    ValidationError,
    WrapValidator,
)

if TYPE_CHECKING:
    from app.wire.light.model import BaseModel

log = logging.getLogger(__name__)
_TWINS: dict[type, type | None] = {}
_ABSENT = object()
_BUILDING = threading.RLock()
_LIGHT: dict[type, type] = {}
used: Counter[str] = Counter()
"""How often pydantic was asked about each class (or adapter) in this process: what a test or the bench
reads to see that the light engine decided alone. The first time is logged."""


def consulted(name: str) -> None:
    if not used[name]:
        log.info("the light wire engine refused a %s: pydantic decides", name)
    used[name] += 1


def twin_of(cls: type[BaseModel]) -> Any:
    """The pydantic class declared like ``cls``, built once (under a lock: the pump's thread and the
    GUI thread may both meet a refusal). ``None`` while it is being built: a recursive model, which
    :func:`translate` refuses."""
    found = _TWINS.get(cls, _ABSENT)
    if found is _ABSENT:
        with _BUILDING:
            found = _TWINS.get(cls, _ABSENT)
            if found is _ABSENT:
                found = _build(cls)
    return found


def _build(cls: type[BaseModel]) -> Any:
    import pydantic

    from app.wire.light.model import BaseModel

    _TWINS[cls] = None  # a recursive model would meet this (see twin_of)
    plan = cls._light_plan()
    hints = typing.get_type_hints(cls, include_extras=True)
    namespace: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
    annotations: dict[str, Any] = {}
    for owner in [c for c in reversed(cls.__mro__) if issubclass(c, BaseModel) and c is not BaseModel]:
        for name, value in owner.__dict__.items():
            if name.startswith("__") or name in ("model_config", "model_fields") or name in plan.infos:
                continue
            namespace[name] = _decorated(value) if isinstance(value, Decorated) else value
    for name, info in plan.infos.items():
        annotations[name] = translate(hints[name])
        namespace[name] = pydantic.Field(**info.pydantic_kwargs())
    namespace["__annotations__"] = annotations
    namespace["model_config"] = pydantic.ConfigDict(**cls.model_config)  # type: ignore[typeddict-item]
    made = type(cls.__name__, _bases(cls), namespace)
    _TWINS[cls] = made
    _LIGHT[made] = cls
    return made


def _bases(cls: type[BaseModel]) -> tuple[type, ...]:
    """The twins of ``cls``'s own bases: pydantic accepts a subclass's instance for a field of its
    base's type (``OperatorRow`` in ``Report.rows``), so the twins must be subclasses too. Each twin
    still declares every field and validator itself, as the light class sees them."""
    import pydantic

    from app.wire.light.model import BaseModel

    bases = [
        twin_of(base) if base is not BaseModel else pydantic.BaseModel
        for base in cls.__bases__
        if issubclass(base, BaseModel)
    ]
    return tuple(bases) or (pydantic.BaseModel,)


def _decorated(item: Decorated) -> Any:
    import pydantic

    if item.kind == "model_validator":
        return pydantic.model_validator(mode=item.mode)(item.func)  # type: ignore[call-overload]
    if item.kind == "field_validator":
        func = item.func if isinstance(item.func, classmethod) else classmethod(item.func)
        return pydantic.field_validator(*item.fields, mode=item.mode)(func)  # type: ignore[call-overload]
    return pydantic.model_serializer(mode=item.mode)(item.func)  # type: ignore[call-overload]


def translate(hint: Any) -> Any:
    """``hint`` with every light class, marker and metadata replaced by pydantic's."""
    import pydantic

    from app.wire.light.model import BaseModel

    origin = get_origin(hint)
    if origin is Annotated:
        base, *metadata = get_args(hint)
        return Annotated.__class_getitem__((translate(base), *map(_metadata, metadata)))
    if hint is AwareDatetime:
        return pydantic.AwareDatetime
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        made = twin_of(hint)
        if made is None:
            raise Unsupported(f"recursive model {hint.__name__}")
        return made
    if origin in (Union, types.UnionType):
        return Union[tuple(translate(a) for a in get_args(hint))]  # noqa: UP007 - built from a tuple
    if origin in (list, dict, tuple, set, frozenset):
        return origin[tuple(a if a is Ellipsis else translate(a) for a in get_args(hint))]
    if origin in (Literal, ClassVar) or origin is None:
        return hint
    raise Unsupported(repr(hint))


def _metadata(item: Any) -> Any:
    import pydantic

    if isinstance(item, FieldInfo):
        return pydantic.Field(**item.pydantic_kwargs())
    if isinstance(item, StringConstraints):
        return pydantic.StringConstraints(**item.given())
    if isinstance(item, AfterValidator):
        return pydantic.AfterValidator(item.func)
    if isinstance(item, WrapValidator):
        return pydantic.WrapValidator(_light_handler(item.func))
    return item


def _light_handler(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` given a handler that raises our :class:`ValidationError` (what it catches)."""
    import pydantic_core

    def handler_of(handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def run(value: Any) -> Any:
            try:
                return handler(value)
            except pydantic_core.ValidationError as exc:
                raise _ours(exc) from None

        return run

    if len(inspect.signature(func).parameters) > 2:
        return lambda value, handler, info: func(value, handler_of(handler), info)
    return lambda value, handler: func(value, handler_of(handler))


def _ours(exc: Any) -> ValidationError:
    return ValidationError(exc.title, [dict(e) for e in exc.errors()], str(exc))


def light(value: Any) -> Any:
    """A value the twin made, with every pydantic instance turned into its light class."""
    kind: Any = _LIGHT.get(type(value))
    if kind is not None:
        model = kind.__new__(kind)
        object.__setattr__(model, "__dict__", {k: light(v) for k, v in value.__dict__.items()})
        object.__setattr__(model, "__pydantic_fields_set__", set(value.model_fields_set))
        return model
    return _inside(value, light)


def _inside(value: Any, convert: Callable[[Any], Any]) -> Any:
    """``value`` with ``convert`` applied inside its lists, tuples and dicts (itself when none)."""
    if type(value) is list:
        return [convert(v) for v in value]
    if type(value) is tuple:
        return tuple(convert(v) for v in value)
    if type(value) is dict:
        return {k: convert(v) for k, v in value.items()}
    return value


def validate(cls: type[BaseModel], obj: Any, context: Any) -> Any:
    """``cls.model_validate(obj)`` as pydantic answers it (our :class:`ValidationError` for its)."""
    return _decide(cls, "model_validate", _pydantic(obj), context)


def validate_json(cls: type[BaseModel], data: Any, context: Any) -> Any:
    """``cls.model_validate_json(data)`` as pydantic answers it."""
    return _decide(cls, "model_validate_json", data, context)


def _decide(cls: type[BaseModel], method: str, given: Any, context: Any) -> Any:
    import pydantic_core

    consulted(cls.__name__)
    try:
        return light(getattr(twin_of(cls), method)(given, context=context))
    except pydantic_core.ValidationError as exc:
        raise _ours(exc) from None


def _pydantic(value: Any) -> Any:
    """A value given to a twin: light instances inside it become twin instances."""
    from app.wire.light.model import BaseModel

    if isinstance(value, BaseModel):
        made = twin_of(type(value))
        return made.model_construct(
            _fields_set=set(value.__pydantic_fields_set__),
            **{k: _pydantic(v) for k, v in value.__dict__.items()},
        )
    return _inside(value, _pydantic)


def dump(model: BaseModel, **options: Any) -> Any:
    consulted(type(model).__name__)
    return _pydantic(model).model_dump(**options)


def dump_json(model: BaseModel, **options: Any) -> str:
    consulted(type(model).__name__)
    return _pydantic(model).model_dump_json(**options)  # type: ignore[no-any-return]
