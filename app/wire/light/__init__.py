"""The light wire engine: pydantic's interface for the models in :mod:`app.wire`, without pydantic.

The desktop checks and writes the server's answers and its own requests with it (pydantic and the
models it builds cost the desk ~14 MB and most of its import time: issue 15). What it accepts, pydantic
accepts with the same result; what it refuses goes to pydantic itself (:mod:`.twin`), loaded only then.
Chosen per process by :mod:`app.wire.engine`; the server always uses pydantic.
"""

from app.wire.light.adapter import TypeAdapter
from app.wire.light.declare import (
    AfterValidator,
    AwareDatetime,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_serializer,
    model_validator,
)
from app.wire.light.model import BaseModel

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
