"""Turning light models back into Python values and JSON, as pydantic's ``model_dump`` does.

By the runtime type of each value (what pydantic does for ``Any``, and what its typed serializers give
for values of their own type): a moment in UTC ends in ``Z``, an enum is its value in JSON mode and
itself in Python mode, a tuple is a list in JSON, a float that is not finite is ``null`` in JSON.
JSON text is compact and keeps non-ASCII characters, and writes floats, as pydantic writes them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class Options:
    json: bool
    exclude_unset: bool = False
    exclude_none: bool = False
    text: bool = False
    """For JSON text: a float that is not finite becomes ``null`` (``model_dump(mode="json")`` keeps it)."""


def model(obj: Any, options: Options, include: Collection[str] | None = None,
          exclude: Collection[str] | None = None) -> dict[str, Any]:  # fmt: skip
    """``obj.model_dump(...)``: through its ``model_serializer`` when it has one."""
    plan = type(obj)._light_plan()

    def plain(_obj: Any = obj) -> dict[str, Any]:
        out: dict[str, Any] = {}
        fields_set = obj.__pydantic_fields_set__
        for name, value in obj.__dict__.items():
            if name not in plan.infos:  # put there by ``model_copy(update=...)``: pydantic skips it
                continue
            if include is not None and name not in include:
                continue
            if exclude is not None and name in exclude:
                continue
            if options.exclude_unset and name not in fields_set:
                continue
            if options.exclude_none and value is None:
                continue
            out[name] = _value(value, options)
        return out

    if plan.serializer is not None:
        return _value(plan.serializer.func(obj, plain), options)  # type: ignore[no-any-return]
    return plain()


def _value(value: Any, options: Options) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return None if options.text and not math.isfinite(value) else value
    if kind is dict:
        if options.json:
            return {_key(k): _value(v, options) for k, v in value.items()}
        return {k: _value(v, options) for k, v in value.items()}
    if kind is list:
        return [_value(v, options) for v in value]
    if hasattr(value, "_light_plan"):
        return model(value, options)
    if isinstance(value, Enum):
        return _value(value.value, options) if options.json else value
    if kind is tuple:
        items = [_value(v, options) for v in value]
        return items if options.json else tuple(items)
    if isinstance(value, (set, frozenset)):
        items = [_value(v, options) for v in value]
        return items if options.json else kind(items)
    if not options.json:
        return value
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        raise TypeError("timedelta is not serialised by the light engine")
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    raise TypeError(f"cannot serialise {kind.__name__} to JSON")


def _key(key: Any) -> Any:
    if isinstance(key, Enum):
        key = key.value
    return key if type(key) is str else str(key) if not isinstance(key, bool) else str(key).lower()


def moment(value: datetime) -> str:
    """pydantic's form of a moment: ISO 8601, ``Z`` for UTC, microseconds only when there are some."""
    text = value.isoformat()
    offset = value.utcoffset()
    if offset is not None and (offset.seconds % 60 or offset.microseconds):
        # a zone's local mean time (Moscow's +02:30:17 before 1880): pydantic keeps hours and minutes
        return text[: -10 if offset.microseconds else -3]
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def text(data: Any, indent: int | None = None) -> str:
    if indent is None:
        written = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    else:
        written = json.dumps(data, ensure_ascii=False, indent=indent, allow_nan=False)
    return _TINY.sub(_tiny, written) if "e-" in written else written


_TINY = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?\d+(?:\.\d+)?e-\d+)')
"""A string (skipped whole) or a float Python writes with a negative exponent."""


def _tiny(found: re.Match[str]) -> str:
    """A float below 1e-4 as pydantic writes it: ``0.00001`` (Python: ``1e-05``), ``1e-7`` (``1e-07``)."""
    number = found.group(1)
    if number is None:
        return found.group(0)
    mantissa, _, exponent = number.partition("e-")
    if int(exponent) == 5:
        sign = "-" if mantissa.startswith("-") else ""
        return f"{sign}0.0000{mantissa.lstrip('-').replace('.', '')}"
    return f"{mantissa}e-{int(exponent)}"
