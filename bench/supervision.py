"""Live supervision: how long from the lead's click until the lead hears the operator's call.

Set-up as ``tests/engine/test_supervision_audio.py``: three phones, each with its own PulseAudio server
whose microphone plays its own tone (caller 600 Hz, operator 440 Hz, lead 1000 Hz). The lead's headset
sink is recorded (20 ms blocks, so a sample's place in the file says when it was played). The time is
from sending ``supervise`` (what the lead's click does once the grant is there) to the first 20 ms
window of the lead's headset in which the operator's or the caller's tone is loud.

The floor, measured in the same run: the lead's phone calling the operator's phone directly, an
ordinary call answered at once (``--auto-answer``), from ``make_call`` to hearing the operator's tone:
what SIP, the media start and the headset streams cost anyway. The grant itself is signed here, not
fetched: ``POST /supervision/grants`` adds a server round trip (a few ms on a LAN, see the server
benchmarks for the API's latency).
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from array import array
from collections.abc import Callable
from pathlib import Path

import numpy as np

from app.supervision import grants
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState
from app.wire.supervision import SupervisionMode
from bench import pulse
from bench.common import BenchResult, free_port
from bench.phone import BenchPhone

NAME = "supervision"
ROUNDS = 5
GOAL_S = 1.0
HOST = "127.0.0.1"
RATE = 16000
WINDOW = RATE // 50
TONES = {"caller": 600, "operator": 440, "lead": 1000}
LOUD = 300.0
KEY = grants.key_from_secret("the bench's secret key for supervision grants, long enough")


def _heard_at(wav: Path, started: float, stopped: float, freqs: tuple[int, ...]) -> float | None:
    """Seconds after ``started`` of the first 20 ms window loud at one of ``freqs`` (None: never)."""
    data = wav.read_bytes()[44:]
    samples = np.asarray(array("h", data[: len(data) // 2 * 2]), dtype=np.float64)
    origin = stopped - len(samples) / RATE  # when the first sample was played
    t = np.arange(WINDOW) / RATE
    for index in range(len(samples) // WINDOW):
        block = samples[index * WINDOW : (index + 1) * WINDOW]
        for hz in freqs:
            amplitude = 2 * abs(np.dot(block, np.exp(-2j * np.pi * hz * t))) / WINDOW
            if amplitude > LOUD:
                at = origin + index * WINDOW / RATE - started
                if at >= 0:
                    return at
    return None


def _measure(lead_env: dict[str, str], wav: Path, start: Callable[[], None], freqs: tuple[int, ...]) -> float:
    from tests.audio.pulse import Recording

    recording = Recording(lead_env, "headset.monitor", wav, latency_ms=20)
    recording.wait_until_covered(0.3)
    started = time.monotonic()
    start()
    recording.wait_until_covered(time.monotonic() - recording.started + 2.0)
    recording.stop()
    heard = _heard_at(wav, started, recording.stopped, freqs)
    if heard is None:
        raise RuntimeError("the lead never heard the call")
    return heard


def _supervise(lead: BenchPhone, target: str, token: str, placed: list[str]) -> Callable[[], None]:
    return lambda: placed.append(lead.send(cmd.Supervise(target=target, grant=token)).call_id)


def run(log_dir: Path) -> BenchResult:
    result = BenchResult(NAME)
    why = pulse.unavailable()
    if why:
        result.status = "skipped"
        result.notes.append(why)
        return result
    from tests.audio.pulse import PulseServer

    ports = {name: free_port() for name in TONES}
    with contextlib.ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rd-sup-")))
        phones: dict[str, BenchPhone] = {}
        envs: dict[str, dict[str, str]] = {}
        for name, hz in TONES.items():
            (root / name).mkdir()
            daemon = PulseServer(root / name, tone_hz=hz)
            daemon.start()
            stack.callback(daemon.stop)
            envs[name] = dict(daemon.env)
            args = ["--listen", f"{HOST}:{ports[name]}", "--headset", "headset", "--sip-log-level", "0"]
            if name == "operator":
                args.append("--auto-answer")
            phones[name] = stack.enter_context(
                BenchPhone(args, log_dir=log_dir, name=f"supervision-{name}", env=envs[name])
            )
        lead, op = phones["lead"], phones["operator"]
        operator_uri = f"sip:op@{HOST}:{ports['operator']}"
        floor: list[float] = []
        made: list[str] = []
        for n in range(ROUNDS):
            wav = root / f"floor-{n}.wav"
            floor.append(
                _measure(
                    envs["lead"],
                    wav,
                    lambda: made.append(lead.send(cmd.MakeCall(target=operator_uri)).call_id),
                    (TONES["operator"],),
                )
            )
            mark = op.mark()
            lead.send(cmd.Hangup(call_id=made[-1]))
            op.wait_for(ev.CallEnded, after=mark, timeout=10)
        op.send(cmd.SetSupervision("op_n1", grants.public_text(KEY)))
        mark = op.mark()
        phones["caller"].send(cmd.MakeCall(target=operator_uri))
        _, incoming = op.wait_for(ev.IncomingCall, after=mark, timeout=10)
        op.wait_for(ev.CallStateChanged, lambda e: e.state is CallState.ACTIVE, after=mark, timeout=10)
        ours: list[float] = []
        placed: list[str] = []
        for n in range(ROUNDS):
            token, _ = grants.sign(
                KEY,
                lead="lead_n",
                operator="op_n1",
                call_id=incoming.sip_call_id,
                modes=tuple(SupervisionMode),
                mode=SupervisionMode.LISTEN,
                seconds=60,
            )
            ours.append(
                _measure(
                    envs["lead"],
                    root / f"supervise-{n}.wav",
                    _supervise(lead, operator_uri, token, placed),
                    (TONES["operator"], TONES["caller"]),
                )
            )
            mark = op.mark()
            lead.send(cmd.Hangup(call_id=placed[-1]))
            op.wait_for(ev.SupervisionChanged, lambda e: not e.active, after=mark, timeout=10)
    ours.sort()
    floor.sort()
    median, floor_median = ours[len(ours) // 2], floor[len(floor) // 2]
    result.add_vs_floor(
        "click to hearing the call (median)",
        round(median, 3),
        "s",
        round(floor_median, 3),
        "a direct call to the same phone, answered at once",
        limit=GOAL_S,
    )
    result.add("click to hearing the call (worst)", round(ours[-1], 3), "s", GOAL_S)
    result.details.update(supervise_s=ours, floor_s=floor)
    return result
