"""15-minute buckets onto the centre's hours, days, ISO weeks and months, DST-correct.

A bucket is a UTC instant; its interval is found in the centre's local time and given back as the
UTC instant it starts at. An hour is the bucket minus its local minutes (so a :30 zone such as
Asia/Kolkata gets 10:00-11:00 local, and the repeated hour of an autumn DST change stays two
hours); a day, week or month starts at local midnight of its first day, so a Berlin day in March has
92 buckets and one in October 100. The SQL twin for PostgreSQL is :func:`sql_start`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, cast, extract, func, literal_column, type_coerce
from sqlalchemy.sql.elements import ColumnClause

from app.wire.reports import Interval
from server.models.base import UTCDateTime


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def start_of(bucket: datetime, interval: Interval, zone: ZoneInfo) -> datetime:
    """The UTC start of the ``interval`` (in ``zone``) that ``bucket`` belongs to."""
    if interval is Interval.QUARTER:
        return bucket
    local = bucket.astimezone(zone)
    if interval is Interval.HOUR:
        return bucket - timedelta(minutes=local.minute)
    day = local.date()
    if interval is Interval.WEEK:
        day -= timedelta(days=day.weekday())
    elif interval is Interval.MONTH:
        day = day.replace(day=1)
    return local_midnight(day, zone)


def sql_start(
    column: ColumnClause[datetime] | ColumnElement[datetime], interval: Interval, zone: str
) -> ColumnElement[datetime]:
    """:func:`start_of` in PostgreSQL (``zone`` must be a checked IANA name: it is bound, not inlined)."""
    if interval is Interval.QUARTER:
        return column
    local = func.timezone(zone, column)
    if interval is Interval.HOUR:
        minutes = cast(extract("minute", local), Integer)
        return type_coerce(column - func.make_interval(0, 0, 0, 0, 0, minutes), UTCDateTime())
    unit = {Interval.DAY: "day", Interval.WEEK: "week", Interval.MONTH: "month"}[interval]
    return type_coerce(
        func.timezone(zone, func.date_trunc(literal_column(f"'{unit}'"), local)), UTCDateTime()
    )
