"""Live supervision through Asterisk, for centres whose calls Asterisk bridges: ``Originate`` into
``ChanSpy`` over AMI (``docs/quality.md``, "Live supervision").

The lead's phone is called (``Channel`` = the lead's interface, ``PJSIP/{user}`` as configured); when
it answers, Asterisk runs ``ChanSpy`` on the operator's channels with the mode's options:

==========  ==========  ==========================================================
mode        options     what ChanSpy does
==========  ==========  ==========================================================
listen      ``qE``      q: no beep or name announced; E: end when the operator's call ends
whisper     ``qEw``     w: the lead speaks to the spied channel (the operator) only
barge       ``qEB``     B: the lead is bridged to both sides (three-way)
==========  ==========  ==========================================================

A switch of mode hangs the lead's spy channel up and originates again with the new options (the lead's
phone rings again, unless it answers by itself). The spy channel is learnt from ``OriginateResponse``
(its ``Channel`` is the lead's interface and a suffix; the event may come before the action's answer
has been read, so it is matched by the channel, not by ``ActionID``). Who may supervise whom is decided
before this is called (``server/api/routes/supervision.py``): the adapter only carries it out.
"""

from __future__ import annotations

import logging

from app.wire.supervision import SupervisionMode
from server.pbx.ami import AmiClient, Message

log = logging.getLogger("ringdesk.server.pbx.spy")

SPY_OPTIONS: dict[SupervisionMode, str] = {
    SupervisionMode.LISTEN: "qE",
    SupervisionMode.WHISPER: "qEw",
    SupervisionMode.BARGE: "qEB",
}
RING_TIMEOUT_MS = "30000"


def originate_fields(lead_interface: str, operator_interface: str, mode: SupervisionMode) -> dict[str, str]:
    """The ``Originate`` action's fields (besides ``Action`` and ``ActionID``)."""
    return {
        "Channel": lead_interface,
        "Application": "ChanSpy",
        "Data": f"{operator_interface},{SPY_OPTIONS[mode]}",
        "CallerID": f'"Supervision" <{operator_interface.rsplit("/", 1)[-1]}>',
        "Timeout": RING_TIMEOUT_MS,
        "Async": "true",
    }


class AsteriskSpy:
    """Starts, switches and stops ChanSpy sessions over an adapter's AMI connection."""

    def __init__(self, client: AmiClient, interface: str = "PJSIP/{user}") -> None:
        self.client = client
        self.interface = interface
        self._originating: set[str] = set()  # the leads' interfaces being called
        self.channels: dict[str, str] = {}  # the lead's interface -> their spy channel, once up

    async def start(self, lead: str, operator: str, mode: SupervisionMode) -> None:
        """Spy on ``operator``'s call (extensions) from ``lead``'s phone; replaces the lead's session."""
        lead_interface = self.interface.format(user=lead)
        await self.stop(lead)
        fields = originate_fields(lead_interface, self.interface.format(user=operator), mode)
        self._originating.add(lead_interface)
        await self.client.send("Originate", **fields)

    async def stop(self, lead: str) -> None:
        """Hang up the lead's spy channel, if there is one."""
        channel = self.channels.pop(self.interface.format(user=lead), None)
        if channel is not None:
            await self.client.send("Hangup", Channel=channel)

    def on_event(self, message: Message) -> None:
        """``OriginateResponse`` tells the lead's channel (or that the lead did not answer);
        ``Hangup`` of a spy channel forgets it."""
        kind = message.get("Event", "")
        if kind == "OriginateResponse" and message.get("Application") == "ChanSpy":
            channel = message.get("Channel", "")
            lead = next((i for i in self._originating if channel.startswith(f"{i}-")), None)
            lead = lead or next((i for i in self._originating if channel == i), None)
            if lead is None:
                return
            self._originating.discard(lead)
            if message.get("Response", "").lower() == "success":
                self.channels[lead] = channel
            else:
                log.info("supervision call not answered", extra={"event": "ami.spy", "lead": lead})
        elif kind == "Hangup":
            channel = message.get("Channel", "")
            for lead, spy in list(self.channels.items()):
                if spy == channel:
                    del self.channels[lead]
