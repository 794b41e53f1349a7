"""The Reports window on a real server (``ringdesk-server serve`` as a process), its requests tasks
of a qasync loop as in the desktop: a day's calls reported by the PBX and handled by an operator
show as the lead reads them (by hour, by queue for the whole period), the per-operator analytics
with the team's median, a double-click on a count lists exactly the calls behind it, each export
saves the server's file byte for byte where the lead chose, the server gone leaves the tables as
they were with a clear message, and every word is Russian too."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from app.client.api import ApiClient
from app.reports.charts import Chart
from app.reports.state import ReportDesk
from app.wire.reports import GroupBy
from server.db import Database
from server.models import Role
from tests.e2e.conftest import until
from tests.server.conftest import make_settings
from tests.server.helpers import TestUser, add_user
from tests.server.live import LiveServer
from tests.server.tasks_support import PBX_KEY, SOURCES
from ui.i18n import Language, set_language
from ui.labels import use_catalogue
from ui.team.reports.call_card import CallCardWindow
from ui.team.reports.drill import DrillWindow
from ui.team.reports.window import FIGURE_ROLE, ReportsWindow

DAY = datetime.now(UTC).date() - timedelta(days=1)
"""Yesterday: within the week a desktop's records may be late, and the day is whole."""
STAMP = f"{DAY:%Y%m%d}"


def at(clock: str) -> str:
    return f"{DAY.isoformat()}T{clock}+00:00"


