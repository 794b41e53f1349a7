"""``BaseModel`` of the light engine: pydantic's interface as this project uses it, without pydantic.

A class is only recorded when defined; its checks are compiled on its first use (most of the models
the desk imports are never used in a given session). A value is checked by
:mod:`app.wire.light.checks`; when it is refused, or the class has a hint the light engine does not
check, the class's pydantic twin (:mod:`app.wire.light.twin`) decides and its result or its
:class:`ValidationError` is returned, so callers see exactly what pydantic would give them.
"""

from __future__ import annotations

import copy
import inspect
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, get_origin

from app.wire.light import dump, twin
from app.wire.light.checks import Check, compile_hint, refuse
from app.wire.light.declare import _MISSING, Decorated, FieldInfo, Refused, Unsupported, ValidationInfo
from app.wire.light.jsontext import parse


@dataclass(slots=True)
class _Field:
    name: str
    check: Check
    info: FieldInfo
    validators: list[tuple[Callable[..., Any], bool]]

    def default(self) -> Any:
        """The value of the field when it is not given (``_MISSING``: it is required)."""
        if self.info.default_factory is not None:
            return self.info.default_factory()
        return _copied(self.info.default)


@dataclass
class Plan:
    """A class's compiled checks (``supported`` False: pydantic checks it)."""

    fields: dict[str, _Field]
    infos: dict[str, FieldInfo]
    after: list[tuple[Callable[..., Any], bool]]
    extra: str
    serializer: Decorated | None
    supported: bool


def _takes_info(func: Callable[..., Any], plain: int) -> bool:
    target = func.__func__ if isinstance(func, (classmethod, staticmethod)) else func
    return len(inspect.signature(target).parameters) > plain


class _ModelFields:
    def __get__(self, obj: Any, owner: type[BaseModel]) -> dict[str, FieldInfo]:
        return owner._light_plan().infos


