"""A recording played in the operator's headset by the real telephony service (issue 18), heard on the
PulseAudio null sink that stands in for the headset: from a position (seek), and at 2x with the pitch
kept."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from app.telephony import commands as cmd
from tests.audio import pulse
from tests.engine.test_call_audio import audio_phone
from tests.support.phone import Phone

pytestmark = [
    pytest.mark.audio,
    pytest.mark.skipif(bool(pulse.missing_tools()), reason=pulse.missing_tools() or "-"),
]
StartPhone = Callable[..., Phone]
RATE = 16000


def two_part_recording(path: Path) -> None:
    """1 s of 1000 Hz (both channels), then 2 s of 500 Hz on the caller's channel only."""
    t1 = np.arange(RATE) / RATE
    t2 = np.arange(2 * RATE) / RATE
    first = np.stack([0.5 * np.sin(2 * np.pi * 1000 * t1)] * 2, 1)
    second = np.stack([0.8 * np.sin(2 * np.pi * 500 * t2), np.zeros_like(t2)], 1)
    with sf.SoundFile(path, "w", RATE, 2, format="OGG", subtype="OPUS") as f:
        f.write(np.concatenate([first, second]))


def heard(
    phone: Phone, server: pulse.PulseServer, path: Path, wav: Path, *, position: float, speed: float
) -> list[int]:
    recording = pulse.Recording(server.env, "headset.monitor", wav)
    phone.send(cmd.PlayRecording(path=str(path), position_s=position, speed=speed))
    recording.wait_until_covered(3.5)
    return recording.stop()


def test_playback_from_a_position_and_at_double_speed(
    pulse_server: pulse.PulseServer, start_phone: StartPhone, tmp_path: Path
) -> None:
    phone, _ = audio_phone(start_phone, pulse_server)
    path = tmp_path / "call.ogg"
    two_part_recording(path)

    seek = heard(phone, pulse_server, path, tmp_path / "seek.wav", position=1.0, speed=1.0)
    assert 1.6 < pulse.loud_seconds(seek) < 2.3  # only the last two seconds
    assert 450 < pulse.frequency(pulse.loud_part(seek)) < 550  # the second part, not the 1000 Hz

    fast = heard(phone, pulse_server, path, tmp_path / "fast.wav", position=0.0, speed=2.0)
    assert 1.2 < pulse.loud_seconds(fast) < 1.8  # three seconds in one and a half
    loud = pulse.loud_part(fast)
    first = loud[: int(0.35 * RATE)]
    last = loud[-int(0.7 * RATE) :]
    assert 900 < pulse.frequency(first) < 1100  # the pitch is kept: not 2000 Hz
    assert 450 < pulse.frequency(last) < 550

    phone.send(cmd.PlayRecording(path=str(path), position_s=0.0, speed=1.0))
    started = time.monotonic()
    phone.send(cmd.StopPlayback())
    stopped = pulse.Recording(pulse_server.env, "headset.monitor", tmp_path / "stop.wav")
    stopped.wait_until_covered(1.0)
    assert pulse.loud_seconds(stopped.stop()) < 0.3 and time.monotonic() - started < 10
