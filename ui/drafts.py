"""Nothing typed is lost: each call's unfinished work is on disk while the operator works on it.

For every conversation the keeper saves one draft (keyed by the id its disposition will carry):
the session as the core knows it (``app.session.snapshot``), the script runner's state, and the
disposition form as typed. The outbox deletes the draft in the same transaction that saves the
disposition, so a crash at any moment leaves either the draft or the disposition, never neither.
At start-up :meth:`DraftKeeper.restore` reopens the after-call work of every call left unfinished,
with the form filled in as it was.

The form is written at most every :data:`FORM_SAVE_MS` (an fsynced write per keystroke of the comment
stalled the GUI thread): the first change after a write starts the window, the form as it is at the
end of the window is written, and the form is also written at once when its call moves (hung up,
done), when the keeper closes (quit) and before a restore. So a kill -9 loses at most the last
:data:`FORM_SAVE_MS` of typing; everything typed before that is on disk (``tests/e2e/test_crash_acw``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QTimer

from app.session.call import CallSession
from app.session.phase import Phase
from app.session.snapshot import from_json, to_json
from app.store.drafts import Drafts
from app.workstation import Workstation
from app.workstation.notices import CallChanged
from ui.disposition_form import DispositionChoice, DispositionForm

log = logging.getLogger(__name__)

_KEPT = frozenset({Phase.TALKING, Phase.HELD, Phase.ACW})

FORM_SAVE_MS = 300
"""The most typing a kill -9 can lose: the form is written at the end of this window after a change."""


class DraftKeeper:
    """Saves the work on each call as it happens; reopens it after a crash."""

    def __init__(
        self,
        drafts: Drafts,
        workstation: Workstation,
        form: DispositionForm,
        clock: Callable[[], datetime],
    ) -> None:
        self.drafts = drafts
        self.workstation = workstation
        self.form = form
        self.clock = clock
        self._drafts: dict[str, dict[str, Any]] = {}
        self._form: tuple[str, dict[str, Any]] | None = None
        """The form of a call (its engine id) changed since the last write."""
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(FORM_SAVE_MS)
        self._timer.timeout.connect(self.flush)
        self._unsubscribe = workstation.hub.on(CallChanged, self._on_call)
        form.draft_changed.connect(self._on_form)

    def flush(self) -> None:
        """Write the form as typed now, if it changed since the last write."""
        self._timer.stop()
        pending, self._form = self._form, None
        if pending is None:
            return
        call_id, form = pending
        session = self.workstation.calls.get(call_id)
        if session is not None and session.phase is Phase.ACW:  # done: its draft went with the result
            self._save(session, form=form)

    def _on_call(self, notice: CallChanged) -> None:
        session = notice.session
        if self._form is not None and self._form[0] == session.call_id:
            if session.phase is Phase.DONE:
                self._form = None  # the disposition replaced the draft: never write it back
                self._timer.stop()
            else:
                self.flush()
        if session.consult_for:
            return
        if session.phase in _KEPT:
            self._save(session, session=to_json(session, at=self.clock()))
        elif session.phase is Phase.DONE:
            draft = self._drafts.pop(session.record_id, None)
            if session.disposition is None and draft is not None:
                self.drafts.discard(session.record_id)  # no record will replace it
            # with a disposition, the outbox dropped the draft in the same transaction

    def _on_form(self, choice: DispositionChoice) -> None:
        session = next((s for s in self.workstation.calls.values() if s.phase is Phase.ACW), None)
        if session is None:
            return
        form = {
            "code": choice.code,
            "comment": choice.comment,
            "callback_at": choice.callback_at.isoformat() if choice.callback_at else None,
        }
        if self._form is not None and self._form[0] != session.call_id:
            self.flush()  # another call's form: write that one first
        self._form = (session.call_id, form)
        if not self._timer.isActive():  # not restarted by later keys: the window bounds the loss
            self._timer.start()

    def script_state(self, call_id: str, state: dict[str, Any]) -> None:
        """The script runner moved (the script host calls this with its JSON state)."""
        session = self.workstation.calls.get(call_id)
        if session is not None:
            self._save(session, script=state)

    def saved_script(self, call_id: str) -> dict[str, Any] | None:
        """The runner state saved for this call, to resume the script where it was."""
        session = self.workstation.calls.get(call_id)
        if session is None:
            return None
        draft = self._drafts.get(session.record_id) or self.drafts.load(session.record_id) or {}
        state = draft.get("script")
        return state if isinstance(state, dict) else None

    def _save(self, call: CallSession, **parts: Any) -> None:
        draft = self._drafts.setdefault(call.record_id, {})
        draft.update(parts)
        record_id, kept = call.record_id, dict(draft)
        # the disk is full or gone: the workstation holds the newest draft and writes it when it can
        self.workstation.write_held(
            f"the draft of call {record_id}",
            lambda: self.drafts.save(record_id, kept),
            key=f"draft:{record_id}",
        )

    def restore(self, shown: Callable[[], str | None]) -> int:
        """Reopen every call left in progress or in after-call work; how many came back. ``shown``
        tells which call's form the desk opened, the one to fill in as it was typed."""
        sessions: list[CallSession] = []
        forms: dict[str, dict[str, Any]] = {}
        for draft in self.drafts.open_drafts():
            saved = draft.form.get("session")
            if not isinstance(saved, dict):
                continue
            try:
                session = from_json(saved)
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("draft %s not restored: %s", draft.call_id, exc)
                continue
            self._drafts[draft.call_id] = dict(draft.form)
            sessions.append(session)
            if isinstance(draft.form.get("form"), dict):
                forms[session.call_id] = draft.form["form"]
        if sessions:
            self.workstation.restore_acw(sessions)
        for call_id, form in forms.items():
            if call_id == shown() and call_id in self.workstation.calls:
                callback = form.get("callback_at")
                self.form.restore(
                    DispositionChoice(
                        str(form.get("code") or ""),
                        str(form.get("comment") or ""),
                        datetime.fromisoformat(callback) if isinstance(callback, str) else None,
                    )
                )
        return len(sessions)

    def close(self) -> None:
        """Write what is typed (the desktop quits) and stop listening."""
        self.flush()
        self._unsubscribe()
