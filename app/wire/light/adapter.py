"""``TypeAdapter`` of the light engine: a bare type (a list of models, an annotated ``str``) checked
like a model's field, with pydantic's adapter deciding what the light check refuses."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Generic, TypeVar

from app.wire.light import dump, twin
from app.wire.light.checks import Check, compile_hint, refuse
from app.wire.light.declare import Refused, Unsupported, ValidationError
from app.wire.light.jsontext import parse

T = TypeVar("T")


class TypeAdapter(Generic[T]):
    def __init__(self, hint: Any, *, config: dict[str, Any] | None = None) -> None:
        self.hint = hint
        self.config = dict(config or {})
        self._check: Check | None = None

    @property
    def check(self) -> Check:
        if self._check is None:
            try:
                self._check = compile_hint(self.hint)
            except Unsupported:
                self._check = refuse
        return self._check

    @cached_property
    def twin(self) -> Any:
        import pydantic

        config = pydantic.ConfigDict(**self.config) if self.config else None  # type: ignore[typeddict-item]
        return pydantic.TypeAdapter(twin.translate(self.hint), config=config)

    def validate_python(self, value: Any, *, context: Any = None) -> T:
        try:
            return self.check(value, context)  # type: ignore[no-any-return]
        except Refused:
            return self._twin("validate_python", twin._pydantic(value), context)

    def validate_json(self, data: str | bytes | bytearray, *, context: Any = None) -> T:
        try:
            return self.check(parse(data), context)  # type: ignore[no-any-return]
        except Refused:
            return self._twin("validate_json", data, context)

    def _twin(self, method: str, value: Any, context: Any) -> T:
        import pydantic_core

        twin.consulted(f"TypeAdapter({self.hint!r})")
        try:
            return twin.light(getattr(self.twin, method)(value, context=context))  # type: ignore[no-any-return]
        except pydantic_core.ValidationError as exc:
            raise ValidationError(exc.title, list(map(dict, exc.errors())), str(exc)) from None

    def dump_python(self, value: Any, *, mode: str = "python") -> Any:
        return dump._value(value, dump.Options(mode == "json"))

    def dump_json(self, value: Any, *, indent: int | None = None) -> bytes:
        return dump.text(dump._value(value, dump.Options(True, text=True)), indent).encode()
