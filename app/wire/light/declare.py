"""What a wire model is declared with, in the light engine: the same names and arguments as pydantic's.

Every object here only records what it was given. :mod:`app.wire.light.checks` reads the records to
check values itself, and :mod:`app.wire.light.twin` hands the very same arguments to pydantic when a
value is refused (pydantic then says why, word for word as on the server).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

_NOTHING: Mapping[str, Any] = MappingProxyType({})
_MISSING: Any = type("Missing", (), {"__repr__": lambda self: "PydanticUndefined"})()
"""No default was given: the field is required."""


class FieldInfo:
    """``Field(...)``: a default (or a factory) and constraints, as given."""

    __slots__ = ("annotation", "constraints", "default", "default_factory", "kwargs")

    def __init__(self, default: Any = _MISSING, **kwargs: Any) -> None:
        self.default = default
        self.default_factory: Callable[[], Any] | None = kwargs.pop("default_factory", None)
        self.kwargs: Mapping[str, Any] = kwargs or _NOTHING  # most fields have a default only
        self.constraints: Mapping[str, Any] = {
            k: v for k, v in kwargs.items() if k not in ("repr", "description", "title", "examples")
        } or _NOTHING
        self.annotation: Any = None

    def is_required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None

    def pydantic_kwargs(self) -> dict[str, Any]:
        """The arguments to give ``pydantic.Field`` for the same field."""
        given = dict(self.kwargs)
        if self.default is not _MISSING:
            given["default"] = self.default
        if self.default_factory is not None:
            given["default_factory"] = self.default_factory
        return given

    def __repr__(self) -> str:
        return f"FieldInfo(default={self.default!r}, {self.kwargs!r})"


def Field(default: Any = _MISSING, **kwargs: Any) -> Any:
    """pydantic's ``Field``: recorded, read by the light engine and its twin alike."""
    return FieldInfo(default, **kwargs)


@dataclass(frozen=True)
class StringConstraints:
    """pydantic's ``StringConstraints`` (the arguments this project uses)."""

    strip_whitespace: bool | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None

    def given(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class AfterValidator:
    """Runs ``func`` on the value once its type is checked."""

    func: Callable[..., Any]


@dataclass(frozen=True)
class WrapValidator:
    """Runs ``func(value, handler)``; ``handler`` checks the type (and raises :class:`ValidationError`)."""

    func: Callable[..., Any]


class AwareDatetime(datetime):
    """A moment with a UTC offset: a naive one is refused (used in annotations only, like pydantic's)."""


ValidatorFunctionWrapHandler = Callable[[Any], Any]
SerializerFunctionWrapHandler = Callable[[Any], Any]


def ConfigDict(**kwargs: Any) -> dict[str, Any]:
    return dict(kwargs)


@dataclass
class ValidationInfo:
    """What a validator taking ``info`` gets: the ``context`` given to ``model_validate``."""

    context: Any = None
    data: dict[str, Any] = field(default_factory=dict)
    field_name: str | None = None
    mode: str = "python"


class ValidationError(ValueError):
    """A value was refused; ``errors()`` is pydantic's list (its twin checked the same value).

    The light engine raises :class:`Refused` (a subclass) inside its own checks, without the details:
    a wrap validator's ``except ValidationError`` catches it as it would pydantic's.
    """

    def __init__(self, title: str, errors: list[dict[str, Any]], text: str = "") -> None:
        super().__init__(text or title)
        self.title = title
        self._errors = errors
        self._text = text

    def errors(
        self, *, include_url: bool = True, include_context: bool = True, include_input: bool = True
    ) -> list[dict[str, Any]]:
        found = []
        for given in self._errors:
            error = dict(given)
            if not include_url:
                error.pop("url", None)
            if not include_context:
                error.pop("ctx", None)
            if not include_input:
                error.pop("input", None)
            found.append(error)
        return found

    def error_count(self) -> int:
        return len(self._errors)

    def __str__(self) -> str:
        return self._text or self.title


class Refused(ValidationError):
    """The light engine's own refusal: no details (its twin, pydantic, gives them)."""

    def __init__(self, why: str = "refused") -> None:
        super().__init__("light", [{"type": "value_error", "loc": (), "msg": why, "input": None}], why)


class Unsupported(Exception):
    """A type the light engine does not check itself: its model is checked by pydantic instead."""


@dataclass(frozen=True)
class Decorated:
    """A validator or serializer method, as declared in the class body."""

    kind: str  # "model_validator", "field_validator", "model_serializer"
    func: Callable[..., Any]
    mode: str
    fields: tuple[str, ...] = ()

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        return self.func.__get__(obj, owner) if hasattr(self.func, "__get__") else self.func


def model_validator(*, mode: str) -> Callable[[Callable[..., Any]], Any]:
    return lambda func: Decorated("model_validator", func, mode)


def field_validator(*fields: str, mode: str = "after") -> Callable[[Callable[..., Any]], Any]:
    return lambda func: Decorated("field_validator", func, mode, fields)


def model_serializer(*, mode: str = "plain") -> Callable[[Callable[..., Any]], Any]:
    return lambda func: Decorated("model_serializer", func, mode)
