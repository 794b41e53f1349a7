"""The disposition draft is written as the operator types, but not once per keystroke on the GUI
thread (issue 13, defect 10): at most every ``FORM_SAVE_MS``, and at once when the call moves on or
the keeper closes, so what is typed is on disk without an fsync per key."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.status import Choice
from app.store.database import open_store
from app.store.drafts import Drafts
from tests.core.helpers import ended
from tests.ui.test_desk import Harness
from ui.drafts import FORM_SAVE_MS, DraftKeeper


class CountedDrafts(Drafts):
    """The real drafts table, counting its writes."""

    writes = 0

    def save(self, call_id: str, form: Any) -> None:
        self.writes += 1
        super().save(call_id, form)


def comment_on_disk(drafts: Drafts, call_id: str) -> str:
    saved = drafts.load(call_id) or {}
    return str((saved.get("form") or {}).get("comment", ""))


def test_typing_a_comment_writes_the_draft_a_few_times_not_per_key(
    loop: asyncio.AbstractEventLoop,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    h = Harness(loop)
    store = open_store(tmp_path / "desk.db")
    drafts = CountedDrafts(store)
    keeper = DraftKeeper(drafts, h.ws, h.window.disposition, clock=h.clock)
    h.ws.start_shift()
    h.ws.set_status(Choice.ready())
    from app.telephony.events import CallState
    from tests.ui.test_desk import incoming, state  # the same helpers the desk tests use

    h.event(incoming("c1", 10, queue="sales"))
    h.window.ringing.answer_requested.emit()
    h.settle()
    h.event(state("c1", CallState.ACTIVE, 13))
    h.event(ended("c1", 70))
    form = h.window.disposition
    assert form.isVisibleTo(h.window)
    record = h.ws.calls["c1"].record_id
    before = drafts.writes
    text = "call back after lunch, the client is busy"
    form.comment.setFocus()
    QTest.keyClicks(form.comment, text)
    assert form.comment.toPlainText() == text
    typed = drafts.writes - before
    assert typed <= 1, f"{typed} fsynced writes while typing {len(text)} characters"
    qtbot.waitUntil(lambda: comment_on_disk(drafts, record) == text, timeout=FORM_SAVE_MS * 10)
    QTest.keyClicks(form.comment, "!")
    keeper.close()  # the desktop quits: what is typed is written at once
    assert comment_on_disk(drafts, record) == text + "!"
    store.close()
