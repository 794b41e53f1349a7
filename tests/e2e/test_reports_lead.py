"""A team lead's reports on the real desktop (``ui.main.Desktop`` on qasync's loop, as ``ringdesk``
runs) against a live seeded server, in one desktop start: Ctrl+T opens the Team window, Alt+D its
Dashboard; an operator's call, disposition and *ready* posted to the server show in the dashboard's
cells within a second of the status change (measured and printed); the server's Asterisk adapter
(on a fake AMI: no Asterisk exists for this machine) reports a caller waiting in "sales" since
before it connected, another who joins shows within a second (measured), one who leaves goes; the
wallboard opens full screen with the waiting figures and Esc leaves it; Alt+R opens the Reports
window, today's report counts the calls, a double-click on a figure lists the calls behind it, Enter
on a recorded call opens its card (the client's contact card, the script answers) and Enter on its
recording plays it in the lead's headset (the server audits the play), and the Windows-1251 export
saves the server's file."""

from __future__ import annotations

import csv
import hashlib
import io
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.e2e.conftest import PASSWORD, seeded_demo_server, until
from tests.e2e.test_scoring_journey import call_audio
from tests.server.live import LiveServer
from tests.support.fake_ami import LiveAmi
from tests.support.ports import free_port
from tests.sync.conftest import MemoryKeyring
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.qt_loop import run_qt
from ui.team.reports.call_card import CallCardWindow
from ui.team.reports.drill import DrillWindow
from ui.team.reports.window import ReportsWindow
from ui.team.wallboard import Wallboard
from ui.team.window import TeamWindow

SOURCE_KEY = "e2e-reports-pbx-key-long-enough"
CLIENT_PHONE = "+79031234570"
ANSWERS = {"budget": "до 50 000 ₽", "product": "Тариф <Бизнес>"}


@pytest.fixture(scope="module")
def ami() -> Iterator[LiveAmi]:
    with LiveAmi(("sales",)) as fake:
        fake.join("1772442500.1", "sales", waited=30)  # waiting before the server connects
        yield fake


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, ami: LiveAmi) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("reports-server")
    env = {
        "RINGDESK_SOURCE_KEYS": f"pbx:{SOURCE_KEY}",
        "RINGDESK_AMI_URL": f"ami://ringdesk:s3cret@127.0.0.1:{ami.port}",
        "RINGDESK_RECORDINGS_DIR": str(directory / "recordings"),
    }
    with seeded_demo_server(directory, env) as live:
        yield live


def shown(kind: type[Any]) -> Any:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    return found[0] if found else None


