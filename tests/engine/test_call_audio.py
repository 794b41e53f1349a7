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


def _loud_so_far(recording: pulse.Recording) -> float:
    """Seconds of sound a recording still being written holds (its WAV header is finished at the end)."""
    from array import array

    data = recording.path.read_bytes()[44:] if recording.path.exists() else b""
    return pulse.loud_seconds(list(array("h", data[: len(data) // 2 * 2])))


def test_headset_unplugged_mid_call_the_service_moves_the_caller_to_the_fallback_and_back(
    pulse_server: pulse.PulseServer, start_phone: StartPhone, tmp_path: Path
) -> None:
    """Issue 17, through the real service: the headset's sink goes mid-call; the call goes on, the
    caller is heard on the system's default sink ("speakers"), the desktop is told (``audio_route``),
    and when the sink is back the caller is heard in the headset again."""
    from tests.support.sipp import Sipp

    pulse_server.pactl("load-module", "module-null-sink", "sink_name=speakers")
    pulse_server.pactl("set-default-sink", "speakers")
    port = free_port()
    phone = start_phone(
        "--listen", f"127.0.0.1:{port}", "--auto-answer", "--headset", "headset",
        "--audio-fallback", "default", env=pulse_server.env,
    )  # fmt: skip
    assert phone.wait_for(ev.AudioDevicesChanged).headset == "headset"
    speakers = pulse.Recording(pulse_server.env, "speakers.monitor", tmp_path / "speakers.wav", 20)
    caller = Sipp("uac_audio.xml", f"127.0.0.1:{port}", service="1001", timeout=30).start()
    phone.wait_for(ev.CallStateChanged, lambda e: e.state is ev.CallState.ACTIVE, timeout=10)
    module = next(
        line.split("\t")[0]
        for line in pulse_server.pactl("list", "short", "modules").splitlines()
        if "module-null-sink" in line and "sink_name=headset" in line
    )
    mark = phone.mark()
    pulse_server.pactl("unload-module", module)
    lost = phone.wait_for(ev.AudioRouteChanged, after=mark, timeout=5)
    assert (lost.headset, lost.device, lost.back) == ("headset", "speakers", False)
    deadline = time.monotonic() + 5
    while _loud_so_far(speakers) < 0.3:  # the caller's speech on the speakers
        assert time.monotonic() < deadline, "the caller was not heard on the fallback sink"
        time.sleep(0.05)
    mark = phone.mark()
    pulse_server.pactl("load-module", "module-null-sink", "sink_name=headset")
    headset = pulse.Recording(pulse_server.env, "headset.monitor", tmp_path / "headset.wav", 20)
    back = phone.wait_for(ev.AudioRouteChanged, after=mark, timeout=5)
    assert (back.headset, back.device, back.back) == ("headset", "headset", True)
    result = caller.wait(30)
    heard_back = pulse.loud_seconds(headset.stop())
    speakers.stop()
    assert result.ok, result.describe()
    assert phone.wait_for(ev.CallEnded).cause is EndCause.REMOTE_HANGUP  # the call never dropped
    assert heard_back > 0.3, heard_back  # the caller in the headset again
