"""Who hears whom on the conference bridge while a team lead supervises a call.

Three conference ports take part: ``caller`` (the operator's call: what it transmits is what the caller
says, what it receives goes to the caller), ``operator`` (the headset port: transmits the microphone,
receives what the headset plays) and ``lead`` (the supervision call). The operator's ordinary links
(caller <-> operator) are the headset bridge's and stay as they are; the mixer adds, per mode:

=========  =====================================  ==========================
mode       links added                            so
=========  =====================================  ==========================
listen     caller -> lead, operator -> lead       the lead hears both; nobody hears the lead
whisper    ... and lead -> operator               the operator hears the lead; the caller not
barge      ... and lead -> caller                 three-way
=========  =====================================  ==========================

The bridge sums what a port receives, so the lead hears caller and operator together, and the operator
hears caller and lead. A switch changes only the links that differ (no gap in what stays). Engine thread
only, like every pjsua2 object.
"""

from __future__ import annotations

import contextlib
from typing import Any

from app.supervision.modes import SupervisionMode

_CALLER, _OPERATOR, _LEAD = "caller", "operator", "lead"
LINKS: dict[SupervisionMode, frozenset[tuple[str, str]]] = {
    SupervisionMode.LISTEN: frozenset({(_CALLER, _LEAD), (_OPERATOR, _LEAD)}),
    SupervisionMode.WHISPER: frozenset({(_CALLER, _LEAD), (_OPERATOR, _LEAD), (_LEAD, _OPERATOR)}),
    SupervisionMode.BARGE: frozenset(
        {(_CALLER, _LEAD), (_OPERATOR, _LEAD), (_LEAD, _OPERATOR), (_LEAD, _CALLER)}
    ),
}


class Mixer:
    """The supervision links of one supervised call; :meth:`apply` whenever a port or the mode changes."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], tuple[Any, Any]] = {}  # link -> the (source, sink) it used

    def apply(self, mode: SupervisionMode | None, ports: dict[str, Any]) -> None:
        """Make exactly the links of ``mode`` among the ports present (``None``: none at all).

        A link is remade when one of its ports changed (the caller's media after hold is a new port)."""
        wanted: dict[tuple[str, str], tuple[Any, Any]] = {}
        for src, dst in LINKS[mode] if mode is not None else ():
            a, b = ports.get(src), ports.get(dst)
            if a is not None and b is not None:
                wanted[(src, dst)] = (a, b)
        for link, pair in list(self._made.items()):
            now = wanted.get(link)
            if now is None or now[0] is not pair[0] or now[1] is not pair[1]:
                with contextlib.suppress(Exception):  # the port may already be gone with its call
                    pair[0].stopTransmit(pair[1])
                del self._made[link]
        for link, (a, b) in wanted.items():
            if link not in self._made:
                a.startTransmit(b)
                self._made[link] = (a, b)

    def forget(self, role: str) -> None:
        """The port ``role`` went away with its call: pjsua removed it and every link it had, so its
        links are dropped without ``stopTransmit`` (which, on a slot already removed, broke the links
        of other ports too: the operator lost the caller when the lead hung up)."""
        for link in [link for link in self._made if role in link]:
            del self._made[link]

    def clear(self) -> None:
        self.apply(None, {})

    @property
    def links(self) -> frozenset[tuple[str, str]]:
        """The links in place now (for tests and stats)."""
        return frozenset(self._made)
