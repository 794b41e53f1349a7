"""The lights a headset shows, worked out from the calls' real state, and the output reports that set
them.

The telephony service feeds every call event it emits and every mute it applies into :class:`CallLights`,
so the lights follow what the phone really does whoever asked for it (the headset's buttons, the
keyboard, the screen, the caller hanging up): a ringing call lights Ring, a conversation Off-Hook (the
host's answer a hook switch waits for), a muted one Mute, a held one Hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.headset.descriptor import Layout, Light
from app.telephony import events as ev
from app.telephony.events import CallState

_OFF_HOOK_STATES = frozenset(
    {CallState.CALLING, CallState.EARLY, CallState.CONNECTING, CallState.ACTIVE, CallState.HELD}
)


@dataclass(frozen=True)
class Lights:
    """Which call lights are on."""

    off_hook: bool = False
    ring: bool = False
    mute: bool = False
    hold: bool = False

    def on(self, light: Light) -> bool:
        return {
            Light.OFF_HOOK: self.off_hook,
            Light.RING: self.ring,
            Light.MUTE: self.mute,
            Light.HOLD: self.hold,
        }[light]


class CallLights:
    """The phone's calls and mute as the lights should show them."""

    def __init__(self) -> None:
        self._calls: dict[str, CallState] = {}
        self._muted = False

    def observe(self, event: ev.Event) -> None:
        """Follow one event the service emitted (others are ignored)."""
        match event:
            case ev.IncomingCall(call_id=call_id):
                self._calls[call_id] = CallState.RINGING
            case ev.CallStateChanged(call_id=call_id, state=state) if state is not CallState.ENDED:
                self._calls[call_id] = state
            case ev.CallStateChanged(call_id=call_id) | ev.CallEnded(call_id=call_id):
                self._calls.pop(call_id, None)
            case ev.EngineStopped() | ev.EngineStarted():
                self._calls.clear()
        if not any(s in _OFF_HOOK_STATES for s in self._calls.values()):
            self._muted = False  # the audio bridge unmutes when the conversation ends

    def set_muted(self, muted: bool) -> None:
        """The microphone was muted or unmuted (the service applied a ``mute`` command)."""
        self._muted = muted

    def lights(self) -> Lights:
        states = set(self._calls.values())
        off_hook = bool(states & _OFF_HOOK_STATES)
        return Lights(
            off_hook=off_hook,
            ring=CallState.RINGING in states,
            mute=self._muted and off_hook,
            hold=CallState.HELD in states,
        )


def output_reports(layout: Layout, lights: Lights) -> list[bytes]:
    """The output reports that show ``lights``, each as hidapi writes it: the report id first (0 when
    the descriptor uses none)."""
    reports: list[bytes] = []
    for report_id, size in sorted(layout.output_sizes.items()):
        value = 0
        for light, fld in layout.lights.items():
            if fld.report_id == report_id and lights.on(light):
                value |= 1 << fld.bit_offset
        reports.append(bytes([report_id]) + value.to_bytes(size, "little"))
    return reports


def lights_in(layout: Layout, report: bytes) -> dict[Light, bool]:
    """The lights one written output report sets (``report`` as written: id byte first); for tests and
    the log."""
    report_id, body = report[0], report[1:]
    whole = int.from_bytes(body, "little")
    return {
        light: bool(whole >> fld.bit_offset & 1)
        for light, fld in layout.lights.items()
        if fld.report_id == report_id
    }
