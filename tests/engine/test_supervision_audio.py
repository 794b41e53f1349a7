"""Live supervision through real telephony services (issue 18): who hears whom, measured.

Three ``ringdesk phone`` processes, each with its own PulseAudio server whose microphone hears its own
tone: the caller 600 Hz, the operator 440 Hz, the team lead 1000 Hz. The caller calls the operator; the
lead's service calls the operator's service with a grant. In each mode each party's headset (its sink's
monitor) is recorded and the three tones measured in it (a Fourier sum over +-6 Hz of each tone, on a
stretch after the mode took effect):

* listen: the lead hears caller and operator; the caller and the operator do not hear the lead;
* whisper: the operator hears the lead too; the caller still not;
* barge: everybody hears everybody.

Then what must be refused, with the operator's call going on untouched: a grant signed by another
key, an expired one, one used a second time, one for another operator, one for a call not in progress.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from app.supervision import grants
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.wire.supervision import SupervisionMode
from tests.audio import pulse
from tests.support.phone import Phone
from tests.support.ports import free_port

pytestmark = [
    pytest.mark.audio,
    pytest.mark.skipif(bool(pulse.missing_tools()), reason=pulse.missing_tools() or "-"),
]
StartPhone = Callable[..., Phone]
CALLER_HZ, OPERATOR_HZ, LEAD_HZ = 600, 440, 1000
TONES = {"caller": CALLER_HZ, "operator": OPERATOR_HZ, "lead": LEAD_HZ}
HEARD = 400.0
"""A tone's amplitude in a headset when that party is heard (measured: about 20,000)."""
SILENT = 60.0
"""...and at most this when it is not (measured: under 5)."""
NOISE_HZ = 800
"""A frequency no party sends, nor any product of two tones: what a recording holds there is noise."""
SPLATTER = 0.02
NOISE_MARGIN = 4.0
"""A starved machine drops bits of the heard tones (a heard level of 20,000 falls to 3,500 in a
loaded run), and the gaps spread their energy over every frequency: 200 seen in a silent band. So
"not heard" allows the larger of: 2 % of the loudest tone heard, and 4 times what the recording
holds at :data:`NOISE_HZ`. A party wrongly mixed in is heard at thousands."""


def silent(level: float, levels: dict[str, float]) -> bool:
    """``level`` is no more than silence in the recording ``levels`` was read from."""
    heard = max(v for k, v in levels.items() if k != "noise")
    return level < max(SILENT, SPLATTER * heard, NOISE_MARGIN * levels["noise"])


KEY = grants.key_from_secret("the server's secret key for the supervision audio test, long")
OPERATOR = "op_n1"


def tone_levels(samples: list[int]) -> dict[str, float]:
    """The amplitude of each party's tone in ``samples`` (16 kHz), and of the noise at :data:`NOISE_HZ`."""
    x = np.asarray(samples, dtype=np.float64)
    spectrum = np.fft.rfft(x * np.hanning(len(x)))
    freqs = np.fft.rfftfreq(len(x), 1 / pulse.RATE)
    gain = np.hanning(len(x)).sum() / 2  # a sine of amplitude A peaks at A * gain
    levels = {}
    for who, hz in (*TONES.items(), ("noise", NOISE_HZ)):
        band = (freqs > hz - 6) & (freqs < hz + 6)
        levels[who] = float(np.sqrt((np.abs(spectrum[band]) ** 2).sum()) / gain)
    return levels


class Party:
    """One telephony service with its own sound server."""

    def __init__(self, name: str, server: pulse.PulseServer, phone: Phone, address: str) -> None:
        self.name, self.server, self.phone, self.address = name, server, phone, address

    def hears(self, tmp_path: Path, label: str, seconds: float = 1.0) -> dict[str, float]:
        """What reaches this party's headset during the next ``seconds`` (after 0.3 s to settle)."""
        recording = pulse.Recording(
            self.server.env, "headset.monitor", tmp_path / f"{self.name}-{label}.wav", latency_ms=20
        )
        recording.wait_until_covered(0.3 + seconds)
        samples = recording.stop()
        return tone_levels(samples[int(0.3 * pulse.RATE) : int((0.3 + seconds) * pulse.RATE)])


