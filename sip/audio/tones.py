"""Locally generated sounds (auto-answer beep, ring pattern) and the mixing that lays them over call audio.

Why generated here and not by a pjsua2 ``ToneGenerator``: the beep must reach the headset even when no call
audio is connected to the bridge, and the ring must go to a different device (the ringer) that pjsua2 does
not know about. Both are therefore plain 16-bit mono PCM that the sound callbacks read through a
``ToneCursor``. Pure Python (``array``, ``math``): no NumPy at run time, and a tone is computed once.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence

SAMPLE_RATE = 16000
"""The bridge runs at 16 kHz mono, signed 16-bit native-endian (pjmedia's and PortAudio's ``int16``)."""

_FADE_S = 0.005  # a few milliseconds of ramp: a hard-edged tone clicks in the ear


def tone(
    freqs: Sequence[float],
    duration_s: float,
    *,
    level: float = 0.25,
    rate: int = SAMPLE_RATE,
    fade_s: float = _FADE_S,
) -> bytes:
    """One tone of the summed ``freqs`` (Hz), peak ``level`` of full scale, with short fades at both ends."""
    n = max(0, round(duration_s * rate))
    if n == 0 or not freqs:
        return bytes(2 * n)
    peak = 32767.0 * max(0.0, min(level, 1.0)) / len(freqs)
    fade = max(1, min(round(fade_s * rate), n // 2))
    steps = [2.0 * math.pi * f / rate for f in freqs]
    samples = array("h", bytes(2 * n))
    for i in range(n):
        value = sum(math.sin(step * i) for step in steps) * peak
        if i < fade:
            value *= i / fade
        elif i >= n - fade:
            value *= (n - 1 - i) / fade
        samples[i] = int(value)
    return samples.tobytes()


def silence(duration_s: float, *, rate: int = SAMPLE_RATE) -> bytes:
    """``duration_s`` of digital silence."""
    return bytes(2 * max(0, round(duration_s * rate)))


def beep(*, rate: int = SAMPLE_RATE) -> bytes:
    """The auto-answer notice: 150 ms at 1 kHz, clearly audible over a quiet line but not startling."""
    return tone((1000.0,), 0.150, level=0.3, rate=rate)


def ring_pattern(*, rate: int = SAMPLE_RATE) -> bytes:
    """One period of the ring tone, meant to loop: a double burst of 400+450 Hz (0.4 s on, 0.2 s off,
    0.4 s on, 2 s off), the familiar British-style cadence that reads as "telephone" in a busy room and
    stays distinct from the single-tone beep."""
    burst = tone((400.0, 450.0), 0.4, level=0.5, rate=rate)
    return burst + silence(0.2, rate=rate) + burst + silence(2.0, rate=rate)


def mix(a: bytes, b: bytes) -> bytes:
    """Sample-wise sum of two equal-length 16-bit buffers, saturated to the int16 range."""
    if len(a) != len(b):
        raise ValueError("mix needs buffers of equal length")
    xs = array("h", a)
    ys = array("h", b)
    return array("h", [max(-32768, min(32767, x + y)) for x, y in zip(xs, ys, strict=True)]).tobytes()


class ToneCursor:
    """Reads a tone block by block from a sound callback: once (beep) or looping (ring).

    The engine thread creates a new cursor to start a sound and drops it to stop; the callback thread only
    calls ``take``. Replacing the reference is atomic under the GIL, so no lock is needed.
    """

    def __init__(self, pcm: bytes, *, loop: bool = False) -> None:
        if len(pcm) % 2:
            raise ValueError("16-bit PCM has an even number of bytes")
        self._pcm = pcm
        self._loop = loop and len(pcm) > 0
        self._pos = 0

    @property
    def done(self) -> bool:
        """True once a one-shot tone has been read to its end (a looping one never is)."""
        return not self._loop and self._pos >= len(self._pcm)

    def take(self, n: int) -> bytes | None:
        """The next ``n`` bytes (zero-padded at the end of a one-shot tone), or None when it is over."""
        pcm = self._pcm
        pos = self._pos
        if not self._loop:
            if pos >= len(pcm):
                return None
            chunk = pcm[pos : pos + n]
            self._pos = pos + n
            return chunk + bytes(n - len(chunk)) if len(chunk) < n else chunk
        out = bytearray()
        while len(out) < n:
            part = pcm[pos : pos + n - len(out)]
            out += part
            pos = (pos + len(part)) % len(pcm)
        self._pos = pos
        return bytes(out)
