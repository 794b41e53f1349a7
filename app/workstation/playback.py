"""Listening to a call's recording from the card's history: fetch it once, play it in the headset, seek,
change speed, stop.

The server audits every fetch as a play (``GET /recordings/{id}/audio``); the file is kept here only while
it is being listened to (``directory/<id>.ogg``, deleted on stop or when another recording is opened), so
clients' calls do not collect on the operator's PC. The telephony service plays it (``PlayRecording``,
which it refuses during a call); seeking and a new speed play again from the position this class keeps
by the clock: ``position = start + elapsed x speed``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from app.refused import Refused
from app.telephony import commands as cmd
from app.workstation.ports import PhoneCommands

SPEEDS = (1.0, 1.5, 2.0)


@dataclass
class _Playing:
    recording_id: int
    length_s: float
    path: Path
    start_s: float = 0.0
    started_at: float | None = None  # monotonic, None while stopped
    speed: float = 1.0


class RecordingPlayer:
    """One recording at a time, in the operator's headset."""

    def __init__(
        self,
        phone: PhoneCommands,
        fetch: Callable[[int], Awaitable[bytes]],
        directory: Path,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._phone = phone
        self._fetch = fetch
        self._directory = directory
        self._clock = clock
        self._current: _Playing | None = None

    @property
    def recording_id(self) -> int | None:
        return self._current.recording_id if self._current is not None else None

    @property
    def playing(self) -> bool:
        return (
            self._current is not None
            and self._current.started_at is not None
            and self.position() < (self._current.length_s)
        )

    @property
    def length_s(self) -> float:
        return self._current.length_s if self._current is not None else 0.0

    @property
    def speed(self) -> float:
        return self._current.speed if self._current is not None else 1.0

    def position(self) -> float:
        """Seconds into the recording now."""
        p = self._current
        if p is None:
            return 0.0
        if p.started_at is None:
            return p.start_s
        return min(p.start_s + (self._clock() - p.started_at) * p.speed, p.length_s)

    async def open(self, recording_id: int, length_s: float) -> None:
        """Fetch a recording (the server counts it as a play) and play it from the start."""
        await self.stop()
        self._forget()
        self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._directory / f"{recording_id}.ogg"
        path.write_bytes(await self._fetch(recording_id))
        self._current = _Playing(recording_id, length_s, path)
        await self._play(0.0, 1.0)

    async def seek(self, position_s: float) -> None:
        await self._play(max(0.0, position_s), self.speed)

    async def set_speed(self, speed: float) -> None:
        if speed not in SPEEDS:
            raise Refused(f"speed {speed} is not offered", code="recording", key="recording_unavailable")
        await self._play(self.position(), speed)

    async def stop(self) -> None:
        """Stop playing (the file stays until another recording is opened or :meth:`close`)."""
        p = self._current
        if p is None or p.started_at is None:
            return
        p.start_s, p.started_at = self.position(), None
        await self._phone.send(cmd.StopPlayback())

    async def close(self) -> None:
        await self.stop()
        self._forget()

    async def _play(self, position_s: float, speed: float) -> None:
        p = self._current
        if p is None:
            raise Refused("no recording is open", code="recording", key="recording_unavailable")
        result = await self._phone.send(
            cmd.PlayRecording(path=str(p.path), position_s=position_s, speed=speed)
        )
        if not result.ok:
            p.started_at = None
            raise Refused(f"the phone refused to play: {result.error}", code="phone", key="phone_refused")
        p.start_s, p.speed, p.started_at = position_s, speed, self._clock()

    def _forget(self) -> None:
        if self._current is not None:
            self._current.path.unlink(missing_ok=True)
        self._current = None
