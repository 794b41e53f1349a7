"""A real call recorded by the telephony service: caller left, operator right, a pause that is silent.

The caller is sipp playing a G.711 speech recording into the call; the operator is PulseAudio's 440 Hz
"microphone" (tests/audio/pulse.py). The service records the call through its taps on the conference
bridge into Ogg Opus; the file is decoded and measured: the left channel follows the speech's envelope
and holds no 440 Hz, the right channel is the 440 Hz tone and nothing else, and the stretch the file's
metadata names as a pause is silent on both.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from app.telephony import commands as cmd
from app.telephony import events as ev
from sip.recording import ogg
from tests.audio import pulse
from tests.engine.test_call_audio import PCAP, _speech_in_pcap, audio_phone
from tests.support.phone import Phone
from tests.support.sipp import Sipp, pcap_play_available, sipp_available

pytestmark = [
    pytest.mark.audio,
    pytest.mark.skipif(not sipp_available(), reason="sipp is not installed"),
    pytest.mark.skipif(bool(pulse.missing_tools()), reason=pulse.missing_tools() or "-"),
]
StartPhone = Callable[..., Phone]
RATE = 16000
WINDOW = RATE // 50  # 20 ms


def envelope(x: np.ndarray) -> np.ndarray:
    n = len(x) // WINDOW
    windows = x[: n * WINDOW].astype(float).reshape(n, WINDOW)
    return np.asarray(np.sqrt(np.mean(windows**2, axis=1)))


def share_at(x: np.ndarray, freq: float) -> float:
    """The fraction of ``x``'s energy in a sinusoid of ``freq`` (1.0 for a pure tone, ~0 for speech)."""
    x = x.astype(float)
    if not np.any(x):
        return 0.0
    t = np.arange(len(x)) / RATE
    basis = np.stack([np.sin(2 * np.pi * freq * t), np.cos(2 * np.pi * freq * t)], 1)
    coef, *_ = np.linalg.lstsq(basis, x, rcond=None)
    return float(np.sum((basis @ coef) ** 2) / np.sum(x**2))


def tone_share(x: np.ndarray, freq: float, block: int = RATE // 10) -> float:
    """The median over 100 ms blocks of ``share_at``: a tone keeps its phase only within a block (the
    microphone stream can skip a frame, and the pause is cut out)."""
    shares = [share_at(x[i : i + block], freq) for i in range(0, len(x) - block + 1, block)]
    return float(np.median(shares)) if shares else 0.0


def best_envelope_correlation(heard: np.ndarray, said: np.ndarray, mask: np.ndarray) -> float:
    """Pearson correlation of two 20 ms envelopes at the best lag, over the windows ``mask`` keeps."""
    best = -1.0
    for lag in range(-50, 150):  # the recording starts a little after the speech
        a_idx = np.arange(len(heard))
        s_idx = a_idx + lag
        ok = mask & (s_idx >= 0) & (s_idx < len(said))
        if ok.sum() < 100:
            continue
        r = np.corrcoef(heard[ok], said[s_idx[ok]])[0, 1]
        best = max(best, float(r))
    return best


@pytest.mark.skipif(not pcap_play_available(), reason="sipp cannot play pcaps here (no raw sockets)")
def test_recording_holds_each_voice_on_its_channel_and_the_pause_is_silent(
    pulse_server: pulse.PulseServer, start_phone: StartPhone, tmp_path: Path
) -> None:
    phone, target = audio_phone(start_phone, pulse_server)
    path = tmp_path / "rec" / "call.ogg"
    caller = Sipp("uac_audio.xml", target, service="1001", timeout=30, variables={"hold_ms": "7100"})
    caller.start()
    active = phone.wait_for(ev.CallStateChanged, lambda e: e.state is ev.CallState.ACTIVE, timeout=15)
    phone.send(cmd.StartRecording(call_id=active.call_id, path=str(path)))
    time.sleep(2.0)  # the script of the call: two seconds of talk, a pause of 1.5 s, then the rest
    phone.send(cmd.PauseRecording(call_id=active.call_id, paused=True))
    phone.wait_for(ev.RecordingChanged, lambda e: e.state is ev.RecordingState.PAUSED)
    time.sleep(1.5)
    phone.send(cmd.PauseRecording(call_id=active.call_id, paused=False))
    assert caller.wait(30).ok
    done = phone.wait_for(ev.RecordingChanged, lambda e: e.state is ev.RecordingState.FINISHED, timeout=20)

    assert done.path == str(path) and path.exists() and not path.with_name("call.ogg.part").exists()
    assert done.size == path.stat().st_size and len(done.sha256) == 64
    assert len(done.pauses) == 1
    start, end = done.pauses[0]
    assert 1.3 < end - start < 1.8 and 1.7 < start < 2.6
    with sf.SoundFile(path) as f:
        assert (f.samplerate, f.channels) == (RATE, 2)
        assert ogg.parse_pauses(f.comment) == [done.pauses[0]]
        audio = f.read(dtype="int16")
    assert abs(len(audio) / RATE - done.seconds) < 0.1
    left, right = audio[:, 0], audio[:, 1]

    margin = int(0.1 * RATE)  # Opus rings out for ~80 ms after a cut (measured: 524 at 20-40 ms, 73 at 40-60)
    paused = slice(int(start * RATE) + margin, int(end * RATE) - margin)
    assert np.abs(left[paused]).max() < 200 and np.abs(right[paused]).max() < 200

    live = np.ones(len(audio), dtype=bool)
    live[int(start * RATE) - margin : int(end * RATE) + margin] = False
    # Operator: the 440 Hz microphone, alone.
    op = right[live]
    loud_op = np.array(pulse.loud_part([int(v) for v in op]))
    assert len(loud_op) > 2.0 * RATE
    assert tone_share(loud_op, 440.0) > 0.9  # no speech mixed in: the caller is not on this channel
    # Caller: the speech, following its envelope, without the operator's tone.
    said = envelope(np.array(_speech_in_pcap(PCAP)))
    heard = envelope(left)
    mask = envelope(live.astype(float) * 1000) > 999
    corr = best_envelope_correlation(heard, said, mask)
    assert corr > 0.7, f"the left channel's envelope matches the caller's speech only at r={corr:.2f}"
    caller_part = left[live]
    assert pulse.loud_seconds([int(v) for v in caller_part]) > 2.0
    assert tone_share(np.array(pulse.loud_part([int(v) for v in caller_part])), 440.0) < 0.05
