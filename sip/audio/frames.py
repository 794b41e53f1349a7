"""Fast access to the payload of a pjsua2 ``MediaFrame`` from the frame callbacks.

Why: the SWIG binding turns ``bytes(frame.buf)`` into one Python call per byte (about 250-540 us for a
20 ms frame of 640 bytes), and building a ``ByteVector`` from bytes costs about 10 us. Both run on
pjmedia's clock thread 50 times a second per direction, holding the GIL. Reading the ``std::vector``'s
begin/end pointers straight from memory with ctypes costs about 0.6 us, and writing through one
pre-sized vector that is then copy-assigned in C++ about 1.4 us.

That relies on the C++ layout (``MediaFrame { type; ByteVector buf; size; }`` and libstdc++/libc++'s
``vector`` starting with its begin and end pointers), so ``FrameIO`` checks it at start-up against the
binding's own slow path and keeps the slow path if anything differs. ``calibrate`` then times both and
keeps the faster of the ones that are correct.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable
from typing import Any

_Pointers = ctypes.c_void_p * 2
_MAX_FRAME_BYTES = 1 << 16  # a frame larger than this means the layout guess is wrong


class FrameIO:
    """Reads and writes the 16-bit PCM payload of ``MediaFrame`` objects of one fixed size."""

    def __init__(self, pj: Any, frame_bytes: int) -> None:
        self._pj = pj
        self._frame_bytes = frame_bytes
        self._audio_type = pj.PJMEDIA_FRAME_TYPE_AUDIO
        self._vec = pj.ByteVector()
        self._vec.resize(frame_bytes)
        self._vec_data = 0
        self._buf_offset = -1
        self.fast_ok = self._check_layout()
        self.fast = self.fast_ok
        self.read: Callable[[Any], bytes] = self._read_fast if self.fast else self._read_slow
        self.write: Callable[[Any, bytes], None] = self._write_fast if self.fast else self._write_slow
        self.timings_us: dict[str, float] = {}

    @property
    def path(self) -> str:
        """``"ctypes"`` or ``"binding"``: which access path is in use."""
        return "ctypes" if self.fast else "binding"

    # -- the two paths --------------------------------------------------------------------------------

    def _read_slow(self, frame: Any) -> bytes:
        return bytes(frame.buf)

    def _write_slow(self, frame: Any, data: bytes) -> None:
        frame.buf = self._pj.ByteVector(data)
        frame.type = self._audio_type

    def _read_fast(self, frame: Any) -> bytes:
        ptrs = _Pointers.from_address(int(frame.this) + self._buf_offset)
        begin = ptrs[0]
        if not begin:  # empty vector: a NONE frame (nothing connected, or no audio this period)
            return b""
        size = (ptrs[1] or 0) - begin
        if not 0 < size <= _MAX_FRAME_BYTES:
            return b""
        return ctypes.string_at(begin, size)

    def _write_fast(self, frame: Any, data: bytes) -> None:
        # Only the clock thread writes, one frame at a time, so one scratch vector is enough.
        ctypes.memmove(self._vec_data, data, min(len(data), self._frame_bytes))
        frame.buf = self._vec  # C++ copy-assignment of 640 bytes
        frame.type = self._audio_type

    # -- start-up checks --------------------------------------------------------------------------------

    def _check_layout(self) -> bool:
        """True when the ctypes path reads and writes exactly what the binding's own path does."""
        pj = self._pj
        n = self._frame_bytes
        try:
            data_ptr = _Pointers.from_address(int(self._vec.this))
            begin, end = data_ptr[0], data_ptr[1]
            if not begin or not end or end - begin != n:
                return False
            self._vec_data = begin
            probe = pj.MediaFrame()
            offset = int(probe.buf.this) - int(probe.this)
            if not 0 <= offset <= 64:
                return False
            self._buf_offset = offset
            if self._read_fast(probe) != b"":
                return False
            pattern = bytes((i * 7 + 3) % 256 for i in range(n))
            probe.buf = pj.ByteVector(pattern)
            probe.size = n
            if self._read_fast(probe) != bytes(probe.buf) or bytes(probe.buf) != pattern:
                return False
            other = bytes(reversed(pattern))
            target = pj.MediaFrame()
            self._write_fast(target, other)
            return bytes(target.buf) == other and target.type == self._audio_type
        except Exception:
            return False

    def calibrate(self, rounds: int = 20) -> dict[str, float]:
        """Time both paths on a real ``MediaFrame`` (microseconds per frame, read and write) and keep the
        faster one among those that passed the layout check. Costs a few milliseconds, once."""
        pj = self._pj
        frame = pj.MediaFrame()
        data = bytes(self._frame_bytes)
        paths: dict[str, tuple[Callable[[Any], bytes], Callable[[Any, bytes], None]]] = {
            "binding": (self._read_slow, self._write_slow)
        }
        if self.fast_ok:
            paths["ctypes"] = (self._read_fast, self._write_fast)
        timings: dict[str, float] = {}
        for name, (read, write) in paths.items():
            start = time.perf_counter()
            for _ in range(rounds):
                write(frame, data)
                read(frame)
            timings[name] = (time.perf_counter() - start) / rounds * 1e6
        best = min(timings, key=timings.__getitem__)
        self.fast = best == "ctypes"
        self.read, self.write = paths[best]
        self.timings_us = timings
        return timings
