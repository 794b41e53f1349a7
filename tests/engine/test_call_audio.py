"""Real call audio through the headset bridge, with PulseAudio null sinks standing in for a headset.

Far end -> operator: sipp plays a G.711 recording into the call; the headset sink's monitor must
carry it. Operator -> far end: a 440 Hz "microphone" goes into the call, sipp echoes the RTP back, and
the tone must come out of the headset; muted, nothing may come back.
"""

from __future__ import annotations

import signal
import struct
import time
from collections.abc import Callable
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
PCAP = Path("/usr/share/sip-tester/g711a.pcap")


def audio_phone(start_phone: StartPhone, server: pulse.PulseServer) -> tuple[Phone, str]:
    port = free_port()
    phone = start_phone(
        "--listen", f"127.0.0.1:{port}", "--auto-answer", "--headset", "headset", env=server.env
    )
    devices = phone.wait_for(ev.AudioDevicesChanged)
    assert "headset" in devices.headset
    return phone, f"127.0.0.1:{port}"


def _alaw_to_linear(byte: int) -> int:
    """G.711 A-law to 16-bit PCM (ITU-T G.711), to know what the far end really said."""
    byte ^= 0x55
    sign, exponent, mantissa = byte & 0x80, (byte >> 4) & 0x07, byte & 0x0F
    value = (mantissa << 4) + 8 if exponent == 0 else ((mantissa << 4) + 0x108) << (exponent - 1)
    return value if sign else -value


def _speech_in_pcap(path: Path) -> list[int]:
    """The PCM samples (8 kHz) of the RTP payloads in a pcap of A-law packets, upsampled to 16 kHz."""
    data = path.read_bytes()
    offset, samples = 24, []
    while offset + 16 <= len(data):
        length = struct.unpack_from("<I", data, offset + 8)[0]
        payload = data[offset + 16 + 14 + 20 + 8 + 12 : offset + 16 + length]  # eth, IPv4, UDP, RTP
        for byte in payload:
            samples += [_alaw_to_linear(byte)] * 2
        offset += 16 + length
    return samples


def test_caller_audio_reaches_the_headset(
    pulse_server: pulse.PulseServer, start_phone: StartPhone, tmp_path: Path
) -> None:
    phone, target = audio_phone(start_phone, pulse_server)
    spoken = pulse.loud_seconds(_speech_in_pcap(PCAP))  # speech with pauses: about 5.3 s of 7 s
    recording = pulse.Recording(pulse_server.env, "headset.monitor", tmp_path / "headset.wav")
    result = run_sipp("uac_audio.xml", target, service="1001", timeout=30)
    samples = recording.stop()
    assert result.ok, result.describe()
    assert phone.wait_for(ev.CallEnded).cause is EndCause.REMOTE_HANGUP
    heard = pulse.loud_seconds(samples)
    assert heard > 0.75 * spoken, f"{heard:.2f} s of {spoken:.2f} s of speech reached the headset"
    assert pulse.rms(pulse.loud_part(samples)) > 500


def test_microphone_reaches_the_far_end_and_mute_silences_it(
    pulse_server: pulse.PulseServer, start_phone: StartPhone, tmp_path: Path
) -> None:
    phone, target = audio_phone(start_phone, pulse_server)

    def echo_call(name: str) -> list[int]:
        recording = pulse.Recording(pulse_server.env, "headset.monitor", tmp_path / f"{name}.wav")
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


def test_auto_answer_beeps_in_the_headset(
    pulse_server: pulse.PulseServer, start_phone: StartPhone, tmp_path: Path
) -> None:
    phone, target = audio_phone(start_phone, pulse_server)
    recording = pulse.Recording(pulse_server.env, "headset.monitor", tmp_path / "beep.wav")
    result = run_sipp("uac_headers.xml", target, service="1001", variables={"hold_ms": "1500"})
    recording.wait_until_covered(time.monotonic() - recording.started)  # the whole call is in the file
    samples = recording.stop()
    assert result.ok, result.describe()  # sipp sends no audio: all that is heard is our beep
    assert phone.wait_for(ev.CallEnded)
    beep = pulse.loud_part(samples)
    assert 0.08 < pulse.loud_seconds(samples) < 0.5
    assert 800 < pulse.frequency(beep) < 1200


def test_phone_still_quits_when_the_sound_server_died_under_it(
    pulse_server: pulse.PulseServer, start_phone: StartPhone
) -> None:
    phone, _ = audio_phone(start_phone, pulse_server)
    pulse_server.stop()  # PulseAudio crashes while the headset streams are open
    started = time.monotonic()
    phone.proc.send_signal(signal.SIGTERM)
    code = phone.proc.wait(30)
    assert code in (0, 3), phone.log_tail()  # 3: left after the grace period, streams still stuck
    assert time.monotonic() - started < 15
    assert phone.wait_for(ev.EngineStopped)
