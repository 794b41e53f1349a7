"""Issue 15: the first call's card costs what any later one does. The warm-up builds the contact page's
editors before the first call (``ui.warmup``); they are built with the roles every shown contact gives
them, so showing the first contact restyles none of them (a restyle is an unpolish and polish of the
widget against the stylesheet, on the GUI thread while the card pops)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from tests.ui.conftest import FakeClock
from ui import sample_data
from ui.actions import ActionCollection
from ui.card.call_card import CallCard, CardData
from ui.card.contact_fields import field_specs


def test_showing_the_first_contact_restyles_no_editor_the_warm_up_built(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    card = CallCard(actions, clock=clock)
    qtbot.addWidget(card)
    card.show()
    page = card.contact_page
    page.prepare(sample_data.SCHEMA)  # what the warm-up does before the operator goes ready
    paths = [spec.path for spec in field_specs(sample_data.SCHEMA)]

    def roles_now() -> dict[str, tuple[object, object]]:
        widgets = {p: page.editor_widget(p) for p in paths}
        return {p: (w.property("dirty"), w.property("invalid")) for p, w in widgets.items()}

    roles = roles_now()
    card.show_contact(CardData(sample_data.contact(), sample_data.SCHEMA, sample_data.CODES, []))
    shown = roles_now()
    assert shown == roles
    assert set(shown.values()) == {("false", "false")}  # a contact just shown: nothing edited, all valid
