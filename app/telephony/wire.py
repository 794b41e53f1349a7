"""JSON-lines encoding of telephony commands and events.

One JSON object per line, tagged by its ``type`` field. Decoding checks every field against the
dataclass definitions (:mod:`app.telephony.shapes`), so a garbled or hostile line becomes a
:class:`WireError` with a clear message instead of a half-built object.

No pydantic here (issue 15): the telephony service imports this module and nothing else that needs
pydantic, whose adapters for the two unions cost it ~17 MB and 0.2-0.5 s of its start. The lines are
the same as pydantic wrote them (``tests/unit/test_wire.py`` compares both for every message type).
"""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

from app.telephony.commands import Command
from app.telephony.events import Event
from app.telephony.process import MAX_LINE_BYTES
from app.telephony.shapes import ShapeError, build, plain

__all__ = ["MAX_LINE_BYTES", "WireError", "decode_command", "decode_event", "encode"]


class WireError(ValueError):
    """A line that is not a valid command or event."""


def _by_tag(union: Any) -> dict[str, type[Any]]:
    """Each message class of a union by its ``type`` tag (the field's default)."""
    tags: dict[str, type[Any]] = {}
    for cls in typing.get_args(union):
        tag = next(f.default for f in dataclasses.fields(cls) if f.name == "type")
        tags[str(tag)] = cls
    return tags


_EVENTS = _by_tag(Event)
_COMMANDS = _by_tag(Command)


def encode(message: Event | Command) -> bytes:
    """Serialise one command or event as a UTF-8 JSON line (newline included)."""
    payload = plain(message)
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def decode_event(line: bytes | str) -> Event:
    """Parse one event line; raises :class:`WireError` on anything malformed."""
    return _decode(_EVENTS, line)  # type: ignore[no-any-return]


def decode_command(line: bytes | str) -> Command:
    """Parse one command line; raises :class:`WireError` on anything malformed."""
    return _decode(_COMMANDS, line)  # type: ignore[no-any-return]


def _decode(tags: dict[str, type[Any]], line: bytes | str) -> Any:
    if len(line) > MAX_LINE_BYTES:
        raise WireError(f"line of {len(line)} bytes is longer than {MAX_LINE_BYTES}")
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WireError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise WireError("a message must be a JSON object")
    tag = data.get("type")
    cls = tags.get(tag) if isinstance(tag, str) else None
    if cls is None:
        expected = ", ".join(repr(t) for t in tags)
        raise WireError(f"invalid {tag!r} message: type: does not match any of {expected}")
    try:
        return build(cls, data)
    except ShapeError as exc:
        raise WireError(f"invalid {tag!r} message: {exc}") from None
