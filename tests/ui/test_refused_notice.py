"""The notice of records the server did not accept: hidden when there are none, the count in the
right plural and the reason in words in both languages, and the server's words shown as plain text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from app.store.schema import OutboxKind
from app.sync.refused import RefusedRecord, Why, why
from ui.i18n import Language, set_language
from ui.refused_notice import RefusedDialog, RefusedNotice


def record(n: int, kind: OutboxKind = OutboxKind.DISPOSITION, status: int | None = 422) -> RefusedRecord:
    return RefusedRecord(
        item_id=n,
        kind=kind,
        saved_at=datetime(2026, 12, 6, 9, 30, tzinfo=UTC),
        why=why(status),
        server_says="<b>disposition code 'x' is retired</b>",
        code="x" if kind is OutboxKind.DISPOSITION else None,
        call_id=f"call-{n}" if kind is OutboxKind.DISPOSITION else None,
        status="ready" if kind is OutboxKind.STATUS else None,
    )


@pytest.fixture
def notice(qtbot: QtBot) -> Iterator[RefusedNotice]:
    widget = RefusedNotice()
    qtbot.addWidget(widget)
    yield widget
    set_language(Language.EN)


def test_hidden_without_refused_records(notice: RefusedNotice) -> None:
    notice.show_records([record(1)])
    assert not notice.isHidden()
    notice.show_records([])
    assert notice.isHidden()


def test_counts_and_reasons_in_russian(notice: RefusedNotice) -> None:
    set_language(Language.RU)
    shown = []
    for n in (1, 3, 5, 21):
        notice.show_records([record(i) for i in range(n)])
        shown.append(notice.label.text())
    assert shown == [
        "1 результат звонка не принят сервером: сервер счёл его неверным",
        "3 результата звонков не приняты сервером: сервер счёл его неверным",
        "5 результатов звонков не принято сервером: сервер счёл его неверным",
        "21 результат звонка не принят сервером: сервер счёл его неверным",
    ]
    notice.show_records([record(1), record(2, OutboxKind.STATUS, 500)])
    assert notice.label.text() == "2 записи не приняты сервером: сервер раз за разом выдавал на ней ошибку"
    set_language(Language.EN)
    assert (
        notice.label.text()
        == "2 record(s) not accepted by the server: the server failed on it again and again"
    )


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, Why.INVALID),
        (422, Why.INVALID),
        (403, Why.NOT_ALLOWED),
        (412, Why.CONFLICT),
        (413, Why.TOO_LARGE),
        (500, Why.SERVER_FAILED),
        (None, Why.OTHER),
    ],
)
def test_why_from_the_status(status: int | None, expected: Why) -> None:
    assert why(status) is expected


def test_the_list_shows_the_servers_words_as_plain_text(qtbot: QtBot) -> None:
    dialog = RefusedDialog([record(1), record(2, OutboxKind.STATUS)])
    qtbot.addWidget(dialog)
    first, second = dialog.lines()
    assert "Call result: x · call-1" in first
    assert "Server: <b>disposition code 'x' is retired</b>" in first  # literally, not bold
    assert "Status change: Ready" in second
    requested: list[list[int]] = []
    dialog.resend_requested.connect(requested.append)
    dialog.list.item(1).setSelected(True)
    assert dialog.resend.isEnabled()
    dialog.resend.click()
    assert requested == [[2]]
