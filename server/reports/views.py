"""The read-only reporting views for BI tools on PostgreSQL (``docs/reports.md#for-bi-tools``) and
the ``ringdesk_reporting`` role that may read them and nothing else.

Stable names and types: a column is added at the end, never renamed or retyped, so a Power BI or
Metabase model built on them keeps working. The views run with their owner's rights, so the role
needs no right on the tables behind them (``users`` with its password hashes stays unreadable).
Durations are seconds (``numeric``), times ``timestamptz``, "none" is NULL.

Two sets: :data:`CREATE_VIEWS` as migration 0011 created them (frozen: that migration imports it,
and its tables lack the later columns), and :data:`VIEWS`, the current set (migration 0017 added
columns at the end and ``report_request_type_intervals``), which ``reports grant-bi`` recreates
and grants.
"""

from __future__ import annotations

BI_ROLE = "ringdesk_reporting"

_SECONDS = """
    {p}offered AS offered, {p}accepted AS accepted, {p}non_target AS non_target, {p}missed AS missed,
    {p}called_back AS called_back, {p}callback_ms / 1000.0 AS callback_seconds,
    {p}handled AS handled, {p}unanswered AS unanswered, {p}successful AS successful,
    {p}non_target_handled AS non_target_handled,
    {p}talk_ms / 1000.0 AS talk_seconds, {p}hold_ms / 1000.0 AS hold_seconds,
    {p}acw_ms / 1000.0 AS acw_seconds"""

_VIEWS_0011: dict[str, str] = {
    "report_calls": """
SELECT c.call_id, c.outcome, c.missed_reason, c.dnis, c.queue, c.operator, t.name AS team,
       c.arrived_at, c.answered_at, c.ended_at, c.wait_seconds,
       COALESCE(f.called_back, 0) = 1 AS called_back,
       CASE WHEN f.called_back = 1 THEN f.callback_ms / 1000.0 END AS callback_seconds
  FROM calls c
  LEFT JOIN report_facts f ON f.call_id = c.call_id AND f.disposition_id = 0
  LEFT JOIN teams t ON t.id = NULLIF(f.team_id, 0)""",
    "report_dispositions": """
SELECT d.id AS disposition_id, d.call_id, u.name AS operator, t.name AS team, d.queue,
       NULLIF(f.dnis, '') AS dnis, d.code, k.category, d.ring_at, d.answer_at, d.end_at, d.acw_end_at,
       f.handled = 1 AS handled, f.successful = 1 AS successful,
       f.talk_ms / 1000.0 AS talk_seconds, f.hold_ms / 1000.0 AS hold_seconds,
       f.acw_ms / 1000.0 AS acw_seconds
  FROM dispositions d
  JOIN users u ON u.id = d.operator_id
  JOIN disposition_codes k ON k.code = d.code
  LEFT JOIN report_facts f ON f.disposition_id = d.id
  LEFT JOIN teams t ON t.id = NULLIF(f.team_id, 0)""",
    "report_intervals": f"""
SELECT r.bucket_start AS interval_start, t.name AS team,
       NULLIF(r.queue, '') AS queue,{_SECONDS.format(p="r.")}
  FROM report_rollup r LEFT JOIN teams t ON t.id = NULLIF(r.team_id, 0)
 WHERE r.dim = 'all'""",
    "report_operator_intervals": f"""
SELECT r.bucket_start AS interval_start, u.name AS operator, t.name AS team,
       NULLIF(r.queue, '') AS queue,{_SECONDS.format(p="r.")}
  FROM report_rollup r
  LEFT JOIN users u ON r.key <> '' AND u.id = CAST(NULLIF(r.key, '') AS integer)
  LEFT JOIN teams t ON t.id = NULLIF(r.team_id, 0)
 WHERE r.dim = 'operator'""",
    "report_line_intervals": f"""
SELECT r.bucket_start AS interval_start, NULLIF(r.key, '') AS dnis, t.name AS team,
       NULLIF(r.queue, '') AS queue,{_SECONDS.format(p="r.")}
  FROM report_rollup r LEFT JOIN teams t ON t.id = NULLIF(r.team_id, 0)
 WHERE r.dim = 'dnis'""",
    "report_code_intervals": f"""
SELECT r.bucket_start AS interval_start, NULLIF(r.key, '') AS code, k.category, t.name AS team,
       NULLIF(r.queue, '') AS queue,{_SECONDS.format(p="r.")}
  FROM report_rollup r
  LEFT JOIN disposition_codes k ON k.code = r.key
  LEFT JOIN teams t ON t.id = NULLIF(r.team_id, 0)
 WHERE r.dim = 'code'""",
}

