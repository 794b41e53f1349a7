"""Path parameters shared by the routes. Body field types (names, text, lengths) come from the
wire format, ``app.wire.common``, like every body the desktop also sends or reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_INT32 = 2**31 - 1
MAX_INT64 = 2**63 - 1

#: Path parameters for INTEGER and BIGINT keys: out-of-range numbers are a 422, not a driver error.
UserIdPath = Annotated[int, Path(ge=1, le=MAX_INT32)]
BigIdPath = Annotated[int, Path(ge=1, le=MAX_INT64)]
