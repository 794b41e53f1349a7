"""The team lead's Listen / Whisper / Barge bar on the Team window, on a real server (issue 18): the
board's operator on a call, a click, the grant the server signs for that operator's call, and the
command the lead's telephony service gets (a recording fake here; the audio is proven in
``tests/engine/test_supervision_audio.py``). Russian texts too."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from app.client.api import ApiClient
from app.supervision import grants
from app.supervision.live import LeadSide
from app.team.feed import TeamFeed
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState
from app.wire.supervision import SupervisionMode
from tests.e2e.conftest import until
from tests.ui.test_team_window import Centre, centre  # noqa: F401  (the fixture)
from ui.i18n import Language, set_language
from ui.team.supervise import SuperviseBar, attach_supervise_bar
from ui.team.window import TeamWindow


class LeadPhone:
    """The lead's telephony service as the bar's core sees it: takes commands, answers ok."""

    def __init__(self) -> None:
        self.sent: list[cmd.Command] = []

    async def send(self, command: cmd.Command, timeout_s: float = 10.0) -> ev.CommandResult:
        self.sent.append(command)
        made = "sup-1" if isinstance(command, cmd.Supervise) else ""
        return ev.CommandResult(ref="", ok=True, call_id=made)


def test_the_lead_supervises_an_operator_on_a_call_from_the_board(
    centre: Centre,  # noqa: F811
    loop: asyncio.AbstractEventLoop,
) -> None:
    anna_id = centre.users["anna"].id
    routing = {"sip_uri": "sip:anna@127.0.0.1:5099"}
    answer = centre.http.patch(f"/users/{anna_id}/routing", json=routing, headers=centre.auth("admin"))
    assert answer.status_code == 200, answer.text
    centre.status("anna", "on_call")
    live = {"call_id": "anna-call@pbx", "outcome": "accepted", "answered_at": datetime.now(UTC).isoformat()}
    assert centre.http.post("/calls/desktop", json=live, headers=centre.auth("anna")).status_code == 200
    key = grants.public_key(
        centre.http.get("/supervision/policy", headers=centre.auth("anna")).json()["public_key"]
    )
    phone = LeadPhone()

    async def scenario() -> None:
        api = ApiClient(centre.server.base_url, account="lead")
        window = TeamWindow()
        try:
            await api.login("lead", centre.users["lead"].password)
            lead = LeadSide(api, phone)
            bar: SuperviseBar = attach_supervise_bar(window, lead)
            window.start(TeamFeed(api, window.on_feed_event))
            await until(lambda: window.model.rowCount() == 2 and window.model.connected, timeout=10)
            window.select_operator("boris")  # not on a call: nothing to supervise
            assert not bar.buttons[SupervisionMode.LISTEN].isEnabled()
            window.select_operator("anna")
            assert bar.buttons[SupervisionMode.LISTEN].isEnabled() and not bar.hang_up_button.isEnabled()
            bar.buttons[SupervisionMode.WHISPER].click()
            await until(lambda: bool(phone.sent), timeout=10)
            placed = phone.sent[0]
            assert isinstance(placed, cmd.Supervise) and placed.target == "sip:anna@127.0.0.1:5099"
            grant = grants.verify(placed.grant, key)
            assert (grant.lead, grant.operator, grant.call_id) == ("lead", "anna", "anna-call@pbx")
            assert grant.mode is SupervisionMode.WHISPER
            assert bar.state.text() == "Calling anna's phone..."
            lead.on_event(ev.SupervisingChanged("sup-1", CallState.ACTIVE))
            assert bar.state.text() == "Whispering to anna"
            assert bar.buttons[SupervisionMode.WHISPER].isChecked() and bar.hang_up_button.isEnabled()
            bar.buttons[SupervisionMode.BARGE].click()
            await until(lambda: len(phone.sent) == 2, timeout=10)
            assert phone.sent[1] == cmd.SwitchSupervision("sup-1", "barge")
            assert bar.state.text() == "In the call of anna"
            set_language(Language.RU)
            assert bar.state.text() == "В разговоре оператора anna"
            assert bar.buttons[SupervisionMode.LISTEN].text() == "Слушать"
            set_language(Language.EN)
            bar.hang_up_button.click()
            await until(lambda: len(phone.sent) == 3, timeout=10)
            assert phone.sent[2] == cmd.Hangup("sup-1")
            lead.on_event(ev.SupervisingChanged("sup-1", CallState.ENDED, 200))
            assert bar.state.text() == "" and not bar.hang_up_button.isEnabled()
        finally:
            await window.aclose()
            await api.aclose()

    loop.run_until_complete(scenario())
