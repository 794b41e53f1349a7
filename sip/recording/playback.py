"""Playing a call recording in the operator's headset: decode, start at a position, change speed.

Why in the telephony service: the headset belongs to its audio bridge (the PyPI pjsua2 has no sound
devices; ``sip.audio``), and the operator chose that device for calls. The file is decoded here with
``soundfile``, both channels mixed (the listener hears the caller and the operator together, as on the
call), cut at the position asked for, and sped up by overlap-add (1.5x and 2x keep the voices' pitch: a
plain resampling would make them squeak). The result goes to the headset output like a local sound.

Seeking is playing again from another position; the desktop keeps the clock of where it is. Decoding runs
on the engine thread (tens of milliseconds a minute of audio), so the engine refuses playback while it
has a call: SIP and call audio never wait for it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
SPEEDS = (1.0, 1.5, 2.0)
_FRAME = 640  # 40 ms analysis/synthesis window
_HOP = _FRAME // 4  # 10 ms between output windows: 75 % overlap


def decode(path: Path, position_s: float) -> np.ndarray:
    """The recording from ``position_s`` on, both channels mixed, 16 kHz mono float (-1..1)."""
    import soundfile as sf

    with sf.SoundFile(path) as f:
        if f.samplerate != SAMPLE_RATE:
            raise ValueError(f"{path.name}: {f.samplerate} Hz, expected {SAMPLE_RATE}")
        start = int(max(0.0, position_s) * SAMPLE_RATE)
        if start >= f.frames:
            return np.zeros(0, dtype=np.float32)
        f.seek(start)
        audio = f.read(dtype="float32", always_2d=True)
    return np.asarray(audio.mean(axis=1), dtype=np.float32)


def stretch(audio: np.ndarray, speed: float) -> np.ndarray:
    """``audio`` played ``speed`` times faster at the same pitch (overlap-add of Hann windows)."""
    if speed == 1.0 or len(audio) < _FRAME:
        return audio
    window = np.hanning(_FRAME).astype(np.float32)
    step_in = _HOP * speed
    count = int((len(audio) - _FRAME) / step_in) + 1
    out = np.zeros(count * _HOP + _FRAME, dtype=np.float32)
    norm = np.zeros_like(out)
    for i in range(count):
        a = int(i * step_in)
        b = i * _HOP
        out[b : b + _FRAME] += audio[a : a + _FRAME] * window
        norm[b : b + _FRAME] += window
    return np.asarray(out / np.maximum(norm, 1e-3), dtype=np.float32)


def pcm_for(path: Path, position_s: float, speed: float) -> bytes:
    """The 16-bit PCM to play for this position and speed (one of ``SPEEDS``)."""
    if speed not in SPEEDS:
        raise ValueError(f"speed {speed} is not one of {SPEEDS}")
    audio = stretch(decode(path, position_s), speed)
    return bytes((np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes())
