"""Opens the call script for an answered call in the window's script slot and keeps the workstation
told of the answers, so they travel with the call's disposition.

The script is chosen by the call's queue and the contact's segment (the server's rule, read through the
cache when the server is slow or down), and its texts are filled with the contact's fields: so a call
answered before the caller's lookup came back waits for it (at most :data:`LOOKUP_WAIT_MS`, then the
script opens with what is known), rather than greeting "[name?]" or showing another segment's script.
Every move of the runner is reported to the workstation (the answers and the suggested code) and to
``on_state`` (the draft store, so a crash mid-call resumes the same step).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit

from app.session.call import CallSession
from app.session.phase import Direction, Phase
from app.wire.contacts import ContactOut
from app.wire.scripts import ScriptDocument, ScriptRef
from app.workstation import Workstation
from ui.main_window import MainWindow

if TYPE_CHECKING:
    from app.scripts.runner import Runner
    from ui.script_panel.panel import ScriptPanel

log = logging.getLogger(__name__)

LOOKUP_WAIT_MS = 1000
"""How long an answered call's script waits for the caller's lookup (it answers in tens of
milliseconds; a server that is slow or down must not leave the operator without a script)."""


class ScriptSource(Protocol):
    async def script_for(self, queue: str | None, segment: str | None) -> ScriptDocument | None: ...


def contact_data(contact: ContactOut | None, number: str) -> dict[str, Any]:
    """The contact as templates see it (``contact.city``, ``contact.custom.lens_type``)."""
    if contact is None:
        return {"phones": [number]}
    return contact.model_dump(mode="json")


class ScriptHost:
    """One script panel at a time, for the call being talked to."""

    def __init__(
        self,
        window: MainWindow,
        workstation: Workstation,
        source: ScriptSource,
        *,
        operator: Mapping[str, Any] | None = None,
        on_state: Callable[[str, dict[str, Any]], None] | None = None,
        saved_state: Callable[[str], dict[str, Any] | None] | None = None,
    ) -> None:
        self.window = window
        self.workstation = workstation
        self.source = source
        login = workstation.config.operator  # operator.login / .name / .team for templates
        self.operator = {"login": login, "name": login, **(operator or {})}
        self.on_state = on_state
        self.saved_state = saved_state
        self.call_id: str | None = None
        self.panel: ScriptPanel | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._waiting: dict[str, CallSession] = {}
        """Answered calls whose script waits for the caller's lookup."""
        self._opened: set[str] = set()
        """Conversations whose script was opened (once each; a transfer's new call id keeps it)."""

    def follow(self, session: CallSession, contact: ContactOut | None, *, settled: bool) -> None:
        """A call moved: open its script once per conversation, when it is answered (``settled``
        false: the caller's lookup is still on its way), close it when the call is done."""
        opened = self._opened
        if any(old in opened for old in session.previous_ids):
            opened.difference_update(session.previous_ids)
            opened.add(session.call_id)
        if session.phase is Phase.DONE:
            opened.discard(session.call_id)
            self.close(session.call_id)
        elif (
            session.phase in (Phase.TALKING, Phase.HELD)
            and not session.consult_for
            and session.call_id not in opened
        ):
            opened.add(session.call_id)
            self.open_for(session, contact, settled=settled)

    def open_for(self, session: CallSession, contact: ContactOut | None, *, settled: bool = True) -> None:
        """Open ``session``'s script; ``settled`` false: the caller's lookup is still on its way, so
        wait for :meth:`contact_known` (or :data:`LOOKUP_WAIT_MS`)."""
        if not settled:
            self._waiting[session.call_id] = session
            QTimer.singleShot(LOOKUP_WAIT_MS, lambda: self._open_waiting(session.call_id, contact))
            return
        self._waiting.pop(session.call_id, None)
        task = asyncio.ensure_future(self._open(session, contact))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def contact_known(self, call_id: str, contact: ContactOut | None) -> None:
        """The caller's lookup came back: a script waiting for it opens now."""
        self._open_waiting(call_id, contact)

    def _open_waiting(self, call_id: str, contact: ContactOut | None) -> None:
        session = self._waiting.pop(call_id, None)
        if session is not None and call_id in self.workstation.calls:
            self.open_for(self.workstation.calls[call_id], contact)

    async def _open(self, session: CallSession, contact: ContactOut | None) -> None:
        # Imported on the first script shown, not at start: the runner, its Jinja2 sandbox and the panel
        # are ~2 MB the idle desktop does not need (issue 5), and ~40 ms once, while the script is
        # fetched anyway.
        from app.scripts.model import build
        from app.scripts.runner import CallData, Runner, StateError
        from ui.script_panel.panel import ScriptPanel

        segment = contact.segment if contact is not None else None
        try:
            document = await self.source.script_for(session.queue, segment)
        except Exception as exc:  # the server or the cache failing must not cost the call its card
            log.warning("no script for queue %s: %s", session.queue, exc)
            document = None
        if session.call_id not in self.workstation.calls:
            return  # the call ended while the script was fetched
        if document is None:
            self._placeholder(
                QCoreApplication.translate("Script", "No script is set for this queue and segment.")
            )
            return
        try:
            script = build(document.body)
        except (ValueError, KeyError, TypeError) as exc:
            self._placeholder(
                QCoreApplication.translate("Script", "The script cannot be shown: %1").replace("%1", str(exc))
            )
            return
        call = CallData(
            contact=contact_data(contact, session.number),
            operator=self.operator,
            call={
                "id": session.call_id,
                "number": session.number,
                "queue": session.queue or "",
                "direction": session.direction.value,
                "started_at": session.ring_at.isoformat(),
            },
        )
        runner = Runner(script, call)
        saved = self.saved_state(session.call_id) if self.saved_state else None
        if saved:
            try:
                runner = Runner.resume(script, saved, call)
            except StateError as exc:
                log.warning("saved script state for %s not resumed: %s", session.call_id, exc)
        self.call_id = session.call_id
        self.panel = ScriptPanel(runner)
        ref = ScriptRef(id=document.id, version=document.version)
        self.panel.sig_state_changed.connect(lambda state: self._moved(session.call_id, ref, runner, state))
        self.window.set_script_panel(self.panel)
        if self._may_take_keyboard(session):
            self.panel.focus_step()
        self._report(session.call_id, ref, runner)

    def _may_take_keyboard(self, session: CallSession) -> bool:
        """Answering is the operator's own act, so the script takes the keyboard (F5, then digits and
        Enter walk it; issue 13). An outgoing call answered by the customer takes it only from nowhere
        in particular: never from a field the operator is typing in."""
        if session.direction is Direction.INBOUND:
            return True
        focused = QApplication.focusWidget()
        return focused is None or not isinstance(focused, QLineEdit | QPlainTextEdit | QTextEdit)

    def _moved(self, call_id: str, ref: ScriptRef, runner: Runner, state: dict[str, Any]) -> None:
        if self.on_state is not None:
            self.on_state(call_id, state)
        self._report(call_id, ref, runner)

    def _report(self, call_id: str, ref: ScriptRef, runner: Runner) -> None:
        if call_id not in self.workstation.calls:
            return
        result = runner.result()
        suggested = result.disposition if result is not None else None
        self.workstation.set_script(call_id, ref, runner.answers(), suggested)

    def close(self, call_id: str) -> None:
        self._waiting.pop(call_id, None)
        if self.call_id != call_id:
            return
        self.call_id = None
        self.panel = None
        self.window.set_script_panel(self.window.script_placeholder)

    def _placeholder(self, text: str) -> None:
        self.window.script_placeholder.setText(text)
        self.window.set_script_panel(self.window.script_placeholder)
