"""A small bounded byte FIFO between two real-time threads (pjmedia's clock and PortAudio's callback).

Why its own module: it is the one piece of the headset bridge whose behaviour decides what the operator
hears when the two clocks disagree, so it is pure Python (no pjsua2, no sounddevice) and unit-tested alone.

Policy, chosen for live speech rather than for fidelity:

* When full, a write drops the OLDEST audio: latency stays bounded and the newest speech wins. Each write
  that had to drop counts one overrun.
* A reader that needs ``n`` bytes and finds fewer gets silence for the missing part (``read_padded``) and,
  once the stream has started, that counts one underrun. After running dry the reader waits until
  ``start_level`` bytes are buffered again before it plays: a cushion against the two clocks' jitter,
  instead of alternating audio and silence every other block.
* The very first fill after ``clear()`` is not an underrun: nothing was playing yet.

All methods take a lock for a few microseconds only; no method blocks or allocates more than one block.
"""

from __future__ import annotations

import threading


class RingBuffer:
    """Bounded FIFO of audio bytes that drops the oldest data when full and counts what went wrong."""

    def __init__(self, capacity: int, *, start_level: int = 0, align: int = 2) -> None:
        """``capacity`` and ``start_level`` are in bytes; both are rounded down to whole ``align`` units
        (2 = one 16-bit sample) so that dropping the oldest audio never splits a sample."""
        if align <= 0:
            raise ValueError("align must be positive")
        capacity -= capacity % align
        if capacity <= 0:
            raise ValueError("capacity must hold at least one aligned unit")
        start_level -= start_level % align
        self._capacity = capacity
        self._start_level = max(0, min(start_level, capacity))
        self._align = align
        self._buf = bytearray()
        self._lock = threading.Lock()
        self._started = False  # a full read happened since clear(): shortfalls are now underruns
        self._refilling = True  # waiting for start_level bytes before reading again
        self.overruns = 0
        self.underruns = 0
        self.dropped_bytes = 0

    @property
    def capacity(self) -> int:
        """Most bytes held at once."""
        return self._capacity

    @property
    def start_level(self) -> int:
        """Bytes that must be buffered before a dry reader plays again."""
        return self._start_level

    def __len__(self) -> int:
        return len(self._buf)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Append ``data``; if that overflows the capacity drop the oldest bytes. Returns bytes dropped."""
        if len(data) % self._align:
            raise ValueError(f"write of {len(data)} bytes is not a multiple of {self._align}")
        with self._lock:
            buf = self._buf
            buf += data
            excess = len(buf) - self._capacity
            if excess > 0:
                del buf[:excess]
                self.overruns += 1
                self.dropped_bytes += excess
                return excess
            return 0

    def read(self, n: int) -> bytes:
        """Take up to ``n`` bytes (fewer when fewer are buffered). No counting, no start level."""
        with self._lock:
            buf = self._buf
            out = bytes(buf[:n])
            del buf[:n]
            return out

    def read_padded(self, n: int) -> bytes:
        """Take exactly ``n`` bytes of audio, padding with silence, as a sound callback needs.

        Returns silence while refilling to ``start_level``. A shortfall after the stream has started
        counts one underrun and starts a refill.
        """
        with self._lock:
            buf = self._buf
            have = len(buf)
            if self._refilling:
                if have < max(self._start_level, n):
                    if self._started:
                        self.underruns += 1
                    return bytes(n)
                self._refilling = False
            if have >= n:
                out = bytes(buf[:n])
                del buf[:n]
                self._started = True
                return out
            # Ran dry: play what is left, then silence, and wait for the cushion to refill.
            out = bytes(buf) + bytes(n - have)
            buf.clear()
            if self._started:
                self.underruns += 1
            self._refilling = True
            return out

    def clear(self) -> None:
        """Forget buffered audio and the started state (counters are kept): a new stream begins."""
        with self._lock:
            self._buf.clear()
            self._started = False
            self._refilling = True
