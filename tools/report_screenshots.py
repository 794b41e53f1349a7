"""Screenshots of the team lead's reports for ``docs/screenshots/`` and ``docs/reports.md``: the
Team window's dashboard, the wallboard, the call report by hour, the chart of calls by hour and a
call opened from a drill-down (its client's card, script answers and recording), in English and
Russian, light and dark.

``QT_QPA_PLATFORM=offscreen .venv/bin/python tools/report_screenshots.py`` starts a real server
(``tests.server.live``) on a scratch SQLite database, seeds a team of four with yesterday's calls
(09:00-19:00 Moscow time, three advertising lines, two queues) and the last two hours' calls, logs
the lead in and grabs the real widgets, fed by the real client and feed. The calls are random with
a fixed seed, so the pictures change when the UI does (and "today" moves with the clock).
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.client.api import ApiClient  # noqa: E402
from app.reports.live import LiveFigures  # noqa: E402
from app.reports.state import ReportDesk  # noqa: E402
from app.team.feed import TeamFeed  # noqa: E402
from app.wire.reports import DrillCall, GroupBy, Interval  # noqa: E402
from server.db import Database  # noqa: E402
from server.models import Role  # noqa: E402
from tests.e2e.conftest import until  # noqa: E402
from tests.server.conftest import make_settings  # noqa: E402
from tests.server.helpers import add_user  # noqa: E402
from tests.server.live import LiveServer  # noqa: E402
from ui.i18n import Language, set_language  # noqa: E402
from ui.labels import use_catalogue  # noqa: E402
from ui.team.reports.call_card import CallCardWindow  # noqa: E402
from ui.team.reports.window import ReportsWindow  # noqa: E402
from ui.team.wallboard import Wallboard  # noqa: E402
from ui.team.window import TeamWindow  # noqa: E402
from ui.theme import Theme, apply_theme  # noqa: E402

OUT = REPO / "docs" / "screenshots"
ZONE = ZoneInfo("Europe/Moscow")
PBX_KEY = "screenshots-pbx-key"
OPERATORS = ("anna", "boris", "vera", "gleb")
LINES = ("+74950000001", "+74950000002", "+74950000003")
CODES = (
    {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"},
    {"code": "info", "label_en": "Information", "label_ru": "Справка", "category": "other"},
    {"code": "complaint", "label_en": "Complaint", "label_ru": "Жалоба", "category": "other"},
    {"code": "spam", "label_en": "Not a customer", "label_ru": "Нецелевой", "category": "non_target"},
)


class Centre:
    def __init__(self, work: Path) -> None:
        url = f"sqlite:///{work / 'reports.sqlite3'}"
        settings = make_settings(url)
        env = {
            "RINGDESK_DATABASE_URL": url,
            "RINGDESK_SECRET_KEY": settings.secret_key.get_secret_value(),
            "RINGDESK_PASSWORD_TIME_COST": "1",
            "RINGDESK_PASSWORD_MEMORY_KIB": "1024",
            "RINGDESK_PASSWORD_PARALLELISM": "1",
            "RINGDESK_SOURCE_KEYS": f"pbx:{PBX_KEY}",
            "RINGDESK_SERVICE_LEVELS": "sales:15,support:30",
            "RINGDESK_RECORDINGS_DIR": str(work / "recordings"),
        }
        self.server = LiveServer(work / "server.log", env=env).start()
        database = Database.connect(url)
        users = {"admin": add_user(database, settings, "admin", Role.ADMIN)}
        users["lead"] = add_user(database, settings, "lead", Role.TEAM_LEAD, "north")
        for name in OPERATORS:
            users[name] = add_user(database, settings, name, team="north")
        database.dispose()
        self.passwords = {name: user.password for name, user in users.items()}
        self.http = httpx.Client(base_url=self.server.base_url, timeout=30)
        self.auth = {name: self.login(name, pw) for name, pw in self.passwords.items()}
        for spec in CODES:
            self.http.put(f"/catalogue/dispositions/{spec['code']}", json=spec, headers=self.auth["admin"])
        target = {"team": "north", "handled_per_shift": 40}  # plan completion on the dashboard
        self.http.put("/kpi/targets", json=target, headers=self.auth["admin"])
        self.http.put(
            "/catalogue/reasons/break",
            json={"code": "break", "label_en": "Break", "label_ru": "Перерыв"},
            headers=self.auth["admin"],
        )
        self.http.put(
            "/thresholds/break",
            json={"key": "break", "amber_minutes": 5, "red_minutes": 10},
            headers=self.auth["admin"],
        )

    def login(self, name: str, password: str) -> dict[str, str]:
        token = self.http.post("/auth/login", json={"name": name, "password": password}).json()[
            "access_token"
        ]
        return {"Authorization": f"Bearer {token}"}

    def calls(self, start: datetime, end: datetime, count: int, rng: random.Random, prefix: str) -> None:
        span = (end - start).total_seconds()
        for n in range(count):
            arrived = start + timedelta(seconds=rng.random() * span * 0.97)
            hour = arrived.astimezone(ZONE).hour
            busy = 11 <= hour <= 13
            queue = "sales" if rng.random() < 0.65 else "support"
            line = rng.choices(LINES, weights=(5, 3, 2))[0]
            wait = rng.expovariate(1 / (35 if busy else 12))
            call_id = f"{prefix}{n}"
            body: dict[str, Any] = {
                "call_id": call_id,
                "queue": queue,
                "dnis": line,
                "arrived_at": arrived.isoformat(),
            }
            body["caller"] = f"+7916{rng.randrange(10**6, 10**7)}"
            roll = rng.random()
            if roll < (0.16 if busy else 0.06):
                body.update(outcome="missed", missed_reason="abandoned", wait_seconds=round(wait + 6, 1))
                body["ended_at"] = (arrived + timedelta(seconds=wait + 6)).isoformat()
                self.http.post("/calls/outcomes", json=body, headers={"X-Source-Key": PBX_KEY})
                continue
            operator = rng.choice(OPERATORS)
            answered = arrived + timedelta(seconds=wait)
            talk = rng.uniform(60, 420)
            ended = answered + timedelta(seconds=talk)
            if ended > datetime.now(UTC) - timedelta(seconds=30):
                continue
            body.update(
                outcome="accepted",
                operator=operator,
                answered_at=answered.isoformat(),
                ended_at=ended.isoformat(),
            )
            self.http.post("/calls/outcomes", json=body, headers={"X-Source-Key": PBX_KEY})
            weights = (5, 3, 1, 1) if line == LINES[0] else (2, 4, 1, 2) if line == LINES[1] else (1, 3, 1, 4)
            code = rng.choices([c["code"] for c in CODES], weights=weights)[0]
            acw = min(
                ended + timedelta(seconds=rng.uniform(10, 90)), datetime.now(UTC) - timedelta(seconds=5)
            )
            disposition = {
                "call_id": call_id, "operator": operator, "queue": queue, "ring_at": arrived.isoformat(),
                "answer_at": answered.isoformat(), "end_at": ended.isoformat(), "acw_end_at": acw.isoformat(),
                "hold_seconds": int(rng.random() < 0.3) * rng.randrange(5, 40), "code": code,
                "comment": "Спросил про доставку" if code == "info" else "",
            }  # fmt: skip
            headers = {**self.auth[operator], "Idempotency-Key": str(uuid.uuid4())}
            self.http.post("/dispositions", json=disposition, headers=headers)

    def opened_call(self, at: datetime) -> None:
        """``card1``: a known client's call anna took along the sales script and recorded (what the
        call's card shows)."""
        contact = {
            "name": "Петрова Анна Сергеевна", "phones": ["+79031234570"], "city": "Казань",
            "segment": "vip", "email": "petrova@example.ru", "preferred_channel": "call",
            "consent": {"call": True, "sms": True, "marketing": False},
        }  # fmt: skip
        made = self.http.post("/contacts", json=contact, headers=self.auth["admin"]).json()
        fields = [
            {"id": "purpose", "type": "text", "label": "Цель звонка"},
            {"id": "tariff", "type": "text", "label": "Какой тариф выбрал клиент?"},
            {"id": "budget", "type": "text", "label": "Бюджет в месяц"},
            {"id": "recorded", "type": "yesno", "label": "Клиент согласен на запись"},
        ]
        body = {
            "id": "sales", "version": 1, "title": "Продажи", "language": "ru",
            "nodes": [
                {"id": "ask", "kind": "ask", "next": "done", "fields": fields},
                {"id": "done", "kind": "end", "outcome": "done", "disposition": "sale"},
            ],
        }  # fmt: skip
        self.http.put(
            "/scripts/sales/versions/1",
            json={"id": "sales", "version": 1, "name": "Продажи: входящий", "body": body},
            headers=self.auth["admin"],
        ).raise_for_status()
        report = {
            "call_id": "card1", "outcome": "accepted", "operator": "anna", "queue": "sales",
            "dnis": LINES[0], "caller": "+79031234570", "arrived_at": at.isoformat(),
            "answered_at": (at + timedelta(seconds=9)).isoformat(),
            "ended_at": (at + timedelta(seconds=254)).isoformat(),
        }  # fmt: skip
        self.http.post("/calls/outcomes", json=report, headers={"X-Source-Key": PBX_KEY})
        disposition = {
            "call_id": "card1", "operator": "anna", "queue": "sales", "contact_id": made["id"],
            "ring_at": at.isoformat(), "answer_at": (at + timedelta(seconds=9)).isoformat(),
            "end_at": (at + timedelta(seconds=254)).isoformat(),
            "acw_end_at": (at + timedelta(seconds=300)).isoformat(), "code": "sale",
            "comment": "Оформила тариф «Бизнес», договор на почту",
            "script": {"id": "sales", "version": 1},
            "answers": {"purpose": "подключение", "tariff": "Бизнес", "budget": "до 5 000 ₽",
                        "recorded": True},
        }  # fmt: skip
        headers = {**self.auth["anna"], "Idempotency-Key": str(uuid.uuid4())}
        self.http.post("/dispositions", json=disposition, headers=headers).raise_for_status()
        audio = b"OggS" + bytes(20_000)
        body = {
            "call_id": "card1", "queue": "sales", "started_at": at.isoformat(), "seconds": 245.0,
            "size": len(audio), "sha256": hashlib.sha256(audio).hexdigest(),
        }  # fmt: skip
        rec = self.http.post("/recordings", json=body, headers=self.auth["anna"]).json()
        self.http.put(
            f"/recordings/{rec['id']}/content?offset=0",
            content=audio,
            headers={**self.auth["anna"], "Content-Type": "application/octet-stream"},
        )

    def statuses(self) -> None:
        now = datetime.now(UTC)
        for name, status, reason, ago in (
            ("anna", "ready", None, 40),
            ("boris", "on_call", None, 130),
            ("vera", "not_ready", "break", 11 * 60),
            ("gleb", "acw", None, 25),
        ):
            body = {
                "operator": name,
                "status": status,
                "reason": reason,
                "at": (now - timedelta(seconds=ago)).isoformat(),
            }
            if status in ("on_call", "acw"):
                body["source"] = "system"
            self.http.post("/statuses", json=body, headers=self.auth[name])


