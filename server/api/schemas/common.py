"""Building blocks for request bodies: unknown fields refused, text checked for control characters.

Text is stored verbatim (quotes, SQL, Cyrillic, emoji all round-trip); what is refused is what a
database cannot store or a log line would misrender: NUL and other control characters.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

MAX_INT32 = 2**31 - 1
MAX_INT64 = 2**63 - 1


class StrictModel(BaseModel):
    """Base of every request body: an unknown field is a 422, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def no_control_chars(value: str) -> str:
    """Refuse C0/C1 control characters (single-line text: names, codes)."""
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in value):
        raise ValueError("must not contain control characters")
    return value


def no_nul(value: str) -> str:
    """Refuse NUL only (multi-line text such as comments may hold newlines and tabs)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def no_edge_spaces(value: str) -> str:
    if value != value.strip():
        raise ValueError("must not start or end with spaces")
    return value


Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(no_control_chars),
    AfterValidator(no_edge_spaces),
]
MultilineText = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(no_nul)]

#: Path parameters for INTEGER and BIGINT keys: out-of-range numbers are a 422, not a driver error.
UserIdPath = Annotated[int, Path(ge=1, le=MAX_INT32)]
BigIdPath = Annotated[int, Path(ge=1, le=MAX_INT64)]
