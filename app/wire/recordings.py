"""Call recordings between the desktop and the server (issue 18, docs/quality.md).

The desktop announces a finished recording (``RecordingIn``: its call, size, SHA-256, length and
pauses), then sends its bytes in chunks at the offset the server says it holds (``RecordingOut.received``)
until the server has the whole file and has checked its SHA-256. Announcing the same call again answers
the same recording, so a desktop that restarts mid-upload continues where the server stopped.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from app.wire.common import CALL_ID_MAX, Code, Id64, UtcDatetime, WireModel
from app.wire.schema import Field, StringConstraints

CHUNK_BYTES_MAX = 512 * 1024
"""The largest chunk the server takes in one ``PUT``; under the server-wide 1 MiB body limit."""
RECORDING_BYTES_MAX = 1 << 30
"""A recording larger than this is refused: ~60 hours of Opus at the desktop's bitrate."""
PAUSES_MAX = 500

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class RecordingPolicy(StrEnum):
    """Whether a queue's calls are recorded: every call, when the operator asks, or never."""

    ALWAYS = "always"
    ON_DEMAND = "on_demand"
    NEVER = "never"


class Pause(WireModel):
    """A stretch of the file (seconds from its start) that is silence because recording was paused."""

    start: float = Field(ge=0, le=7 * 24 * 3600)
    end: float = Field(ge=0, le=7 * 24 * 3600)


class RecordingIn(WireModel):
    """A finished recording the desktop is about to upload."""

    call_id: Annotated[str, StringConstraints(min_length=1, max_length=CALL_ID_MAX)]
    queue: Code | None = None
    started_at: UtcDatetime
    seconds: float = Field(ge=0, le=7 * 24 * 3600)
    size: int = Field(ge=1, le=RECORDING_BYTES_MAX)
    sha256: Sha256
    pauses: list[Pause] = Field(default_factory=list, max_length=PAUSES_MAX)


class RecordingOut(RecordingIn):
    """A recording as the server holds it. ``received`` bytes so far; ``stored`` once complete and
    checked; ``purged`` once its retention period ended and the file was deleted."""

    id: Id64
    operator: str
    received: int
    stored: bool
    purged: bool = False


class RecordingRef(WireModel):
    """A call's recording as the contact's history shows it (only to those who may hear it)."""

    id: Id64
    seconds: float
    pauses: list[Pause] = Field(default_factory=list, max_length=PAUSES_MAX)
    stored: bool
    purged: bool = False


class RecordingPlay(WireModel):
    """One play of a recording: who listened and when (from the audit log)."""

    user: str
    at: UtcDatetime