class BaseModel:
    """A wire model: fields from the class's annotations, checked on creation."""

    __slots__ = ("__dict__", "__pydantic_fields_set__")
    model_config: ClassVar[dict[str, Any]] = {}
    model_fields: ClassVar[Any] = _ModelFields()
    __light_plan__: ClassVar[Plan | None] = None
    __pydantic_fields_set__: set[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__light_plan__ = None
        config: dict[str, Any] = {}
        for base in reversed(cls.__mro__):
            config.update(base.__dict__.get("model_config") or {})
        cls.model_config = config

    # -- building ---------------------------------------------------------------------------------------

    @classmethod
    def _light_plan(cls) -> Plan:
        plan = cls.__dict__.get("__light_plan__")
        if plan is None:
            plan = cls._light_compile()
            cls.__light_plan__ = plan
        return plan

    @classmethod
    def _light_compile(cls) -> Plan:
        hints = typing.get_type_hints(cls, include_extras=True)
        owners = [c for c in reversed(cls.__mro__) if issubclass(c, BaseModel) and c is not BaseModel]
        decorated: dict[str, Decorated] = {}
        defaults: dict[str, Any] = {}
        for owner in owners:
            for name, value in owner.__dict__.items():
                if isinstance(value, Decorated):
                    decorated[name] = value
                elif name in inspect.get_annotations(owner):
                    defaults[name] = value
        extra = cls.model_config.get("extra", "ignore")
        supported = extra in ("ignore", "forbid")
        fields: dict[str, _Field] = {}
        infos: dict[str, FieldInfo] = {}
        for name, hint in hints.items():
            if name.startswith("_") or get_origin(hint) is ClassVar:
                continue
            given = defaults.get(name, _MISSING)
            info = given if isinstance(given, FieldInfo) else FieldInfo(given)
            info.annotation = hint
            infos[name] = info
            try:
                check = compile_hint(typing.Annotated[hint, info] if info.constraints else hint)
            except Unsupported:
                check, supported = refuse, False
            fields[name] = _Field(name, check, info, [])
        after: list[tuple[Callable[..., Any], bool]] = []
        serializer = None
        for item in decorated.values():
            if item.kind == "field_validator" and item.mode == "after":
                for name in item.fields:
                    bound = item.func.__get__(None, cls)
                    fields[name].validators.append((bound, _takes_info(item.func, 2)))
            elif item.kind == "model_validator" and item.mode == "after":
                after.append((item.func, _takes_info(item.func, 1)))
            elif item.kind == "model_serializer" and item.mode == "wrap":
                serializer = item
            else:
                supported = False
        return Plan(fields, infos, after, extra, serializer, supported)

    # -- checking ---------------------------------------------------------------------------------------

    @classmethod
    def _light_from_dict(cls, data: dict[str, Any], context: Any) -> Any:
        """The light check of one dict (nested ones included): refuses what it does not accept."""
        plan = cls._light_plan()
        if not plan.supported:
            raise Refused("unsupported")
        values: dict[str, Any] = {}
        given: set[str] = set()
        for name, spec in plan.fields.items():
            if name in data:
                value = spec.check(data[name], context)
                for func, with_info in spec.validators:
                    try:
                        value = (
                            func(value, ValidationInfo(context, values, name)) if with_info else func(value)
                        )
                    except (ValueError, AssertionError):
                        raise Refused() from None
                values[name] = value
                given.add(name)
            elif (value := spec.default()) is not _MISSING:
                values[name] = value
            else:
                raise Refused()
        if plan.extra == "forbid" and len(given) != len(data):
            raise Refused()
        model = cls.__new__(cls)
        object.__setattr__(model, "__dict__", values)
        object.__setattr__(model, "__pydantic_fields_set__", given)
        for func, with_info in plan.after:
            try:
                model = func(model, ValidationInfo(context)) if with_info else func(model)
            except (ValueError, AssertionError):
                raise Refused() from None
        return model

    @classmethod
    def model_validate(cls, obj: Any, *, strict: bool | None = None, context: Any = None) -> Any:
        if isinstance(obj, cls):
            return obj
        if type(obj) is dict:
            try:
                return cls._light_from_dict(obj, context)
            except Refused:
                pass
        return twin.validate(cls, obj, context)

    @classmethod
    def model_validate_json(cls, data: str | bytes | bytearray, *, context: Any = None) -> Any:
        try:
            obj = parse(data)
            if type(obj) is dict:
                return cls._light_from_dict(obj, context)
        except Refused:
            pass
        return twin.validate_json(cls, data, context)

    def __init__(self, **data: Any) -> None:
        made = type(self).model_validate(data)
        object.__setattr__(self, "__dict__", made.__dict__)
        object.__setattr__(self, "__pydantic_fields_set__", made.__pydantic_fields_set__)

    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Any:
        plan = cls._light_plan()
        model = cls.__new__(cls)
        filled: dict[str, Any] = {}
        for name, spec in plan.fields.items():
            if name in values:
                filled[name] = values[name]
            elif (value := spec.default()) is not _MISSING:
                filled[name] = value
        object.__setattr__(model, "__dict__", filled)
        fields_set = set(values) & set(plan.fields) if _fields_set is None else set(_fields_set)
        object.__setattr__(model, "__pydantic_fields_set__", fields_set)
        return model

    # -- reading ----------------------------------------------------------------------------------------

    @property
    def model_fields_set(self) -> set[str]:
        fields_set: set[str] = self.__pydantic_fields_set__
        return fields_set

    def model_dump(
        self,
        *,
        mode: str = "python",
        include: Any = None,
        exclude: Any = None,
        exclude_unset: bool = False,
        exclude_none: bool = False,
        exclude_defaults: bool = False,
        by_alias: bool | None = None,
    ) -> dict[str, Any]:
        if exclude_defaults or (include is not None and not isinstance(include, (set, frozenset))):
            dumped_by_pydantic: dict[str, Any] = twin.dump(
                self, mode=mode, include=include, exclude=exclude, exclude_unset=exclude_unset,
                exclude_none=exclude_none, exclude_defaults=exclude_defaults,
            )  # fmt: skip
            return dumped_by_pydantic
        options = dump.Options(mode == "json", exclude_unset, exclude_none)
        dumped: dict[str, Any] = dump.model(self, options, include, exclude)
        return dumped

    def _light_text(self, include: Any, exclude: Any, exclude_unset: bool, exclude_none: bool) -> Any:
        options = dump.Options(True, exclude_unset, exclude_none, text=True)
        return dump.model(self, options, include, exclude)

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        include: Any = None,
        exclude: Any = None,
        exclude_unset: bool = False,
        exclude_none: bool = False,
        by_alias: bool | None = None,
    ) -> str:
        if include is not None and not isinstance(include, (set, frozenset)):
            return twin.dump_json(self, include=include, exclude=exclude, exclude_unset=exclude_unset,
                                  exclude_none=exclude_none, indent=indent)  # fmt: skip
        return dump.text(self._light_text(include, exclude, exclude_unset, exclude_none), indent)

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any:
        copied = self.__deepcopy__() if deep else self.__copy__()
        if update:
            copied.__dict__.update(update)
            copied.__pydantic_fields_set__.update(update)
        return copied

    def __copy__(self) -> Any:
        model = type(self).__new__(type(self))
        object.__setattr__(model, "__dict__", dict(self.__dict__))
        object.__setattr__(model, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        return model

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        model = type(self).__new__(type(self))
        object.__setattr__(model, "__dict__", copy.deepcopy(self.__dict__, memo))
        object.__setattr__(model, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        return model

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self)._light_plan().fields:
            self.__dict__[name] = value
            self.__pydantic_fields_set__.add(name)
        elif name.startswith("_") or isinstance(getattr(type(self), name, None), property):
            object.__setattr__(self, name, value)  # pydantic keeps an undeclared ``_name`` in __dict__
        else:
            raise ValueError(f'"{type(self).__name__}" object has no field "{name}"')

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseModel):
            return NotImplemented
        if type(self) is not type(other):
            return False
        if self.__dict__ == other.__dict__:
            return True
        # as pydantic: what ``model_copy(update=...)`` or a ``_name`` added is not compared
        names = type(self)._light_plan().infos
        return tuple(self.__dict__.get(k, _MISSING) for k in names) == tuple(
            other.__dict__.get(k, _MISSING) for k in names
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like pydantic's (not frozen)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        yield from ((k, v) for k, v in self.__dict__.items() if not k.startswith("_"))

    def __repr_args__(self) -> list[tuple[str, Any]]:
        shown = type(self)._light_plan().infos
        return [(k, v) for k, v in self.__dict__.items() if k in shown and shown[k].kwargs.get("repr", True)]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__repr_args__())})"

    def __str__(self) -> str:
        return " ".join(f"{k}={v!r}" for k, v in self.__repr_args__())

    def __getstate__(self) -> dict[str, Any]:
        return {"__dict__": self.__dict__, "__pydantic_fields_set__": self.__pydantic_fields_set__}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "__dict__", state["__dict__"])
        object.__setattr__(self, "__pydantic_fields_set__", state["__pydantic_fields_set__"])


def _copied(default: Any) -> Any:
    """A default as pydantic gives it: a mutable one copied per instance."""
    return copy.deepcopy(default) if type(default) in (list, dict, set) else default
