"""Report rollups (``docs/reports.md``): each call's contribution to the figures, and the figures
summed per 15-minute bucket, kept up to date in the transaction that writes the raw event.

``report_facts``: one row per call (its outcome, callback) and one per disposition of it (handling),
computed from the raw rows by ``server.reports.facts``. Kept so a later report about the same call
(the PBX's hang-up after the desktop's disposition, a callback made hours later) can take back
exactly what was added before and add the new contribution: the rollups never drift, whatever the
order of arrival or a later change of an operator's team.

``report_rollup``: the facts summed per 15-minute bucket (UTC; every zone's offset is a multiple of
15 minutes, so it is aligned in the centre's zone too), per team and queue, once for each ``dim``:
``all`` (key ``''``), ``operator`` (the user id as text), ``dnis`` (the line dialled), ``code``
(the disposition code), ``request_type`` (the request type of the call's task). Coarser
intervals are sums of these buckets.

"None" is stored as ``0`` / ``''`` (not NULL) so the composite key can be an upsert target on both
databases. Durations are integer milliseconds, so adding and taking back is exact.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.calls import DNIS_MAX
from app.wire.common import CALL_ID_MAX, CATALOGUE_CODE_MAX, CODE_MAX
from server.models.base import Base, BigIntPK, UTCDateTime

MEASURES = (
    "offered",
    "accepted",
    "non_target",
    "missed",
    "called_back",
    "callback_ms",
    "handled",
    "unanswered",
    "successful",
    "non_target_handled",
    "talk_ms",
    "hold_ms",
    "acw_ms",
    "answered_in_time",
    "answer_wait_ms",
)
"""The additive figures every fact and rollup row carries (definitions in ``docs/reports.md``)."""

DIMS = ("all", "operator", "dnis", "code", "request_type")
"""The rollup's breakdowns besides team and queue (which every rollup row carries)."""


class _Measures:
    offered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    accepted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    non_target: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    missed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    called_back: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    callback_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    handled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unanswered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    successful: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    non_target_handled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    talk_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    hold_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    acw_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    #: Accepted calls answered within their queue's N seconds (``calls.service_seconds``), and the
    #: accepted calls' waits summed (migration 0017): the historical service level and speed of answer.
    answered_in_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    answer_wait_ms: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class ReportFact(_Measures, Base):
    """One call's (``disposition_id`` 0) or one of its dispositions' contribution to the rollups."""

    __tablename__ = "report_facts"
    __table_args__ = (Index("ix_report_facts_bucket_start", "bucket_start"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    call_id: Mapped[str] = mapped_column(String(CALL_ID_MAX), index=True)
    disposition_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    bucket_start: Mapped[datetime] = mapped_column(UTCDateTime())
    operator_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    team_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    queue: Mapped[str] = mapped_column(String(CODE_MAX), default="", server_default="")
    dnis: Mapped[str] = mapped_column(String(DNIS_MAX), default="", server_default="")
    code: Mapped[str] = mapped_column(String(CATALOGUE_CODE_MAX), default="", server_default="")
    #: The request type of the task the call was made on (``server.reports.facts``), ``''``: none.
    request_type: Mapped[str] = mapped_column(String(CODE_MAX), default="", server_default="")


class ReportRollup(_Measures, Base):
    """The facts summed per 15-minute bucket, team, queue and one breakdown (module notes)."""

    __tablename__ = "report_rollup"

    dim: Mapped[str] = mapped_column(String(16), primary_key=True)
    bucket_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    key: Mapped[str] = mapped_column(String(CALL_ID_MAX), primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    queue: Mapped[str] = mapped_column(String(CODE_MAX), primary_key=True)