CREATE_VIEWS = tuple(f"CREATE OR REPLACE VIEW {name} AS {body}" for name, body in _VIEWS_0011.items())
DROP_VIEWS = tuple(f"DROP VIEW IF EXISTS {name}" for name in reversed(_VIEWS_0011))

_ADDED_0017 = """,
       {p}answered_in_time AS answered_in_time, {p}answer_wait_ms / 1000.0 AS answer_wait_seconds"""

_ROLLUP_0017 = {
    name: body.replace("\n  FROM report_rollup", _ADDED_0017.format(p="r.") + "\n  FROM report_rollup", 1)
    for name, body in _VIEWS_0011.items()
    if name.endswith("_intervals")
}

VIEWS: dict[str, str] = {
    "report_calls": """
SELECT c.call_id, c.outcome, c.missed_reason, c.dnis, c.queue, c.operator, t.name AS team,
       c.arrived_at, c.answered_at, c.ended_at, c.wait_seconds,
       COALESCE(f.called_back, 0) = 1 AS called_back,
       CASE WHEN f.called_back = 1 THEN f.callback_ms / 1000.0 END AS callback_seconds,
       c.service_seconds, COALESCE(f.answered_in_time, 0) = 1 AS answered_in_time,
       NULLIF(f.request_type, '') AS request_type
  FROM calls c
  LEFT JOIN report_facts f ON f.call_id = c.call_id AND f.disposition_id = 0
  LEFT JOIN teams t ON t.id = NULLIF(f.team_id, 0)""",
    "report_dispositions": """
SELECT d.id AS disposition_id, d.call_id, u.name AS operator, t.name AS team, d.queue,
       NULLIF(f.dnis, '') AS dnis, d.code, k.category, d.ring_at, d.answer_at, d.end_at, d.acw_end_at,
       f.handled = 1 AS handled, f.successful = 1 AS successful,
       f.talk_ms / 1000.0 AS talk_seconds, f.hold_ms / 1000.0 AS hold_seconds,
       f.acw_ms / 1000.0 AS acw_seconds, NULLIF(f.request_type, '') AS request_type
  FROM dispositions d
  JOIN users u ON u.id = d.operator_id
  JOIN disposition_codes k ON k.code = d.code
  LEFT JOIN report_facts f ON f.disposition_id = d.id
  LEFT JOIN teams t ON t.id = NULLIF(f.team_id, 0)""",
    **_ROLLUP_0017,
    "report_request_type_intervals": f"""
SELECT r.bucket_start AS interval_start, NULLIF(r.key, '') AS request_type, t.name AS team,
       NULLIF(r.queue, '') AS queue,{_SECONDS.format(p="r.")}{_ADDED_0017.format(p="r.")}
  FROM report_rollup r LEFT JOIN teams t ON t.id = NULLIF(r.team_id, 0)
 WHERE r.dim = 'request_type'""",
}
"""The current views (module notes); a column is only ever added at the end."""

CREATE_VIEWS_0017 = tuple(f"CREATE OR REPLACE VIEW {name} AS {body}" for name, body in VIEWS.items())
DROP_VIEWS_0017 = tuple(f"DROP VIEW IF EXISTS {name}" for name in reversed(VIEWS))


def grant_statements(database: str, password: str | None) -> list[tuple[str, dict[str, str]]]:
    """What ``reports grant-bi`` runs: the role (created, or its password reset), ``CONNECT`` on the
    database, ``USAGE`` on the schema and ``SELECT`` on the views, nothing else. Identifiers are
    quoted by the caller's database name rules (``quote_ident`` in SQL)."""
    login = "LOGIN" if password is not None else "NOLOGIN"
    statements: list[tuple[str, dict[str, str]]] = [
        (
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
            + BI_ROLE
            + "') THEN CREATE ROLE "
            + BI_ROLE
            + " "
            + login
            + " NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT; END IF; END $$",
            {},
        ),
        (f"ALTER ROLE {BI_ROLE} {login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT", {}),
        (f'GRANT CONNECT ON DATABASE "{database}" TO {BI_ROLE}', {}),
        (f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {BI_ROLE}", {}),
        (f"REVOKE CREATE ON SCHEMA public FROM {BI_ROLE}", {}),
        (f"GRANT USAGE ON SCHEMA public TO {BI_ROLE}", {}),
        *((f"GRANT SELECT ON {name} TO {BI_ROLE}", {}) for name in VIEWS),
    ]
    if password is not None:
        statements.append(
            ("SELECT set_config('ringdesk.bi_password', :password, true)", {"password": password})
        )
        statements.append(
            (
                "DO $$ BEGIN EXECUTE format('ALTER ROLE "
                + BI_ROLE
                + " PASSWORD %L', current_setting('ringdesk.bi_password')); END $$",
                {},
            )
        )
    return statements
