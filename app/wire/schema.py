"""The names the wire models are declared with: pydantic's, or the light engine's on the desktop.

Every module of :mod:`app.wire`, and the desk's code that handles their errors, imports these names
from here rather than from pydantic, so one declaration serves the server (pydantic) and the desk
(:mod:`app.wire.light`, when :mod:`app.wire.engine` says so). Type checkers see pydantic's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.wire import engine

if TYPE_CHECKING or not engine.light():
    from pydantic import (
        AfterValidator,
        AwareDatetime,
        BaseModel,
        ConfigDict,
        Field,
        SerializerFunctionWrapHandler,
        StringConstraints,
        TypeAdapter,
        ValidationError,
        ValidationInfo,
        ValidatorFunctionWrapHandler,
        WrapValidator,
        field_validator,
        model_serializer,
        model_validator,
    )
else:  # the same names, from the light engine
    from app.wire import light as _light

    globals().update({name: getattr(_light, name) for name in _light.__all__})

__all__ = [
    "AfterValidator",
    "AwareDatetime",
    "BaseModel",
    "ConfigDict",
    "Field",
    "SerializerFunctionWrapHandler",
    "StringConstraints",
    "TypeAdapter",
    "ValidationError",
    "ValidationInfo",
    "ValidatorFunctionWrapHandler",
    "WrapValidator",
    "field_validator",
    "model_serializer",
    "model_validator",
]
