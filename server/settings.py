"""The server's settings: one typed object, filled from four layers.

Precedence, highest first: command-line flags > environment (``RINGDESK_<FIELD>``, e.g.
``RINGDESK_DATABASE_URL``) > a TOML config file (``--config FILE``, else ``RINGDESK_CONFIG``, else
``/etc/ringdesk/server.toml`` when it exists) > defaults. The config file uses the field names as
top-level keys (``database_url = "postgresql+psycopg://..."``); unknown keys are an error, so a typo
never silently falls back to a default.

The secret key signs access tokens. Serving refuses a missing, placeholder or short secret unless
``--dev`` is given, which generates a random one for that run (tokens die with the process).
Commands that never sign tokens (``migrate``, ``user add``, ...) load with ``serving=False`` and do
not need one.

The layers are read and merged by :mod:`server.settings_load`; the secret key's strength is judged by
:mod:`server.secret_strength`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from server.secret_strength import secret_problem

ENV_PREFIX = "RINGDESK_"
DEFAULT_CONFIG_FILE = Path("/etc/ringdesk/server.toml")
LogLevel = Literal["debug", "info", "warning", "error"]


class SettingsError(Exception):
    """The configuration cannot be used; the message says what to fix (never contains a secret)."""


def default_database_url() -> str:
    """SQLite file in the per-user data directory (e.g. ``~/.local/share/ringdesk/server.sqlite3``)."""
    path = platformdirs.user_data_path("ringdesk", appauthor=False) / "server.sqlite3"
    return f"sqlite:///{path}"


class Settings(BaseModel):
    """Everything the server reads from its configuration. Immutable once loaded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    database_url: str = Field(default_factory=default_database_url, repr=False)
    secret_key: SecretStr
    #: True when the secret was generated for this run (``--dev`` or a command that signs nothing).
    secret_key_generated: bool = False
    dev: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=8040, ge=1, le=65535)
    #: Server processes (uvicorn workers). More than one needs PostgreSQL (``serve`` refuses SQLite).
    workers: int = Field(default=1, ge=1, le=64)
    #: Seconds an idle HTTP keep-alive connection stays open (uvicorn's ``timeout_keep_alive``, whose
    #: own default is 5 s). A desk looks the caller up when the phone rings, and operators are often
    #: idle longer than 5 s between calls: with 5 s nearly every screen pop opened a new TCP (and TLS)
    #: connection. 75 s covers the usual gap between calls and stays above the desk's own 60 s
    #: (``app.client.api.KEEPALIVE_EXPIRY_S``), so the desk closes first and never sends on a
    #: connection the server is closing. An idle connection costs the server a socket and ~12 KB.
    #: Below 60 s the desk still works (it sees the close and reconnects) but pays for more connections.
    #: docs/server.md, "Running it".
    keep_alive_seconds: int = Field(default=75, ge=1, le=3600)
    log_level: LogLevel = "info"
    #: Region for numbers written without a country code (ISO 3166 alpha-2).
    default_region: str = "RU"
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    #: Request bodies larger than this get 413 (routes may raise their own limit, e.g. CSV import).
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    #: Failed logins per user name + client IP within ``login_window_seconds`` before 429.
    login_max_failures: int = Field(default=5, ge=1, le=1000)
    login_window_seconds: int = Field(default=300, ge=1, le=24 * 3600)
    #: Failed logins from one client IP across all user names within the window before 429 (password
    #: spraying: one guess each for many names). A whole office behind one NAT address shares it, so
    #: it is well above what a morning's typos add up to; a correct password does not count.
    login_max_failures_per_ip: int = Field(default=30, ge=1, le=100_000)
    #: Proxies trusted to set X-Forwarded-For, comma-separated addresses or networks (uvicorn
    #: ``forwarded_allow_ips``; ``*`` trusts everyone). Empty (the default): no proxy is trusted and
    #: the client address is the TCP peer's, so nobody can pick their own address for the login
    #: throttle or the audit log by sending the header.
    forwarded_allow_ips: str = ""
    #: Serve the interactive API documentation at ``/docs`` (Swagger UI, its assets from the
    #: ``swagger-ui-py`` package, never a CDN). Off by default: it is for developers, not for
    #: operators' networks. ``/openapi.json`` is always served.
    api_docs: bool = False
    #: How old a status change or disposition may be when it arrives (by its own time: ``at``, the
    #: end of the call). The desktop's outbox keeps records through an outage of up to this long;
    #: older ones are refused with 422 (the desktop parks them for a person to look at), so nobody
    #: rewrites a KPI period that was closed weeks ago. docs/server.md, "Late records".
    record_max_age_days: int = Field(default=7, ge=1, le=3650)
    #: A record accepted more than this after its own time is noted in the late-record audit
    #: (``GET /audit/late``): an outage replayed, or a desktop clock that is wrong.
    late_record_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    #: How often open live feeds (``/statuses/live``, ``/me/live``) re-read their users: a deactivated
    #: user, or a team lead lowered to operator, is disconnected within about this long.
    live_recheck_seconds: float = Field(default=1.0, gt=0, le=60)
    #: How long a server process trusts what it read of a user (active, role, team) for the hot
    #: routes (``server.api.principal``): a user deactivated elsewhere (another worker, the ``user``
    #: command) is refused by reads within about this long; by dispositions at once. 0: read each time.
    auth_cache_seconds: float = Field(default=2.0, ge=0, le=60)
    #: argon2id cost (RFC 9106 "second recommended option" by default); lower only for tests.
    password_time_cost: int = Field(default=3, ge=1, le=20)
    password_memory_kib: int = Field(default=64 * 1024, ge=64, le=4 * 1024 * 1024)
    password_parallelism: int = Field(default=4, ge=1, le=64)
    #: Shared key PBXs send to ``GET /routing/next`` (``?key=``); unset: routing is off (503).
    routing_key: SecretStr | None = Field(default=None, repr=False)
    #: How long an operator ``GET /routing/next`` answered stays reserved for that call: later answers
    #: skip them until this runs out or their status changes (``on_call`` when they pick up). Make it
    #: the PBX's ring timeout plus about 2 s for the phone's ``on_call`` to arrive: shorter lets a
    #: second call ring a phone that is still ringing; longer keeps an operator who let a call ring
    #: out off the list for the difference. 30 s covers ring timeouts up to 28 s (an Asterisk queue
    #: member rings 15 s by default; Kamailio's ``fr_inv_timer`` is 120 s unless set, so set it or
    #: ``t_set_fr()`` with this in mind). 0: no reservation. docs/server.md, "Routing".
    routing_offer_seconds: float = Field(default=30.0, ge=0, le=600)
    #: How long an operator's desktop may be silent (its ``/me/live`` connection closed, by a crash,
    #: a kill or the network) before the server makes them not routable, recording
    #: ``not_ready/connection_lost`` (source ``system``) on the board. A desktop reconnects within a
    #: second after a token renewal, so keep it well above that. 0: never. docs/server.md, "Presence".
    desk_silence_seconds: float = Field(default=12.0, ge=0, le=3600)
    #: Asterisk AMI to follow statuses on: ``ami://user:secret@host:5038`` (unset: no Asterisk).
    ami_url: SecretStr | None = Field(default=None, repr=False)
    #: The queue member interface for an operator, from the user part of their SIP URI.
    ami_interface: str = "PJSIP/{user}"
    #: Queues (comma-separated) for operators whose ``queues`` are not set.
    ami_queues: str = ""
    #: ``QueuePenalty`` for back-of-queue (higher = tried after everyone with a lower one).
    back_of_queue_penalty: int = Field(default=10, ge=1, le=1000)
    #: FreeSWITCH event socket to follow statuses on: ``esl://:password@host:8021`` (unset: none).
    esl_url: SecretStr | None = Field(default=None, repr=False)
    #: Call outcomes and tasks (``docs/tasks.md``). A caller who hangs up after waiting less than
    #: this many seconds is non-target, not missed (they hung up within the greeting).
    non_target_seconds: float = Field(default=5.0, ge=0, le=120)
    #: Sources that may post call outcomes and web requests: ``name:key,name:key``. The key a request
    #: carries (``X-Source-Key``) names its source, so one source cannot speak for another.
    source_keys: SecretStr | None = Field(default=None, repr=False)
    #: How long ``POST /tasks/next`` holds a task for the operator before it is offered again.
    task_lease_seconds: int = Field(default=300, ge=10, le=24 * 3600)
    #: "Not reached": offered again after this delay, until ``task_max_attempts`` calls were made.
    task_retry_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    task_max_attempts: int = Field(default=3, ge=1, le=50)
    #: The zone of a client whose contact has none and whose number says none (mobiles).
    task_default_time_zone: str = "Europe/Moscow"
    #: The team board's callback SLA: a missed call counts as met when an operator called the client
    #: back within this many minutes of the missed call (``GET /team/missed``).
    callback_sla_minutes: int = Field(default=30, ge=1, le=7 * 24 * 60)
    #: Service level (``GET /reports/live``, docs/reports.md): the share of calls answered within this
    #: many seconds of arriving, and per queue where it differs: ``sales:15,support:30``.
    service_level_seconds: int = Field(default=20, ge=1, le=3600)
    service_levels: str = ""
    #: Call recordings (docs/quality.md). The directory IT chose for the audio files, outside the
    #: database; empty: ``recordings`` in the server's data directory. Files are content-addressed
    #: (``ab/cd/<sha256>.ogg``); uploads in progress wait in ``incoming/``.
    recordings_dir: str = ""
    #: Days a stored recording is kept; then its file is deleted (its row and plays stay, marked purged).
    recording_retention_days: int = Field(default=90, ge=1, le=3650)
    #: Whether calls are recorded: ``always``, ``on_demand`` (the operator starts it) or ``never``.
    recording_policy: Literal["always", "on_demand", "never"] = "always"
    #: Per-queue exceptions, ``queue:policy,queue:policy`` (``survey:never,sales:on_demand``).
    recording_queues: str = ""
    #: Live supervision (docs/quality.md): seconds a team lead's grant is valid (the lead's call
    #: follows the click at once), and whether an operator is kept from seeing that a lead listens
    #: (whisper and barge are always shown: the operator hears the lead).
    supervision_grant_seconds: int = Field(default=60, ge=5, le=600)
    supervision_hide_listen: bool = False
    #: How a lead supervises: ``ringdesk`` (the lead's ringdesk calls the operator's, with a grant) or
    #: ``asterisk`` (the AMI adapter originates a call to the lead's phone into ChanSpy; needs ``ami_url``).
    supervision_via: Literal["ringdesk", "asterisk"] = "ringdesk"
    #: Outgoing webhooks (docs/integrations.md). Hosts (names or addresses, comma-separated) that
    #: webhooks may be sent to although the SSRF rules refuse them (loopback, link-local, this
    #: server's own addresses): a receiver on the server's own machine, say.
    webhook_allowed_hosts: str = ""
    #: The most one delivery attempt may take, connection included; then it counts as failed.
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    #: Attempts per delivery before it is ``failed`` (an admin may replay it).
    webhook_max_attempts: int = Field(default=12, ge=1, le=50)
    #: The delay after the first failed attempt, doubled after each one up to ``webhook_retry_max_seconds``
    #: (with 60 s, 8 h and 12 attempts the last one is about a day after the first).
    webhook_retry_base_seconds: float = Field(default=60.0, gt=0, le=24 * 3600)
    webhook_retry_max_seconds: float = Field(default=8 * 3600.0, gt=0, le=7 * 24 * 3600)
    #: Deliveries one server process sends at once, in all and to one endpoint (a receiver that
    #: hangs holds its own few slots, never everybody's).
    webhook_concurrency: int = Field(default=16, ge=1, le=256)
    webhook_endpoint_concurrency: int = Field(default=4, ge=1, le=64)
    #: How often a process looks for due deliveries made by other processes (its own it sends at once).
    webhook_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    #: Communication chains (docs/chains.md). The worker each process runs: how often it looks for
    #: due steps made by other processes, how many it claims at once (a batch: one transaction), how
    #: many it has in hand at most, how long
    #: a claimed step is held (a worker killed mid-step gives it back when this runs out), attempts
    #: per message before the run fails, and the backoff between them (doubled, with jitter).
    chain_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    chain_batch: int = Field(default=100, ge=1, le=5000)
    chain_concurrency: int = Field(default=400, ge=1, le=10000)
    #: Messages one process hands to its providers at once (an SMTP server or an SMS API is not
    #: asked for more connections than this).
    chain_send_concurrency: int = Field(default=32, ge=1, le=512)
    chain_lease_seconds: float = Field(default=120.0, gt=0, le=3600)
    chain_max_attempts: int = Field(default=10, ge=1, le=50)
    chain_retry_base_seconds: float = Field(default=30.0, gt=0, le=24 * 3600)
    chain_retry_max_seconds: float = Field(default=3600.0, gt=0, le=7 * 24 * 3600)
    #: This server's address as providers reach it, for delivery reports
    #: (``https://ringdesk.example.ru``); empty: no delivery reports are asked for.
    chain_public_url: str = ""
    #: E-mail through SMTP with STARTTLS and AUTH (port 587); empty host: no e-mail is sent.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: SecretStr | None = Field(default=None, repr=False)
    #: ``starttls`` (required: refused without it), ``tls`` (implicit, port 465) or ``none`` (a relay on
    #: localhost only).
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    #: A CA bundle for the SMTP server's certificate (a private CA); empty: the system's.
    smtp_ca_file: str = ""
    smtp_from: str = ""
    smtp_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    #: SMS: ``kannel`` (smsbox's sendsms; SMPP to the operator), ``http`` (the provider shape of
    #: docs/integrations.md) or ``none``.
    sms_provider: Literal["none", "kannel", "http"] = "none"
    sms_sender: str = ""
    sms_http_url: str = ""
    sms_http_token: SecretStr | None = Field(default=None, repr=False)
    kannel_sendsms_url: str = ""
    kannel_user: str = ""
    kannel_password: SecretStr | None = Field(default=None, repr=False)
    sms_timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    #: The CRM adapter (docs/integrations.md, "Bitrix24"). Requests a second to one CRM portal from
    #: one server process (Bitrix24 allows about 2; beyond, it answers QUERY_LIMIT_EXCEEDED).
    crm_rate_per_second: float = Field(default=2.0, gt=0, le=50)
    #: The most one CRM request may take; then it counts as failed and the job is retried.
    crm_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    #: The screen pop's budget for asking the CRM about a caller ringdesk does not know: past it the
    #: lookup answers "not found" (the card must not wait for a slow CRM).
    crm_lookup_timeout_seconds: float = Field(default=1.5, ge=0, le=10)
    #: Attempts per CRM job before it is ``failed``; the delay after the first failed one doubles
    #: from ``crm_retry_base_seconds`` up to ``crm_retry_max_seconds``.
    crm_max_attempts: int = Field(default=12, ge=1, le=50)
    crm_retry_base_seconds: float = Field(default=30.0, gt=0, le=24 * 3600)
    crm_retry_max_seconds: float = Field(default=3600.0, gt=0, le=7 * 24 * 3600)
    #: How often a process looks for CRM jobs made by other processes and re-reads the connection.
    crm_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    #: The daily report e-mail (docs/reports.md): yesterday's figures, per queue and per operator,
    #: mailed through the SMTP setup above to these addresses (comma-separated; empty: no mail), at
    #: this local time of the centre (the zone of the task rules' working hours), in this language.
    daily_report_to: str = ""
    daily_report_at: str = Field(default="07:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    daily_report_language: Literal["ru", "en"] = "ru"
    daily_report_poll_seconds: float = Field(default=60.0, gt=0, le=3600)
    # Chain replies and Kannel's in-doubt SMS (issue 19, docs/chains.md): how long a Kannel SMS
    # whose send was cut off before its outcome was recorded waits for Kannel's report before it
    # is failed (never sent twice).
    kannel_report_wait_seconds: float = Field(default=600.0, gt=0, le=7 * 24 * 3600)
    #: Chain throughput (issue 19, docs/chains.md "Performance"). Where ``serve`` runs the chain
    #: worker on PostgreSQL: ``process`` (the default), in processes of their own, one per HTTP
    #: worker, ``chain_worker_nice`` below serve's CPU priority (a burst of due chains takes the CPU the
    #: requests leave, never theirs); ``inline``, inside each HTTP worker. SQLite: always inline.
    chain_worker_mode: Literal["process", "inline"] = "process"
    chain_worker_nice: int = Field(default=10, ge=0, le=19)
    #: Waiting callers from a generic PBX (issue 20, docs/reports.md "From any other PBX"): a queue
    #: whose last ``PUT /calls/waiting`` snapshot is older than this reads unknown on the dashboard
    #: (the PBX stopped reporting: never its last callers waiting for ever). Post every third of it.
    pbx_waiting_stale_seconds: float = Field(default=60.0, ge=1, le=3600)

    def daily_report_recipients(self) -> list[str]:
        """``daily_report_to`` as a list of addresses."""
        return [item.strip() for item in self.daily_report_to.split(",") if item.strip()]

    def recording_policies(self) -> dict[str, str]:
        """``recording_queues`` as ``{queue: policy}``."""
        pairs = (item.partition(":") for item in self.recording_queues.split(","))
        return {q.strip(): p.strip() for q, _, p in pairs if q.strip()}

    def recordings_path(self) -> Path:
        if self.recordings_dir:
            return Path(self.recordings_dir)
        return platformdirs.user_data_path("ringdesk", appauthor=False) / "recordings"

    @field_validator("recording_queues")
    @classmethod
    def _known_policies(cls, value: str) -> str:
        for item in filter(None, (i.strip() for i in value.split(","))):
            queue, sep, policy = item.partition(":")
            if not sep or not queue.strip() or policy.strip() not in ("always", "on_demand", "never"):
                raise ValueError(f"{item!r}: write queue:always, queue:on_demand or queue:never")
        return value

    @field_validator("source_keys")
    @classmethod
    def _named_sources(cls, value: SecretStr | None) -> SecretStr | None:
        """Each source ``name:key``, the name short enough for the columns it is stored in (a
        task's source, a queue's waiting callers): refused here rather than by the database on the
        first call. The message names the source, never a key."""
        if value is None:
            return None
        from app.wire.common import CODE_MAX

        for item in filter(None, (i.strip() for i in value.get_secret_value().split(","))):
            name, sep, key = item.partition(":")
            if not sep or not name.strip() or not key.strip():
                raise ValueError("write name:key,name:key (a source without a name or a key)")
            if len(name.strip()) > CODE_MAX:
                raise ValueError(
                    f"the source name {name.strip()[:20]!r}... is longer than {CODE_MAX} characters"
                )
        return value

    def service_level_for(self, queue: str | None) -> int:
        """The service level's seconds for ``queue`` (``service_levels``, else the default)."""
        for item in self.service_levels.split(","):
            name, _, seconds = item.partition(":")
            if name.strip() and name.strip() == (queue or "") and seconds.strip().isdigit():
                return int(seconds)
        return self.service_level_seconds

    def sources(self) -> dict[str, str]:
        """``source_keys`` as ``{key: source name}``."""
        if self.source_keys is None:
            return {}
        pairs = (item.partition(":") for item in self.source_keys.get_secret_value().split(","))
        return {key.strip(): name.strip() for name, _, key in pairs if name.strip() and key.strip()}

    @field_validator("default_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        import phonenumbers

        region = value.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown region {value!r} (use an ISO 3166 code such as RU, KZ, DE)")
        return region

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError("not a database URL (sqlite:///PATH or postgresql+psycopg://...)") from exc
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql")
        return value

    @model_validator(mode="after")
    def _strong_secret(self) -> Self:
        """Also enforced here, so code building Settings directly cannot skip the check."""
        if not (self.dev or self.secret_key_generated):
            problem = secret_problem(self.secret_key.get_secret_value())
            if problem is not None:
                raise ValueError(problem)
        return self
