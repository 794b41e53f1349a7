"""Real call audio through the headset bridge, with PulseAudio null sinks standing in for a headset.

Far end -> operator: sipp plays a G.711 recording into the call; the headset sink's monitor must
carry it. Operator -> far end: a 440 Hz "microphone" goes into the call, sipp echoes the RTP back, and
the tone must come out of the headset; muted, nothing may come back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import EndCause
from tests.audio import pulse
from tests.support.phone import Phone
from tests.support.ports import free_port
from tests.support.sipp import run_sipp, sipp_available

pytestmark = [
    pytest.mark.audio,
    pytest.mark.skipif(not sipp_available(), reason="sipp is not installed"),
    pytest.mark.skipif(bool(pulse.missing_tools()), reason=pulse.missing_tools() or "-"),
]
StartPhone = Callable[..., Phone]


@pytest.fixture
def headset(tmp_path: Path) -> Iterator[pulse.PulseServer]:
    root = Path(tmp_path / "pa")
    root.mkdir()
    server = pulse.PulseServer(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def audio_phone(start_phone: StartPhone, server: pulse.PulseServer) -> tuple[Phone, str]:
    port = free_port()
    phone = start_phone(
        "--listen", f"127.0.0.1:{port}", "--auto-answer", "--headset", "headset", env=server.env
    )
    devices = phone.wait_for(ev.AudioDevicesChanged)
    assert "headset" in devices.headset
    return phone, f"127.0.0.1:{port}"


def test_caller_audio_reaches_the_headset(
    start_phone: StartPhone, headset: pulse.PulseServer, tmp_path: Path
) -> None:
    phone, target = audio_phone(start_phone, headset)
    recording = pulse.Recording(headset.env, "headset.monitor", tmp_path / "headset.wav")
    result = run_sipp("uac_audio.xml", target, service="1001", variables={"hold_ms": "5000"}, timeout=30)
    samples = recording.stop()
    assert result.ok, result.describe()
    assert phone.wait_for(ev.CallEnded).cause is EndCause.REMOTE_HANGUP
    heard = pulse.loud_seconds(samples)
    assert heard > 3.0, f"only {heard:.2f} s of the 5 s recording reached the headset"
    assert pulse.rms(pulse.loud_part(samples)) > 500


def test_microphone_reaches_the_far_end_and_mute_silences_it(
    start_phone: StartPhone, headset: pulse.PulseServer, tmp_path: Path
) -> None:
    phone, target = audio_phone(start_phone, headset)

    def echo_call(name: str) -> list[int]:
        recording = pulse.Recording(headset.env, "headset.monitor", tmp_path / f"{name}.wav")
        result = run_sipp(
            "uac_headers.xml", target, service="1001", rtp_echo=True, variables={"hold_ms": "3000"}
        )
        samples = recording.stop()
        assert result.ok, result.describe()
        return samples

    phone.send(cmd.SetMute(muted=True))
    muted = echo_call("muted")
    assert pulse.loud_seconds(muted) < 0.2  # nothing left the microphone
    live = echo_call("live")  # the engine unmuted when the muted call ended
    assert pulse.loud_seconds(live) > 1.5
    assert 400 < pulse.frequency(pulse.loud_part(live)) < 480  # the 440 Hz microphone, back from the far end
