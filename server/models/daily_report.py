"""The daily report e-mail (issue 20, ``server.reports.daily``): one row per local day reported, so
the mail goes out once whatever the number of server processes, restarts or a kill -9.

``state``: ``sending`` (claimed until ``lease_until``: a process that died gives it back when the
lease runs out; the retry carries the same Message-ID, so a mail sent just before the crash is one
mail to the mail system), ``waiting`` (the last attempt failed; the next is due at ``next_at``),
``sent``, ``failed`` (attempts used up, ``error`` says why).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, UTCDateTime


class DailyReportSend(Base):
    __tablename__ = "daily_report_sends"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recipients: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
