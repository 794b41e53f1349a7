"""The daily report e-mail (issue 20): yesterday's figures mailed to the addresses an admin set
(``daily_report_to``), at a local time of the centre (``daily_report_at``), through the same SMTP
setup as the chains (``server.messaging.smtp``: STARTTLS and AUTH).

What the mail holds: a short text (the day's totals and each queue's line) and four attachments,
the call report by queue and the operators' report with each team's median, as CSV for Russian
Excel (Windows-1251, ``;``) and as XLSX. The figures are the reports' own (``server.reports.query``
over the rollups, every team), so the mail says what ``GET /reports/calls`` says for that day.

Once, whatever happens: a day's mail is claimed in ``daily_report_sends`` (one row per day) by one
server process at a time, and its Message-ID is the day's, the same on every attempt, so a mail
sent just before a crash and sent again after it is one mail to the mail system. A failed attempt
(the SMTP server down, a refused login) waits and retries with a growing pause, up to
``MAX_ATTEMPTS``; then the day is ``failed`` and the log says why. Only yesterday is due: a server
that was down for a whole day does not mail the day before in the morning after (``reports daily
--day D --send`` does, by hand).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.wire.reports import GroupBy, OperatorReport, Report, ReportRow
from server.chains.clock import Clock, SystemClock
from server.crud import task_rules
from server.db import Database
from server.messaging.base import Sent
from server.messaging.smtp import SmtpProvider
from server.models.daily_report import DailyReportSend
from server.reports import export, query
from server.reports.intervals import local_midnight
from server.settings import Settings

log = logging.getLogger("ringdesk.reports.daily")

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=10)
"""How long a claimed day is held: a process that dies while sending gives it back after this."""
RETRY_FIRST = timedelta(minutes=2)
RETRY_MAX = timedelta(hours=1)

_WORDS = {
    "ru": {
        "subject": "Отчёт за {day}",
        "title": "Звонки за {day} ({zone})",
        "all": "Всего",
        "none": "без очереди",
        "columns": "поступило {offered}, принято {accepted}, пропущено {missed}, перезвонили {called_back}, "
        "нецелевых {non_target}, обработано {handled}, AHT {aht}, конверсия {conversion}",
        "empty": "Звонков не было.",
        "files": "Во вложении: отчёт по очередям и по операторам (CSV для Excel и XLSX).",
    },
    "en": {
        "subject": "Report for {day}",
        "title": "Calls on {day} ({zone})",
        "all": "All",
        "none": "no queue",
        "columns": "offered {offered}, accepted {accepted}, missed {missed}, called back {called_back}, "
        "non-target {non_target}, handled {handled}, AHT {aht}, conversion {conversion}",
        "empty": "There were no calls.",
        "files": "Attached: the report by queue and by operator (CSV for Excel and XLSX).",
    },
}


@dataclass(frozen=True)
class Composed:
    """The day's mail before addressing: subject, text, and ``(file name, bytes)`` attachments."""

    day: date
    subject: str
    body: str
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def message_id(day: date) -> str:
    return f"<daily-report-{day.isoformat()}@ringdesk>"


def centre_zone(session: Session) -> ZoneInfo:
    """The zone the working hours are kept in (the reports' default zone)."""
    return ZoneInfo(task_rules.load(session).hours.time_zone)


def due_day(now: datetime, zone: ZoneInfo, at: str) -> date | None:
    """The day whose mail is due at ``now``: yesterday (local), once the local clock passed ``at``."""
    local = now.astimezone(zone)
    hour, minute = (int(part) for part in at.split(":"))
    return local.date() - timedelta(days=1) if local.time() >= time(hour, minute) else None


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}:{seconds:02d}"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def _line(words: dict[str, str], label: str, row: ReportRow) -> str:
    columns = words["columns"].format(
        offered=row.offered,
        accepted=row.accepted,
        missed=row.missed,
        called_back=row.called_back,
        non_target=row.non_target,
        handled=row.handled,
        aht=_seconds(row.aht_seconds),
        conversion=_share(row.conversion),
    )
    return f"{label}: {columns}"


def reports_of(session: Session, day: date, zone: ZoneInfo) -> tuple[Report, OperatorReport]:
    """The day's call report by queue and its operators' report, for every team."""
    since, until = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
    everyone = query.Scope()
    by_queue = query.build(
        session, since=since, until=until, interval=None, by=GroupBy.QUEUE, zone=zone, scope=everyone
    )
    operators = query.build_operators(session, since=since, until=until, zone=zone, scope=everyone)
    return by_queue, operators


def compose(session: Session, day: date, language: str = "ru") -> Composed:
    """The mail for ``day`` (a local day of the centre)."""
    zone = centre_zone(session)
    words = _WORDS.get(language, _WORDS["en"])
    by_queue, operators = reports_of(session, day, zone)
    shown = day.strftime("%d.%m.%Y") if language == "ru" else day.isoformat()
    lines = [words["title"].format(day=shown, zone=zone.key), ""]
    if by_queue.total.offered == 0 and by_queue.total.handled == 0:
        lines.append(words["empty"])
    else:
        lines.append(_line(words, words["all"], by_queue.total))
        lines.extend(_line(words, row.group or words["none"], row) for row in by_queue.rows)
    lines += ["", words["files"]]
    stamp = day.strftime("%Y%m%d")
    attachments = [
        (f"calls-by-queue-{stamp}.csv", export.to_csv(by_queue, "cp1251")),
        (f"operators-{stamp}.csv", export.to_csv(operators, "cp1251")),
        (f"calls-by-queue-{stamp}.xlsx", export.to_xlsx(by_queue, "calls-by-queue")),
        (f"operators-{stamp}.xlsx", export.to_xlsx(operators, "operators")),
    ]
    return Composed(day, words["subject"].format(day=shown), "\n".join(lines) + "\n", attachments)