async def shoot(widget: QWidget, name: str) -> None:
    await asyncio.sleep(0.3)  # the loop (qasync's) paints; never processEvents() inside a task
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(path.relative_to(REPO))


async def scenes(centre: Centre, app: QApplication) -> None:
    yesterday = datetime.now(ZONE).date() - timedelta(days=1)
    api = ApiClient(centre.server.base_url, account="lead")
    await api.login("lead", centre.passwords["lead"])
    use_catalogue(await api.catalogue())
    team = TeamWindow()
    team.dashboard.attach(lambda changed: LiveFigures(api, tz=ZONE.key, on_change=changed, every=60))
    team.start(TeamFeed(api, team.on_feed_event, tz=ZONE.key, kpi_every=600))
    team.resize(1280, 760)
    team.show()
    await until(lambda: team.model.rowCount() == len(OPERATORS) and team.model.connected, timeout=20)
    team.tabs.setCurrentWidget(team.dashboard)
    await until(
        lambda: (
            team.dashboard.queues.rowCount() >= 2
            and team.dashboard.figures is not None
            and team.dashboard.figures.kpis is not None
        ),
        timeout=20,
    )
    desk = ReportDesk(api, tz=ZONE.key, today=yesterday)
    team.reports_button.attach(lambda: desk)  # as the desktop does (ui/supervision.py)
    reports = ReportsWindow(desk)
    desk.choose(interval=Interval.HOUR, by=GroupBy.NONE)
    reports.retranslate()
    reports.resize(1400, 720)
    reports.show()
    reports.reload()
    await until(
        lambda: desk.report is not None and desk.operators is not None and desk.charts is not None, timeout=30
    )
    reports.open_call(DrillCall(call_id="card1"))
    await until(lambda: isinstance(reports.card_window, CallCardWindow) and reports.card_window.isVisible())
    card = reports.card_window
    assert isinstance(card, CallCardWindow)
    card.resize(980, 700)
    wall = Wallboard(team.dashboard.figures, team.model)  # type: ignore[arg-type]
    wall.resize(1280, 720)
    try:
        for theme in Theme:
            for lang in Language:
                apply_theme(app, theme)
                set_language(lang)
                suffix = f"{lang.value}-{theme.value}"
                team.tabs.setCurrentWidget(team.dashboard)
                team.dashboard.show_figures()
                await shoot(team, f"reports-dashboard-{suffix}")
                wall.show()
                await shoot(wall, f"reports-wallboard-{suffix}")
                wall.hide()
                reports.tabs.setCurrentWidget(reports.calls)
                reports.calls.setFocus()  # not the date field's selected text
                await shoot(reports, f"reports-calls-by-hour-{suffix}")
                reports.tabs.setCurrentWidget(reports.charts_page)
                reports.chart_box.setCurrentIndex(reports.chart_box.findData("hours"))
                reports.chart_box.setFocus()
                await shoot(reports, f"reports-chart-by-hour-{suffix}")
                card.show_card(card.card)  # type: ignore[arg-type]
                await shoot(card, f"reports-call-card-{suffix}")
    finally:
        set_language(Language.EN)
        wall.close()
        await reports.aclose()
        await team.aclose()
        await api.aclose()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20)
    with tempfile.TemporaryDirectory() as work:
        centre = Centre(Path(work))
        try:
            yesterday = datetime.now(ZONE).date() - timedelta(days=1)
            day_start = datetime(yesterday.year, yesterday.month, yesterday.day, 9, tzinfo=ZONE).astimezone(
                UTC
            )
            centre.calls(day_start, day_start + timedelta(hours=10), 160, rng, "y")
            centre.opened_call(day_start + timedelta(minutes=90))
            now = datetime.now(UTC)
            midnight = datetime.now(ZONE).replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
            centre.calls(max(now - timedelta(hours=2), midnight + timedelta(minutes=1)), now, 40, rng, "t")
            centre.statuses()
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            with loop:
                loop.run_until_complete(scenes(centre, app))
        finally:
            centre.http.close()
            centre.server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
