"""JSON-lines encoding of telephony commands and events.

One JSON object per line, tagged by its ``type`` field. Decoding validates every field against the
dataclass definitions (pydantic), so a garbled or hostile line becomes a :class:`WireError` with a clear
message instead of a half-built object.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from app.telephony.commands import Command
from app.telephony.events import Event

_EVENTS: TypeAdapter[Any] = TypeAdapter(Annotated[Event, Field(discriminator="type")])
_COMMANDS: TypeAdapter[Any] = TypeAdapter(Annotated[Command, Field(discriminator="type")])

MAX_LINE_BYTES = 1 << 20
"""Longest line accepted: a SIP INVITE can carry big headers, but a megabyte is certainly garbage."""


class WireError(ValueError):
    """A line that is not a valid command or event."""


def encode(message: Event | Command) -> bytes:
    """Serialise one command or event as a UTF-8 JSON line (newline included)."""
    adapter = _EVENTS if _is_event(message) else _COMMANDS
    payload = adapter.dump_python(message, mode="json")
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def decode_event(line: bytes | str) -> Event:
    """Parse one event line; raises :class:`WireError` on anything malformed."""
    return _decode(_EVENTS, line)  # type: ignore[no-any-return]


def decode_command(line: bytes | str) -> Command:
    """Parse one command line; raises :class:`WireError` on anything malformed."""
    return _decode(_COMMANDS, line)  # type: ignore[no-any-return]


def _is_event(message: object) -> bool:
    return type(message).__module__ == "app.telephony.events"


def _decode(adapter: TypeAdapter[Any], line: bytes | str) -> Any:
    if len(line) > MAX_LINE_BYTES:
        raise WireError(f"line of {len(line)} bytes is longer than {MAX_LINE_BYTES}")
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WireError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise WireError("a message must be a JSON object")
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise WireError(f"invalid {data.get('type', 'untyped')!r} message: {problems}") from None