class Centre:
    """The PBX and operator1 acting through the server's API."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.token = ""
        self.admin: dict[str, str] = {}

    async def login(self) -> None:
        answer = await self.http.post("/auth/login", json={"name": "operator1", "password": PASSWORD})
        self.token = answer.json()["access_token"]

    async def handled_call(self, call_id: str, caller: str = "+79161234567", **extra: Any) -> None:
        """A sales call operator1 took and finished a minute ago (PBX report and disposition;
        ``extra``: more of the disposition, the contact and the script's answers)."""
        now = datetime.now(UTC).replace(microsecond=0)
        at = {k: (now - timedelta(seconds=s)).isoformat() for k, s in (("in", 90), ("up", 80), ("end", 20))}
        report = {
            "call_id": call_id, "outcome": "accepted", "operator": "operator1", "queue": "sales",
            "dnis": "+74950000001", "caller": caller,
            "arrived_at": at["in"], "answered_at": at["up"], "ended_at": at["end"],
        }  # fmt: skip
        answer = await self.http.post("/calls/outcomes", json=report, headers={"X-Source-Key": SOURCE_KEY})
        assert answer.status_code == 200, answer.text
        disposition = {
            "call_id": call_id, "operator": "operator1", "queue": "sales", "ring_at": at["up"],
            "answer_at": at["up"], "end_at": at["end"], "code": "sale",
            "acw_end_at": (now - timedelta(seconds=1)).isoformat(), **extra,
        }  # fmt: skip
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": str(uuid.uuid4())}
        answer = await self.http.post("/dispositions", json=disposition, headers=headers)
        assert answer.status_code == 201, answer.text

    async def recorded_call(self, call_id: str, audio: bytes) -> int:
        """A known client's call operator1 took along the sales script and recorded: the contact
        (made by the admin), the call, its disposition with the script's answers, the stored
        recording; the recording's id."""
        login = await self.http.post("/auth/login", json={"name": "admin", "password": PASSWORD})
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        contact = {
            "name": "Петрова Анна <i>VIP</i>",
            "phones": [CLIENT_PHONE],
            "city": "Казань",
            "segment": "vip",
        }
        made = await self.http.post("/contacts", json=contact, headers=admin)
        assert made.status_code == 201, made.text
        await self.handled_call(
            call_id,
            CLIENT_PHONE,
            contact_id=made.json()["id"],
            script={"id": "sales", "version": 1},
            answers=ANSWERS,
            comment="просила перезвонить в пятницу",
        )
        operator = {"Authorization": f"Bearer {self.token}"}
        body = {
            "call_id": call_id, "queue": "sales", "started_at": datetime.now(UTC).isoformat(), "seconds": 3.0,
            "size": len(audio), "sha256": hashlib.sha256(audio).hexdigest(),
        }  # fmt: skip
        announced = await self.http.post("/recordings", json=body, headers=operator)
        assert announced.status_code == 201, announced.text
        rec_id = int(announced.json()["id"])
        stored = await self.http.put(
            f"/recordings/{rec_id}/content?offset=0",
            content=audio,
            headers={**operator, "Content-Type": "application/octet-stream"},
        )
        assert stored.status_code == 200 and stored.json()["stored"] is True, stored.text
        self.admin = admin
        return rec_id

    async def status(self, status: str) -> None:
        body = {"operator": "operator1", "status": status, "at": datetime.now(UTC).isoformat()}
        if status == "acw":
            body["source"] = "system"
        answer = await self.http.post(
            "/statuses", json=body, headers={"Authorization": f"Bearer {self.token}"}
        )
        assert answer.status_code == 201, answer.text


@pytest.mark.timeout(150)
def test_a_lead_watches_the_dashboard_and_reads_reports_in_the_real_desktop(
    server: LiveServer, ami: LiveAmi, qapp: QApplication, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    desktop = Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="lead",
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{free_port('udp')}", "--local-user", "lead", "--no-audio"],
            language=Language.EN,
            database=tmp_path / "desk.db",
        )
    )

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            centre = Centre(http)
            await centre.login()
            await centre.status("ready")
            await centre.handled_call("e2e-r1")
            try:
                assert await desktop.start()
                await steps(centre)
            finally:
                await desktop.stop()

    async def steps(centre: Centre) -> None:
        main = desktop.window
        assert main is not None
        main.activateWindow()
        await until(main.isActiveWindow, timeout=5)
        QTest.keyClick(main, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: shown(TeamWindow) is not None, timeout=5)
        team: TeamWindow = shown(TeamWindow)
        await until(lambda: team.connection.text() == "Live", timeout=10)
        QTest.keyClick(team, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # the Dashboard tab
        dash = team.dashboard
        await until(lambda: team.tabs.currentWidget() is dash, timeout=5)
        await until(lambda: cell(dash, dash.operators, "operator1", "Handled") == "1", timeout=10)
        assert cell(dash, dash.queues, "sales", "Offered") == "1"

        # a second call ends: its figures are on the dashboard within a second of the status change
        await centre.status("acw")
        await centre.handled_call("e2e-r2")
        posted = time.perf_counter()
        await centre.status("ready")
        await until(lambda: cell(dash, dash.operators, "operator1", "Handled") == "2", timeout=5)
        latency = time.perf_counter() - posted
        print(f"\ndashboard latency in the real desktop: {latency * 1000:.0f} ms")
        assert latency < 1.0
        assert cell(dash, dash.queues, "sales", "Offered") == "2"

        # callers waiting in the PBX's queue: pushed, on the dashboard within a second
        assert cell(dash, dash.queues, "sales", "Waiting") == "1"  # the QueueStatus on connect
        assert cell(dash, dash.queues, "sales", "Longest wait") >= "0:30"
        assert dash.note.isHidden()  # a PBX reports its queues: no "empty until" note
        joined = time.perf_counter()
        ami.join("1772442600.2", "sales")
        await until(lambda: cell(dash, dash.queues, "sales", "Waiting") == "2", timeout=5)
        latency = time.perf_counter() - joined
        print(f"waiting caller on the dashboard after: {latency * 1000:.0f} ms")
        assert latency < 1.0
        ami.leave("1772442500.1")  # the longest waiter is answered
        await until(lambda: cell(dash, dash.queues, "sales", "Waiting") == "1", timeout=5)
        assert cell(dash, dash.queues, "sales", "Longest wait") < "0:30"
        assert cell(dash, dash.queues, "All queues", "Waiting") == "1"

        # the wallboard: full screen, with the waiting figures; Esc leaves
        dash.wallboard_button.click()
        await until(lambda: shown(Wallboard) is not None, timeout=5)
        wall: Wallboard = shown(Wallboard)
        assert wall.isFullScreen() and wall.queue_title(wall.shown()) == "sales"  # type: ignore[arg-type]
        assert {label: value for label, value, _ in wall.tiles()}["Waiting"] == "1"
        QTest.keyClick(wall, Qt.Key.Key_Escape)
        await until(lambda: not wall.isVisible(), timeout=5)

        # Reports (Alt+R): today's calls, the calls behind the total, a call's card and recording,
        # the cp1251 export
        rec_id = await centre.recorded_call("e2e-r3", call_audio(tmp_path / "call.ogg"))
        team.activateWindow()
        await until(team.isActiveWindow, timeout=5)
        QTest.keyClick(team, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
        await until(lambda: shown(ReportsWindow) is not None, timeout=5)
        reports: ReportsWindow = shown(ReportsWindow)
        await until(lambda: reports.desk.report is not None, timeout=10)
        total = reports.calls.rowCount() - 1
        assert reports.cell_text(reports.calls, total, "Handled") == "3"
        assert reports.cell_text(reports.calls, total, "Service level") == "100 %"  # 10 s waits
        column = next(
            c
            for c in range(reports.calls.columnCount())
            if reports.calls.horizontalHeaderItem(c).text() == "Offered"  # type: ignore[union-attr]
        )
        reports.calls.cellDoubleClicked.emit(total, column)
        await until(lambda: shown(DrillWindow) is not None, timeout=5)
        drill: DrillWindow = shown(DrillWindow)
        await until(lambda: drill.list.topLevelItemCount() == 3, timeout=5)
        recorded = next(
            drill.list.topLevelItem(i)
            for i in range(3)
            if drill.list.topLevelItem(i).text(1) == CLIENT_PHONE  # type: ignore[union-attr]
        )
        drill.activateWindow()
        drill.list.setFocus()
        drill.list.setCurrentItem(recorded)
        QTest.keyClick(drill.list, Qt.Key.Key_Return)  # Enter: the call's card
        await until(lambda: shown(CallCardWindow) is not None, timeout=10)
        card: CallCardWindow = shown(CallCardWindow)
        assert card.field("name") == "Петрова Анна <i>VIP</i>" and card.field("city") == "Казань"
        assert card.field("phones") == CLIENT_PHONE and card.field("outcome") == "answered"
        assert card.field("wait") == "0:10 (within 20 s)"
        assert card.script_answers() == ANSWERS
        assert card.handling.topLevelItem(0).text(4) == "просила перезвонить в пятницу"  # type: ignore[union-attr]
        assert card.recordings.topLevelItemCount() == 1
        # the recording has the keyboard once the card's window is active (the window system's
        # activation of a new window comes after it is shown: under load, a moment after)
        await until(card.recordings.hasFocus, timeout=5)
        QTest.keyClick(card.recordings, Qt.Key.Key_Return)  # Enter: play it in the lead's headset
        await until(
            lambda: card.player_bar.isVisible() and card.player_bar.button.text() == "Stop", timeout=15
        )
        plays = (await centre.http.get(f"/recordings/{rec_id}/plays", headers=centre.admin)).json()
        assert [p["user"] for p in plays] == ["lead"]  # the lead's play is audited
        card.close()
        saved: list[Path] = []

        def choose(name: str, then: Any) -> None:
            saved.append(tmp_path / name)
            then(saved[-1])

        reports.ask_path = choose
        reports.export_buttons["csv_cp1251"].click()
        await until(lambda: reports.message.text().startswith("Saved to"), timeout=10)
        lines = list(csv.reader(io.StringIO(saved[0].read_bytes().decode("cp1251")), delimiter=";"))
        assert lines[0][0] == "start" and lines[-1][0] == "total"

    run_qt(scenario)


def cell(dash: Any, table: Any, first: str, header: str) -> str:
    try:
        return str(dash.cell(table, first, header))
    except KeyError:
        return ""