@pytest.fixture
def parties(tmp_path: Path, start_phone: StartPhone) -> Iterator[dict[str, Party]]:
    servers: list[pulse.PulseServer] = []
    made: dict[str, Party] = {}
    try:
        for name, hz in TONES.items():
            root = tmp_path / f"pa-{name}"
            root.mkdir()
            server = pulse.PulseServer(root, tone_hz=hz)
            server.start()
            servers.append(server)
            port = free_port()
            extra = ("--auto-answer",) if name == "operator" else ()
            phone = start_phone(
                "--listen", f"127.0.0.1:{port}", "--headset", "headset", *extra, env=server.env, name=name
            )
            assert phone.wait_for(ev.AudioDevicesChanged).headset == "headset"
            made[name] = Party(name, server, phone, f"127.0.0.1:{port}")
        yield made
    finally:
        for party in made.values():
            party.phone.terminate()
        for server in servers:
            server.stop()


def grant_for(
    call_id: str, *, operator: str = OPERATOR, seconds: float = 60, now: float | None = None
) -> str:
    token, _ = grants.sign(
        KEY,
        lead="lead_n",
        operator=operator,
        call_id=call_id,
        modes=tuple(SupervisionMode),
        mode=SupervisionMode.LISTEN,
        seconds=60,
        now=now,
    )
    return token


def _in_mode(mode: str) -> Callable[[ev.SupervisionChanged], bool]:
    return lambda e: e.mode == mode


def _ended(call_id: str) -> Callable[[ev.SupervisingChanged], bool]:
    return lambda e: e.call_id == call_id and e.state is ev.CallState.ENDED


def operator_call(parties: dict[str, Party]) -> tuple[str, str]:
    """The caller calls the operator (answered by itself): the operator's call id and SIP Call-ID."""
    op = parties["operator"].phone
    op.send(cmd.SetSupervision(operator=OPERATOR, public_key=grants.public_text(KEY)))
    parties["caller"].phone.send(cmd.MakeCall(target=f"sip:op@{parties['operator'].address}"))
    incoming = op.wait_for(ev.IncomingCall)
    op.wait_for(ev.CallStateChanged, lambda e: e.state is ev.CallState.ACTIVE, timeout=10)
    return incoming.call_id, incoming.sip_call_id


def supervise(parties: dict[str, Party], token: str) -> ev.CommandResult:
    target = f"sip:supervise@{parties['operator'].address}"
    return parties["lead"].phone.send(cmd.Supervise(target=target, grant=token))


