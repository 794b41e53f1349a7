"""The headset's call buttons as the workstation's intents.

The telephony service reports a press (:class:`~app.telephony.events.HeadsetPressed`) like any phone
event; what it means depends on the calls the desk has, so it is decided here, in the core, and carried
out through the same intents the keyboard and the screen use (:class:`CallIntents`):

- hook switch: a call ringing is answered (a call talked on is held first, as the screen does when a
  second call rings, even though the headset, already off hook, reports going on hook); otherwise
  going on hook (or a toggle press) hangs up the call talked on. Going off hook with nothing ringing
  does nothing: the service shows the headset the Off-Hook light as it is, and it follows.
- mute: toggles the microphone during a conversation.
- flash: answers a call waiting (holding the current one), swaps to a held call, else holds or resumes.
- redial: calls the last number dialled from this desk again, when no call is up.

The lights are not set here: the service derives them from what the phone really does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from typing import Literal

from app.refused import Refused
from app.session.call import CallSession
from app.session.phase import Phase
from app.telephony import events as ev
from app.workstation.call_intents import CallIntents
from app.workstation.hub import Hub
from app.workstation.notices import AudioRouted, HeadsetChanged, Problem

log = logging.getLogger(__name__)

ActionKind = Literal["answer", "hangup", "hold", "resume", "mute", "redial"]


@dataclass(frozen=True)
class HeadsetAction:
    """What a press asks of the desk: an intent and the call (or mute state, or number) it is for."""

    kind: ActionKind
    call_id: str = ""
    muted: bool = False
    target: str = ""


def action_for(
    press: ev.HeadsetPressed, sessions: Iterable[CallSession], *, muted: bool, last_dialled: str = ""
) -> HeadsetAction | None:
    """The intent a press means for these calls (None: nothing to do)."""
    calls = [s for s in sessions if s.phase.live]
    ringing = next((s for s in calls if s.phase is Phase.RINGING), None)
    heard = next((s for s in calls if s.phase in (Phase.TALKING, Phase.DIALING)), None)
    held = next((s for s in calls if s.phase is Phase.HELD), None)
    match press.button:
        case ev.HeadsetButton.HOOK_SWITCH:
            if ringing is not None:
                return HeadsetAction("answer", ringing.call_id)
            if press.off_hook is not True and heard is not None:
                return HeadsetAction("hangup", heard.call_id)
            if press.off_hook is not True and held is not None and heard is None:
                return HeadsetAction("hangup", held.call_id)
            return None
        case ev.HeadsetButton.MUTE:
            if any(s.phase in (Phase.TALKING, Phase.HELD) for s in calls):
                return HeadsetAction("mute", muted=not muted)
            return None
        case ev.HeadsetButton.FLASH:
            if ringing is not None and (heard is not None or held is not None):
                return HeadsetAction("answer", ringing.call_id)
            if held is not None:
                return HeadsetAction("resume", held.call_id)  # resuming holds the one heard: a swap
            if heard is not None and heard.phase is Phase.TALKING:
                return HeadsetAction("hold", heard.call_id)
            return None
        case ev.HeadsetButton.REDIAL:
            if not calls and last_dialled:
                return HeadsetAction("redial", target=last_dialled)
            return None
    return None


class HeadsetIntents(CallIntents):
    """Mixed into the workstation: presses in, intents out; the headsets plugged in, for the window."""

    hub: Hub
    headsets: ev.HeadsetsChanged | None = None
    """What the service last said about the USB headsets (None: it has said nothing yet)."""
    _tasks: set[asyncio.Future[None]]

    @property
    def muted(self) -> bool:
        raise NotImplementedError

    def on_headsets(self, event: ev.HeadsetsChanged) -> None:
        self.headsets = event
        self.hub.publish(HeadsetChanged(event.devices, event.active, event.lost))

    def on_audio_route(self, event: ev.AudioRouteChanged) -> None:
        """The headset's sound device was unplugged or came back (the service moved the sound as the
        settings say): the operator must know where the client's voice is now."""
        what = "back" if event.back else "lost"
        log.info("audio: headset %s %s; sound on %r", event.headset, what, event.device)
        self.hub.publish(AudioRouted(event.headset, event.device, event.back))

    def on_headset_press(self, press: ev.HeadsetPressed) -> None:
        action = action_for(press, self.calls.values(), muted=self.muted, last_dialled=self.last_dialled)
        log.info("headset %s pressed (%s): %s", press.button, press.off_hook, action)
        if action is None:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to carry it out with
            task = asyncio.get_running_loop().create_task(self._carry_out(action))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _carry_out(self, action: HeadsetAction) -> None:
        intent: Awaitable[object]
        match action.kind:
            case "answer":
                intent = self.answer(action.call_id)
            case "hangup":
                intent = self.hangup(action.call_id)
            case "hold":
                intent = self.hold(action.call_id)
            case "resume":
                intent = self.resume(action.call_id)
            case "mute":
                intent = self.mute(action.muted)
            case "redial":
                intent = self.dial(action.target)
        try:
            await intent
        except Refused as exc:  # a phone refusal is published already; an intent's own is told here
            if exc.code != "phone":
                self.hub.publish(Problem(exc.reason, where="headset", refusal=exc))