_TYPES = {
    ".csv": ("text", "csv"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def build_mail(composed: Composed, *, sender: str, recipients: list[str]) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Subject"] = composed.subject
    mail["Message-ID"] = message_id(composed.day)
    mail["Date"] = formatdate(localtime=False, usegmt=True)
    mail.set_content(composed.body)
    for name, data in composed.attachments:
        maintype, subtype = _TYPES["." + name.rsplit(".", 1)[-1]]
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return mail


def claim(db: Database, day: date, now: datetime, recipients: list[str]) -> int | None:
    """Take ``day``'s mail for this process: the attempt's number, or ``None`` (sent, given up,
    held by another process, or its retry not yet due)."""
    with db.sessions() as session:
        row = session.get(DailyReportSend, day, with_for_update=True)
        if row is None:
            session.add(
                DailyReportSend(
                    day=day,
                    state="sending",
                    attempts=1,
                    lease_until=now + LEASE,
                    recipients=", ".join(recipients),
                )
            )
            try:
                session.commit()
            except IntegrityError:  # another process claimed it first
                return None
            return 1
        if row.state in ("sent", "failed"):
            return None
        busy = row.state == "sending" and row.lease_until is not None and row.lease_until > now
        if busy or (row.state == "waiting" and row.next_at is not None and row.next_at > now):
            return None
        row.state, row.attempts, row.lease_until = "sending", row.attempts + 1, now + LEASE
        row.recipients = ", ".join(recipients)
        session.commit()
        return row.attempts


def record(db: Database, day: date, sent: Sent, now: datetime) -> str:
    """What the attempt came to: ``sent``, ``waiting`` (retried later) or ``failed``."""
    with db.sessions() as session:
        row = session.get(DailyReportSend, day, with_for_update=True)
        assert row is not None
        row.lease_until = None
        if sent.ok:
            row.state, row.sent_at, row.error = "sent", now, None
        elif sent.permanent or row.attempts >= MAX_ATTEMPTS:
            row.state, row.error = "failed", (sent.error or "")[:500]
        else:
            row.state, row.error = "waiting", (sent.error or "")[:500]
            row.next_at = now + min(RETRY_MAX, RETRY_FIRST * 2 ** (row.attempts - 1))
        session.commit()
        return row.state


class DailyReportWorker:
    """Mails yesterday's report once a day (module notes); started in the server's lifespan when
    ``daily_report_to`` names someone and an SMTP host is set."""

    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, provider: SmtpProvider | None = None
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.provider = provider
        self.db: Database | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def configured(self) -> bool:
        return bool(self.settings.daily_report_recipients() and self.settings.smtp_host)

    async def start(self) -> None:
        if not self.settings.daily_report_recipients():
            return
        if not self.settings.smtp_host:
            log.warning(
                "daily report addresses are set but no SMTP host: no report is mailed",
                extra={"event": "reports.daily_no_smtp"},
            )
            return
        self.db = Database.connect(self.settings.database_url, pooled=False)
        self.provider = self.provider or SmtpProvider(self.settings)
        self._task = asyncio.create_task(self._run(), name="daily-report")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.db is not None:
            self.db.dispose()
            self.db = None

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # the database is away for a moment: the next tick tries again
                log.exception("daily report failed", extra={"event": "reports.daily_failed"})
            await asyncio.sleep(self.settings.daily_report_poll_seconds)

    async def tick(self) -> str | None:
        """Mail the due day if it is this process's to mail: what came of it (``None``: nothing due)."""
        if self.db is None:
            self.db = Database.connect(self.settings.database_url, pooled=False)
        db, provider = self.db, self.provider or SmtpProvider(self.settings)
        now = self.clock.now()
        recipients = self.settings.daily_report_recipients()

        def prepare() -> Composed | None:
            with db.sessions() as session:
                day = due_day(now, centre_zone(session), self.settings.daily_report_at)
            if day is None or claim(db, day, now, recipients) is None:
                return None
            with db.sessions() as session:
                return compose(session, day, self.settings.daily_report_language)

        composed = await run_in_threadpool(prepare)
        if composed is None:
            return None
        mail = build_mail(composed, sender=provider.sender, recipients=recipients)
        sent = await run_in_threadpool(provider.deliver, mail)
        state = await run_in_threadpool(record, db, composed.day, sent, self.clock.now())
        level = logging.INFO if sent.ok else logging.WARNING
        log.log(
            level,
            "daily report %s",
            state,
            extra={"event": f"reports.daily_{state}", "day": composed.day.isoformat(), "error": sent.error},
        )
        return state