class Centre:
    """A live server with a lead (north) and anna (north); :meth:`seed`: a day's three calls, c1
    anna's sale in sales at 09:00, c2 missed in sales at 09:10, c3 anna's in support at 10:00."""

    def __init__(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'reports.sqlite3'}"
        settings = make_settings(url)
        env = {
            "RINGDESK_DATABASE_URL": url,
            "RINGDESK_SECRET_KEY": settings.secret_key.get_secret_value(),
            "RINGDESK_PASSWORD_TIME_COST": "1",
            "RINGDESK_PASSWORD_MEMORY_KIB": "1024",
            "RINGDESK_PASSWORD_PARALLELISM": "1",
            "RINGDESK_SOURCE_KEYS": f"pbx:{PBX_KEY}",
        }
        self.server = LiveServer(tmp_path / "server.log", env=env).start()
        database = Database.connect(url)
        self.users: dict[str, TestUser] = {
            "admin": add_user(database, settings, "admin", Role.ADMIN),
            "lead": add_user(database, settings, "lead", Role.TEAM_LEAD, "north"),
            "anna": add_user(database, settings, "anna", team="north"),
        }
        database.dispose()
        self.http = httpx.Client(base_url=self.server.base_url, timeout=10)
        token = {
            name: self.http.post("/auth/login", json={"name": name, "password": u.password}).json()[
                "access_token"
            ]
            for name, u in self.users.items()
        }
        self.auth = {name: {"Authorization": f"Bearer {t}"} for name, t in token.items()}
        for spec in (
            {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"},
            {"code": "info", "label_en": "Info", "label_ru": "Справка", "category": "other"},
        ):
            response = self.http.put(
                f"/catalogue/dispositions/{spec['code']}", json=spec, headers=self.auth["admin"]
            )
            assert response.status_code == 201, response.text

    def seed(self, at: Callable[[str], str], hold: int = 30) -> None:
        """The three calls and two dispositions, at the times ``at`` gives for each clock time."""
        calls: list[dict[str, Any]] = [
            {"call_id": "c1", "outcome": "accepted", "operator": "anna", "queue": "sales",
             "dnis": "+74950000001", "caller": "+74951110001", "arrived_at": at("09:00:00"),
             "answered_at": at("09:00:20"), "ended_at": at("09:05:20")},
            {"call_id": "c2", "outcome": "missed", "missed_reason": "abandoned", "queue": "sales",
             "dnis": "+74950000002", "caller": "+74951110002", "arrived_at": at("09:10:00"),
             "ended_at": at("09:10:40")},
            {"call_id": "c3", "outcome": "accepted", "operator": "anna", "queue": "support",
             "dnis": "+74950000001", "caller": "+74951110003", "arrived_at": at("10:00:00"),
             "answered_at": at("10:00:05"), "ended_at": at("10:02:05")},
        ]  # fmt: skip
        for body in calls:
            response = self.http.post("/calls/outcomes", json=body, headers=SOURCES)
            assert response.status_code == 200, response.text
        for call, code, queue, answer, end, acw in (
            ("c1", "sale", "sales", "09:00:20", "09:05:20", "09:06:20"),
            ("c3", "info", "support", "10:00:05", "10:02:05", "10:02:35"),
        ):
            body = {
                "call_id": call, "operator": "anna", "queue": queue, "ring_at": at(answer),
                "answer_at": at(answer), "end_at": at(end), "acw_end_at": at(acw), "hold_seconds": hold,
                "code": code, "comment": "<b>asked</b> about delivery",
            }  # fmt: skip
            headers = {**self.auth["anna"], "Idempotency-Key": str(uuid.uuid4())}
            response = self.http.post("/dispositions", json=body, headers=headers)
            assert response.status_code == 201, response.text


@pytest.fixture
def centre(tmp_path: Path) -> Iterator[Centre]:
    c = Centre(tmp_path)
    c.seed(at)
    yield c
    c.http.close()
    c.server.stop()


def column_of(window: ReportsWindow, header: str) -> int:
    table = window.calls
    return next(
        c for c in range(table.columnCount()) if (h := table.horizontalHeaderItem(c)) and h.text() == header
    )


def test_a_lead_reads_drills_exports_and_keeps_the_report_when_the_server_goes(
    centre: Centre, loop: asyncio.AbstractEventLoop, tmp_path: Path, qapp: QApplication
) -> None:
    saved: list[Path] = []
    qapp.setQuitOnLastWindowClosed(False)  # as the desktop (its tray keeps it running)

    async def scenario() -> None:
        api = ApiClient(centre.server.base_url, account="lead")
        await api.login("lead", centre.users["lead"].password)
        use_catalogue(await api.catalogue())  # as the desktop does at login: codes read as labels
        window = ReportsWindow(ReportDesk(api, tz="UTC", today=DAY))
        window.show()
        shown: list[int] = []
        window.sig_shown.connect(lambda: shown.append(1))
        try:
            window.reload()
            await until(lambda: shown and window.operators.rowCount() == 2, timeout=10)
            calls = window.calls
            assert calls.rowCount() == 3  # 09:00, 10:00 and the total
            assert [calls.item(r, 0).text() for r in range(3)] == [
                f"{DAY} 09:00",
                f"{DAY} 10:00",
                "Total",
            ]
            assert window.cell_text(calls, 0, "Offered") == "2"
            assert window.cell_text(calls, 0, "Missed") == "1"
            assert window.cell_text(calls, 2, "Handled") == "2"
            assert window.cell_text(calls, 2, "Conversion") == "50 %"
            # c1: talk 270 s + hold 30 s + ACW 60 s = 6:00; c3: 90 + 30 + 30 = 2:30; AHT 4:15
            assert window.cell_text(calls, 2, "AHT") == "4:15"

            # charts: by hour, by line, operators with the team's median (drawn: the pixels change)
            window.tabs.setCurrentWidget(window.charts_page)
            await until(lambda: window.desk.charts is not None, timeout=10)
            drawn = window.chart.chart
            assert drawn is not None and drawn.categories == ["09", "10"]
            assert [series.values for series in drawn.bars] == [[2, 1], [1, 1], [1, 0]]
            painted = window.chart.grab().toImage()
            window.chart.show_chart(Chart(categories=[]), "", {}, empty="")
            assert window.chart.grab().toImage() != painted  # the bars were drawn
            window.charts_page.draw()
            window.chart_box.setCurrentIndex(window.chart_box.findData("lines"))
            assert window.chart.chart is not None and window.chart.chart.categories == ["+74950000001"]
            assert window.chart.title == "Conversion by advertising line"
            window.chart_box.setCurrentIndex(window.chart_box.findData("operators"))
            assert window.chart.chart is not None and window.chart.chart.reference == 2.0
            assert window.chart.title == "Operators compared: calls handled: north"
            window.tabs.setCurrentWidget(window.calls)

            # by queue, the whole period
            window.interval_box.setCurrentIndex(window.interval_box.findData(""))
            window.by_box.setCurrentIndex(window.by_box.findData(GroupBy.QUEUE.value))
            shown.clear()
            window.show_button.click()
            await until(lambda: bool(shown), timeout=10)
            rows = {calls.item(r, 1).text(): r for r in range(calls.rowCount() - 1)}
            assert set(rows) == {"sales", "support"}
            assert calls.item(rows["sales"], 0).text() == "Whole period"
            assert window.cell_text(calls, rows["sales"], "Called back, %") == "0 %"

            # per-operator analytics with the team's median
            ops = window.operators
            assert ops.item(0, 0).text() == "anna" and ops.item(1, 0).text() == "Team median (1 operators)"
            assert window.cell_text(ops, 0, "AHT") == window.cell_text(ops, 1, "AHT") == "4:15"

            # drill-down: the sales row's offered calls, then the one missed
            offered = calls.item(rows["sales"], column_of(window, "Offered"))
            assert offered.data(FIGURE_ROLE) == "offered"
            calls.cellDoubleClicked.emit(rows["sales"], column_of(window, "Offered"))
            await until(
                lambda: (
                    isinstance(window.drill_window, DrillWindow)
                    and window.drill_window.list.topLevelItemCount() == 2
                ),
                timeout=10,
            )
            drill = window.drill_window
            assert isinstance(drill, DrillWindow)
            assert sorted(drill.list.topLevelItem(i).text(1) for i in range(2)) == [
                "+74951110001",
                "+74951110002",
            ]
            calls.cellDoubleClicked.emit(rows["sales"], column_of(window, "Handled"))
            await until(lambda: drill.list.topLevelItemCount() == 1, timeout=10)
            text = drill.details.toPlainText()
            assert "Disposition: Sale" in text and "Comment: <b>asked</b> about delivery" in text
            assert "Talk 4:30, hold 0:30, after-call work 1:00" in text
            assert "Outcome: answered" in text  # in words, not the wire's "accepted"

            # Enter on the call opens it: the call, no contact card, the disposition and its comment
            drill.list.setCurrentItem(drill.list.topLevelItem(0))
            drill.list.itemActivated.emit(drill.list.topLevelItem(0), 0)
            await until(
                lambda: isinstance(window.card_window, CallCardWindow) and window.card_window.isVisible(),
                timeout=10,
            )
            card = window.card_window
            assert isinstance(card, CallCardWindow)
            assert (card.field("caller"), card.field("queue"), card.field("operator")) == (
                "+74951110001",
                "sales",
                "anna",
            )
            assert card.field("wait") == "0:20 (within 20 s)" and card.field("outcome") == "answered"
            assert (
                card.no_contact.isVisibleTo(card)
                and card.no_contact.text() == "No contact card for this caller"
            )
            handled = card.handling.topLevelItem(0)
            assert [handled.text(c) for c in (1, 2, 3, 4)] == [
                "anna",
                "Sale",
                "4:30",
                "<b>asked</b> about delivery",
            ]
            assert card.recordings.topLevelItemCount() == 0 and not card.play_button.isEnabled()
            # the historical service level beside the counts; request type among the groupings
            assert window.cell_text(calls, rows["sales"], "Service level") == "50 %"
            assert window.cell_text(calls, rows["sales"], "Speed of answer") == "0:20"
            assert window.by_box.findData("request_type") >= 0

            # exports: the file chosen holds the server's bytes
            def choose(name: str, then: Any) -> None:
                path = tmp_path / name
                saved.append(path)
                then(path)

            window.ask_path = choose
            for key in ("csv_cp1251", "csv_utf8", "xlsx"):
                window.export_buttons[key].click()
                await until(lambda: window.message.text().startswith("Saved to"), timeout=10)
                window.message.clear()
            cp1251, utf8, xlsx = (p.read_bytes() for p in saved)
            assert [p.name for p in saved] == [
                f"calls-queue-{STAMP}-cp1251.csv", f"calls-queue-{STAMP}.csv", f"calls-queue-{STAMP}.xlsx",
            ]  # fmt: skip
            lines = list(csv.reader(io.StringIO(cp1251.decode("cp1251")), delimiter=";"))
            assert lines[0][:2] == ["start", "queue"] and lines[-1][0] == "total"
            assert utf8.startswith(b"\xef\xbb\xbf") and xlsx.startswith(b"PK")
            params = {"from": f"{DAY}", "to": f"{DAY}", "tz": "UTC", "by": "queue", "whole": "true"}
            server = centre.http.get(
                "/reports/calls",
                params={**params, "format": "csv", "encoding": "cp1251"},
                headers=centre.auth["lead"],
            )
            assert server.content == cp1251

            # a file that cannot be written: said so, nothing else changes
            window.ask_path = lambda name, then: then(tmp_path / "no-such-dir" / name)
            window.export_buttons["xlsx"].click()
            await until(lambda: "Could not save" in window.message.text(), timeout=10)

            # Russian
            set_language(Language.RU)
            assert window.windowTitle() == "Отчёты"
            assert calls.horizontalHeaderItem(column_of(window, "Принято")) is not None
            assert calls.item(calls.rowCount() - 1, 0).text() == "Итого"
            assert window.export_buttons["csv_cp1251"].text() == "Экспорт CSV (Excel, Windows-1251)"
            assert card.field("outcome") == "отвечен" and card.play_button.text() == "&Прослушать"
            set_language(Language.EN)

            # the server goes away: the tables stay, the message says why
            centre.server.stop()
            before = calls.rowCount()
            window.show_button.click()
            await until(lambda: window.message.text().startswith("Failed:"), timeout=20)
            assert calls.rowCount() == before and calls.item(rows["sales"], 1).text() == "sales"
        finally:
            set_language(Language.EN)
            await window.aclose()
            await api.aclose()

    loop.run_until_complete(scenario())
