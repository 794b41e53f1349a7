"""The encoder thread: pairs of 20 ms frames in, a stereo Ogg Opus file out.

Why a thread of its own: Opus encoding costs far more than the clock thread may spend per tick (see
``sip.audio.port``), so the taps only queue frames and this thread encodes them in blocks of half a second.
The file is written as ``<name>.part`` and renamed when complete, so an uploader never sees half a file.

Why Opus at ``COMPRESSION_LEVEL`` 0.95: libsndfile maps the level to Opus's bitrate; 0.95 measured about
38 kbit/s for two channels of 16 kHz noise (the worst case) and ~2 kbit/s for silence: at most ~17 MB an
hour, speech intelligible on both channels (docs/quality.md has the measured figures).
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from sip.audio.streams import FRAME_BYTES, FRAME_SAMPLES
from sip.recording import ogg
from sip.recording.taps import Pair

SAMPLE_RATE = 16000
COMPRESSION_LEVEL = 0.95
BLOCK_FRAMES = 25  # frames encoded together: half a second


@dataclass
class Result:
    """What a finished recording is: its file, length, size, SHA-256 and pauses (seconds from the start)."""

    path: Path
    seconds: float = 0.0
    size: int = 0
    sha256: str = ""
    pauses: list[tuple[float, float]] = field(default_factory=list)
    error: str = ""


class OpusWriter:
    """Consumes ``queue`` until ``None``; ``join`` returns the ``Result``. Never raises into the engine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.part = path.with_name(path.name + ".part")
        self.queue: queue.SimpleQueue[Pair | None] = queue.SimpleQueue()
        self.result = Result(path)
        self._frames = 0
        self._pause_start: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"record-{path.stem}", daemon=True)

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._thread.start()

    def finish(self, timeout_s: float = 30.0) -> Result:
        """End the file (after every queued frame) and wait for it to be closed and renamed."""
        self.queue.put(None)
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            self.result.error = "the recording did not finish in time"
        return self.result

    @property
    def seconds(self) -> float:
        return self._frames * FRAME_SAMPLES / SAMPLE_RATE

    def _run(self) -> None:
        try:
            with sf.SoundFile(
                self.part,
                "w",
                SAMPLE_RATE,
                2,
                format="OGG",
                subtype="OPUS",
                compression_level=COMPRESSION_LEVEL,
            ) as out:
                out.comment = ogg.placeholder()
                self._pump(out)
            if self._pause_start is not None:
                self.result.pauses.append((round(self._pause_start, 2), round(self.seconds, 2)))
            ogg.patch_comment(self.part, ogg.encode_pauses(self.result.pauses))
            os.replace(self.part, self.path)
            self.result.seconds = round(self.seconds, 2)
            self.result.size = self.path.stat().st_size
            self.result.sha256 = _sha256(self.path)
        except Exception as exc:  # a full disk, a codec error: reported as the recording's failure
            self.result.error = f"{type(exc).__name__}: {exc}"
            while True:  # keep draining so the taps never fill memory
                try:
                    if self.queue.get(timeout=1.0) is None:
                        return
                except queue.Empty:
                    continue

    def _pump(self, out: sf.SoundFile) -> None:
        silence = bytes(FRAME_BYTES)
        done = False
        while not done:
            item = self.queue.get()
            items = [item]
            while len(items) < BLOCK_FRAMES:  # take what is queued without waiting
                try:
                    items.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            left: list[bytes] = []
            right: list[bytes] = []
            for pair in items:
                if pair is None:
                    done = True
                    break
                caller, operator, paused = pair
                self._mark(paused)
                left.append(caller or silence)
                right.append(operator or silence)
                self._frames += 1
            if left:
                stereo = np.empty((len(left) * FRAME_SAMPLES, 2), dtype=np.int16)
                stereo[:, 0] = np.frombuffer(b"".join(left), dtype=np.int16)
                stereo[:, 1] = np.frombuffer(b"".join(right), dtype=np.int16)
                out.write(stereo)

    def _mark(self, paused: bool) -> None:
        if paused and self._pause_start is None:
            self._pause_start = self.seconds
        elif not paused and self._pause_start is not None:
            self.result.pauses.append((round(self._pause_start, 2), round(self.seconds, 2)))
            self._pause_start = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
