"""The daily report e-mail (issue 20): a manager gets yesterday's figures at the time the admin set,
once, through a real SMTP server that requires STARTTLS and AUTH; the figures are those of
``GET /reports/calls``; the attachments open in Russian Excel (cp1251, ``;``) and as XLSX; the SMTP
server away delays the mail, and it still goes out once."""

from __future__ import annotations

import asyncio
import csv
import email
import email.policy
import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from server.chains.clock import ManualClock
from server.db import Database
from server.messaging.smtp import SmtpProvider
from server.models import DailyReportSend
from server.reports.daily import DailyReportWorker
from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.helpers import People
from tests.server.tasks_support import task_settings
from tests.server.test_reports_api import DAY, day  # noqa: F401 - the day's calls, a fixture
from tests.support.ports import free_port
from tests.support.smtp_server import SmtpServer

MOSCOW = ZoneInfo("Europe/Moscow")
TO = ["boss@centre.example.ru", "lead@centre.example.ru"]


@pytest.fixture(scope="module")
def smtp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpServer]:
    with SmtpServer(tmp_path_factory.mktemp("smtp")) as server:
        yield server


@pytest.fixture
def settings(db_url: str, smtp: SmtpServer) -> Settings:
    """The app's: the SMTP server, but no daily report (its own worker would mail on the real clock)."""
    smtp.received.clear()
    return task_settings(make_settings(db_url, **smtp.settings()))


@pytest.fixture
def mailing(settings: Settings) -> Settings:
    """The settings of the worker under test: the addresses an admin set, at seven."""
    return settings.model_copy(update={"daily_report_to": ", ".join(TO), "daily_report_at": "07:00"})


def moscow(clock: str) -> datetime:
    return datetime.fromisoformat(f"2026-03-03T{clock}").replace(tzinfo=MOSCOW)


def parts(raw: bytes) -> tuple[str, dict[str, bytes]]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    files: dict[str, bytes] = {}
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        files[str(part.get_filename())] = payload
    return str(body.get_content()), files


def test_yesterdays_report_is_mailed_once_at_the_set_time_with_the_reports_figures(
    day: People,  # noqa: F811 - the fixture imported above
    mailing: Settings,
    smtp: SmtpServer,
    database: Database,
) -> None:
    clock = ManualClock(moscow("06:59"))
    worker = DailyReportWorker(mailing, clock=clock)

    async def go() -> list[str | None]:
        results = [await worker.tick()]  # not yet seven in Moscow
        clock.set(moscow("07:00"))
        other = DailyReportWorker(mailing, clock=clock)  # another server process at the same moment
        results += await asyncio.gather(worker.tick(), other.tick())
        clock.set(moscow("12:00"))
        results.append(await worker.tick())
        await other.stop()
        await worker.stop()
        return results

    assert sorted(asyncio.run(go()), key=str) == sorted([None, "sent", None, None], key=str)
    got = smtp.wait_for(1)
    assert len(got) == 1, [(m.subject, m.recipients, m.message_id) for m in got]
    [mail] = got
    assert (mail.tls, mail.authenticated) == (True, True)
    assert sorted(mail.recipients) == sorted(TO)
    assert mail.subject == "Отчёт за 02.03.2026"
    assert mail.message_id == "<daily-report-2026-03-02@ringdesk>"
    text, files = parts(mail.raw)

    admin = day.headers(day.admin)
    report = day.client.get(f"/reports/calls?from={DAY}&to={DAY}&by=queue&whole=true", headers=admin).json()
    assert report["time_zone"] == "Europe/Moscow"
    total = report["total"]
    assert f"Всего: поступило {total['offered']}, принято {total['accepted']}, " in text
    sales = next(row for row in report["rows"] if row["group"] == "sales")
    assert (sales["offered"], sales["missed"], sales["called_back"]) == (2, 1, 1)
    assert "sales: поступило 2, принято 1, пропущено 1, перезвонили 1," in text
    assert "AHT 6:00, конверсия 100.0 %" in text

    assert set(files) == {
        "calls-by-queue-20260302.csv",
        "operators-20260302.csv",
        "calls-by-queue-20260302.xlsx",
        "operators-20260302.xlsx",
    }
    lines = list(
        csv.reader(io.StringIO(files["calls-by-queue-20260302.csv"].decode("cp1251")), delimiter=";")
    )
    header = lines[0]
    row = next(line for line in lines if line[header.index("queue")] == "sales")
    assert row[header.index("offered")] == "2" and row[header.index("conversion")] == "1,0"
    assert zipfile.ZipFile(io.BytesIO(files["operators-20260302.xlsx"])).testzip() is None
    with database.session() as session:
        [sent] = session.scalars(select(DailyReportSend)).all()
        assert (sent.day.isoformat(), sent.state, sent.attempts) == ("2026-03-02", "sent", 1)


def test_an_smtp_server_away_delays_the_mail_and_it_still_goes_out_once(
    day: People,  # noqa: F811 - the fixture imported above
    mailing: Settings,
    smtp: SmtpServer,
    database: Database,
) -> None:
    clock = ManualClock(moscow("07:00"))
    away = SmtpProvider(mailing.model_copy(update={"smtp_port": free_port("tcp")}))
    worker = DailyReportWorker(mailing, clock=clock, provider=away)

    async def go() -> list[str | None]:
        results = [await worker.tick()]
        clock.advance(minutes=1)
        results.append(await worker.tick())  # its retry is not due yet
        worker.provider = SmtpProvider(mailing)  # the SMTP server is back
        clock.advance(minutes=2)
        results.append(await worker.tick())
        results.append(await worker.tick())
        await worker.stop()
        return results

    assert asyncio.run(go()) == ["waiting", None, "sent", None]
    assert len(smtp.wait_for(1)) == 1
    with database.session() as session:
        [sent] = session.scalars(select(DailyReportSend)).all()
        assert (sent.state, sent.attempts, sent.error) == ("sent", 2, None)


def test_without_addresses_or_smtp_nothing_is_started(mailing: Settings) -> None:
    for changes in ({"daily_report_to": ""}, {"smtp_host": ""}):
        worker = DailyReportWorker(mailing.model_copy(update=changes))
        asyncio.run(worker.start())
        assert worker._task is None
        asyncio.run(worker.stop())


def test_the_command_shows_the_mail_and_refuses_a_bad_day(
    day: People,  # noqa: F811 - the fixture imported above
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from server.cli import main

    assert main(["reports", "daily", "--db", db_url, "--day", DAY]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Subject: Отчёт за 02.03.2026")
    assert "[calls-by-queue-20260302.csv, " in out
    assert main(["reports", "daily", "--db", db_url, "--day", "yesterday"]) != 0
    assert "--day 'yesterday' is not a day (YYYY-MM-DD)" in capsys.readouterr().err
