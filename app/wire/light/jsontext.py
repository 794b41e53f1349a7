"""Reading JSON text for the light engine: only what pydantic's own parser reads the same way.

Python's ``json`` is more lenient than pydantic's (jiter): it reads ``NaN`` and ``Infinity``, UTF-16
bytes, a lone surrogate escape (``"\\ud800"``) and numbers too large for a float (as infinity). Each of
those is refused here, so pydantic decides (and says why) instead of the light engine accepting it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from app.wire.light.declare import Refused

_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE = re.compile("[\ud800-\udfff]")


def _constant(_name: str) -> Any:
    raise Refused("NaN or Infinity")


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Refused("a number out of range")
    return value


_DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_number)


def parse(data: str | bytes | bytearray) -> Any:
    """The value ``data`` holds; :class:`Refused` for anything pydantic might read differently."""
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("not UTF-8") from None
    elif not data.isascii() and _LONE.search(data):  # pydantic reads text as UTF-8: it has none
        raise Refused("a lone surrogate")
    if "\\u" in data and _SURROGATE.search(data):
        raise Refused("a surrogate escape")
    try:
        return _DECODER.decode(data)
    except ValueError:  # JSONDecodeError, a BOM
        raise Refused("not JSON") from None
    except RecursionError:  # nested some 1000 levels deep (jiter stops at 201: pydantic says so)
        raise Refused("nested too deep") from None
