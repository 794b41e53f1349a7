"""Constraints on a checked value (``StringConstraints``, ``Field(ge=..., max_length=...)``), as pydantic
applies them: blanks stripped first, then length in characters, pattern, bounds. Like every light
check, it refuses what pydantic might judge differently (a pattern against text with a line break)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from app.wire.light.declare import Refused, Unsupported

Check = Callable[[Any, Any], Any]
_REFUSED = Refused()
_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
"""What pydantic's ``strip_whitespace`` strips (Rust's ``trim``: Unicode White_Space). Python's bare
``strip()`` also strips U+001C..U+001F, which pydantic keeps."""


_KNOWN = frozenset(
    {"strip_whitespace", "min_length", "max_length", "pattern", "ge", "le", "gt", "lt", "allow_inf_nan"}
)


def constrained(inner: Check, given: dict[str, Any]) -> Check:
    """Length, pattern and bounds on what ``inner`` returns (``None`` passes: a nullable field)."""
    unknown = set(given) - _KNOWN
    if unknown:
        raise Unsupported(f"constraints {sorted(unknown)}")
    strip = bool(given.get("strip_whitespace"))
    low, high = given.get("min_length"), given.get("max_length")
    pattern = re.compile(given["pattern"]) if given.get("pattern") is not None else None
    ge, le, gt, lt = (given.get(k) for k in ("ge", "le", "gt", "lt"))
    finite = given.get("allow_inf_nan") is False

    def check(value: Any, context: Any) -> Any:
        value = inner(value, context)
        if value is None:
            return value
        if strip and type(value) is str:
            value = value.strip(_SPACE)
        if low is not None or high is not None:
            if not isinstance(value, (str, list, tuple, dict)):
                raise _REFUSED
            size = len(value)
            if (low is not None and size < low) or (high is not None and size > high):
                raise _REFUSED
        if pattern is not None and (
            type(value) is not str or "\n" in value or not pattern.search(value)
        ):  # Python's ``$`` also matches before a final line break, pydantic's (Rust's) does not
            raise _REFUSED
        if ge is not None or le is not None or gt is not None or lt is not None or finite:
            if type(value) not in (int, float):
                raise _REFUSED
            if finite and not math.isfinite(value):
                raise _REFUSED
            if math.isnan(value):
                raise _REFUSED
            if (ge is not None and value < ge) or (le is not None and value > le):
                raise _REFUSED
            if (gt is not None and value <= gt) or (lt is not None and value >= lt):
                raise _REFUSED
        return value

    return check