def test_each_mode_lets_each_party_hear_exactly_whom_it_should(
    parties: dict[str, Party], tmp_path: Path
) -> None:
    op, lead = parties["operator"].phone, parties["lead"].phone
    call_id, sip_call_id = operator_call(parties)
    placed = supervise(parties, grant_for(sip_call_id))
    lead.wait_for(ev.SupervisingChanged, lambda e: e.state is ev.CallState.ACTIVE, timeout=10)
    assert not lead.all(ev.CallStateChanged)  # the lead's desk sees supervision, never a call
    shown = op.wait_for(ev.SupervisionChanged, timeout=10)
    assert (shown.call_id, shown.lead, shown.mode, shown.active) == (call_id, "lead_n", "listen", True)
    assert op.all(ev.IncomingCall) and len(op.all(ev.IncomingCall)) == 1  # never offered as a call

    expected = {
        "listen": {"caller": {"operator"}, "operator": {"caller"}, "lead": {"caller", "operator"}},
        "whisper": {"caller": {"operator"}, "operator": {"caller", "lead"}, "lead": {"caller", "operator"}},
        "barge": {
            "caller": {"operator", "lead"},
            "operator": {"caller", "lead"},
            "lead": {"caller", "operator"},
        },
    }
    measured: dict[str, dict[str, dict[str, float]]] = {}
    for mode in ("listen", "whisper", "barge", "listen"):
        if mode != "listen" or measured:
            mark = op.mark()
            lead.send(cmd.SwitchSupervision(call_id=placed.call_id, mode=mode))
            op.wait_for(ev.SupervisionChanged, _in_mode(mode), after=mark, timeout=10)
        measured[mode] = {name: party.hears(tmp_path, mode) for name, party in parties.items()}
        for name, levels in measured[mode].items():
            for other, level in levels.items():
                if other in (name, "noise"):
                    continue  # one's own voice is not in one's headset at all (no sidetone)
                if other in expected[mode][name]:
                    assert level > HEARD, f"{mode}: {name} should hear {other}: {measured[mode]}"
                else:
                    assert silent(level, levels), f"{mode}: {name} must not hear {other}: {measured[mode]}"

    mark = op.mark()
    lead.send(cmd.Hangup(call_id=placed.call_id))
    ended = op.wait_for(ev.SupervisionChanged, lambda e: not e.active, after=mark, timeout=10)
    assert ended.call_id == call_id
    after = parties["operator"].hears(tmp_path, "after")
    assert after["caller"] > HEARD and silent(after["lead"], after)  # the lead gone, the caller not
    back = parties["caller"].hears(tmp_path, "after")
    assert back["operator"] > HEARD and silent(back["lead"], back)
    assert not op.all(ev.CallEnded)  # the operator's call goes on


def test_forged_expired_replayed_foreign_and_stale_grants_are_refused(
    parties: dict[str, Party], tmp_path: Path
) -> None:
    op, lead = parties["operator"].phone, parties["lead"].phone
    call_id, sip_call_id = operator_call(parties)
    forged, _ = grants.sign(
        grants.key_from_secret("somebody else's secret key, long enough to look real"),
        lead="lead_n",
        operator=OPERATOR,
        call_id=sip_call_id,
        modes=tuple(SupervisionMode),
        mode=SupervisionMode.LISTEN,
        seconds=60,
    )
    good = grant_for(sip_call_id)
    attempts = {
        "forged": forged,
        "expired": grant_for(sip_call_id, now=time.time() - 120),
        "another operator": grant_for(sip_call_id, operator="op_n2"),
        "another call": grant_for("not-this-call@pbx"),
        "garbage": "not.a.grant",
    }
    for what, token in attempts.items():
        mark, op_mark = lead.mark(), op.mark()
        placed = supervise(parties, token)
        ended = lead.wait_for(ev.SupervisingChanged, _ended(placed.call_id), after=mark)
        assert ended.code == 403, f"{what}: {ended}"
        # the operator's service says so too: its event may reach the test just after the lead's 403
        op.wait_for(ev.SupervisionRefused, lambda e: True, after=op_mark, timeout=10)
    refusals = op.all(ev.SupervisionRefused)
    assert len(refusals) == len(attempts), refusals
    # the good grant once works; the same grant again is refused
    first = supervise(parties, good)
    lead.wait_for(
        ev.SupervisingChanged, lambda e: e.call_id == first.call_id and e.state is ev.CallState.ACTIVE
    )
    op.wait_for(ev.SupervisionChanged, lambda e: e.active)
    lead.send(cmd.Hangup(call_id=first.call_id))
    op.wait_for(ev.SupervisionChanged, lambda e: not e.active)
    mark = lead.mark()
    again = supervise(parties, good)
    replay = lead.wait_for(ev.SupervisingChanged, _ended(again.call_id), after=mark)
    assert replay.code == 403
    assert "already used" in op.all(ev.SupervisionRefused)[-1].reason
    # none of it reached the operator as a call, and their call went on with both voices
    assert len(op.all(ev.IncomingCall)) == 1 and not op.all(ev.CallEnded)
    assert [e.call_id for e in op.all(ev.CallStateChanged)] == [call_id] * len(op.all(ev.CallStateChanged))
    assert parties["operator"].hears(tmp_path, "after")["caller"] > HEARD
    assert parties["caller"].hears(tmp_path, "after")["operator"] > HEARD
