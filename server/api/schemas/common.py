"""Path parameters shared by the routes. Body field types (names, text, lengths) come from the
wire format, ``app.wire.common``, like every body the desktop also sends or reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from app.wire.common import MAX_INT32, MAX_INT64

__all__ = ["MAX_INT32", "MAX_INT64", "BigIdPath", "UserIdPath"]

#: Path parameters for INTEGER and BIGINT keys: out-of-range numbers are a 422, not a driver error.
UserIdPath = Annotated[int, Path(ge=1, le=MAX_INT32)]
BigIdPath = Annotated[int, Path(ge=1, le=MAX_INT64)]
