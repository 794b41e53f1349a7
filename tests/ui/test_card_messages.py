"""The card's history shows a communication chain's e-mails and SMS among the calls: when, the
chain, the channel, the delivery status in words (Russian too), the subject or text as plain text,
why one was not sent in the tooltip; the open callback still comes from the latest call."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from app.wire.contacts import HistoryItem, HistoryMessage
from tests.ui.conftest import EVIL, FakeClock
from ui import sample_data
from ui.actions import ActionCollection
from ui.card.call_card import CallCard, CardData
from ui.card.glance import open_callback
from ui.i18n import Language, set_language


def _history() -> list[HistoryItem]:
    calls = sample_data.history()  # 1, 7 and 30 days ago
    mail = HistoryMessage(
        channel="email",
        at=sample_data.NOW - timedelta(hours=3),
        chain="offer",
        chain_name="Offer",
        recipient="anna@example.ru",
        subject=EVIL,
        text="Hello",
        status="delivered",
    )
    sms = HistoryMessage(
        channel="sms",
        at=sample_data.NOW - timedelta(hours=2),
        chain="offer",
        chain_name="Offer",
        text="Line one\nline two",
        status="skipped",
        error="the client refused SMS",
    )
    return [sms, mail, *calls]


def _rows(card: CallCard) -> list[list[str]]:
    view = card.contact_page.history
    return [[view.topLevelItem(i).text(c) for c in range(6)] for i in range(view.topLevelItemCount())]


def test_messages_are_rows_of_the_history_with_their_status(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    card = CallCard(actions, clock=clock)
    qtbot.addWidget(card)
    card.show_contact(CardData(sample_data.contact(), sample_data.SCHEMA, sample_data.CODES, _history()))
    rows = _rows(card)
    assert rows[0][1:] == ["Chain: Offer", "SMS", "not sent", "", "Line one line two"]
    assert rows[1][1:] == ["Chain: Offer", "E-mail", "delivered", "", EVIL]  # plain text, never markup
    assert rows[2][1] == "petrova"  # the latest call follows
    view = card.contact_page.history
    assert view.topLevelItem(0).toolTip(3) == "the client refused SMS"
    set_language(Language.RU)
    rows = _rows(card)
    assert rows[0][1:4] == ["Цепочка: Offer", "СМС", "не отправлено"]
    assert rows[1][2:4] == ["E-mail", "доставлено"]


def test_the_open_callback_comes_from_the_latest_call_not_a_message() -> None:
    history = _history()
    call = history[2]
    assert not isinstance(call, HistoryMessage) and call.disposition is not None
    promised = sample_data.NOW + timedelta(days=1)
    history[2] = call.model_copy(
        update={"disposition": call.disposition.model_copy(update={"callback_at": promised})}
    )
    assert open_callback(history) == promised


def test_a_reply_of_the_client_is_a_row_with_its_text_as_plain_text(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    reply = HistoryMessage(
        channel="sms",
        direction="inbound",
        at=sample_data.NOW - timedelta(hours=1),
        chain="offer",
        chain_name="Offer",
        recipient="+79123456789",
        text=EVIL,
        status="received",
    )
    stray = HistoryMessage(
        channel="email", direction="inbound", at=sample_data.NOW - timedelta(minutes=5),
        subject="Re: счёт", text="Когда\nпозвоните?", status="received",
    )  # fmt: skip
    card = CallCard(actions, clock=clock)
    qtbot.addWidget(card)
    card.show_contact(
        CardData(sample_data.contact(), sample_data.SCHEMA, sample_data.CODES, [stray, reply, *_history()])
    )
    rows = _rows(card)
    assert rows[0][1:] == ["From the client", "E-mail", "received", "", "Когда позвоните?"]
    assert rows[1][1:] == ["Reply to chain: Offer", "SMS", "received", "", EVIL]  # never markup
    set_language(Language.RU)
    rows = _rows(card)
    assert rows[0][1:4] == ["От клиента", "E-mail", "получено"]
    assert rows[1][1:4] == ["Ответ на цепочку: Offer", "СМС", "получено"]
