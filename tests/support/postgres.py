"""A real, throw-away PostgreSQL server for tests: ``initdb`` into a temp dir, ``postgres`` on a free
port, a Unix socket in the same dir, trust authentication for the ``postgres`` role.

Usage::

    with PostgresServer() as pg:
        url = pg.create_database("t_login")             # SQLAlchemy URL (psycopg 3, Unix socket)
        url2 = pg.create_database("t_copy", template="t_login")   # fast copy of a prepared database
        pg.drop_database("t_copy")

Why ``postgres`` in the foreground rather than ``pg_ctl start``: pg_ctl daemonises the postmaster,
which then outlives a test process killed with SIGKILL. Run as our child under
``setpriv --pdeathsig INT``, the postmaster gets SIGINT (fast shutdown) the moment the test process
dies, whatever the cause; ``close()``, context exit and an ``atexit`` hook stop it in the normal case.

PostgreSQL refuses to run as root. When the tests run as root, ``initdb`` and ``postgres`` run as an
unprivileged user (``RINGDESK_PG_USER``, default ``nobody``) through ``setpriv --reuid/--regid``, and
the temp dir is handed to that user. Binaries are found in ``RINGDESK_PG_BINDIR``, on ``PATH``, or in
Debian's ``/usr/lib/postgresql/<version>/bin`` (newest first).

Durability is switched off (``fsync=off``, ``synchronous_commit=off``, ``full_page_writes=off``): the
data is thrown away anyway, and it makes ``CREATE DATABASE`` and commits much faster.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
import weakref
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from tests.support.ports import free_port

_live: weakref.WeakSet[PostgresServer] = weakref.WeakSet()
_DB_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SUPERUSER = "postgres"


class PostgresError(RuntimeError):
    """PostgreSQL failed to initialise, start or run a command; the message carries the log tail."""


def find_pg_bindir() -> Path | None:
    """Directory holding ``initdb`` and ``postgres``, or None if PostgreSQL is not installed."""
    candidates: list[Path] = []
    if env := os.environ.get("RINGDESK_PG_BINDIR"):
        candidates.append(Path(env))
    if on_path := shutil.which("initdb"):
        candidates.append(Path(on_path).resolve().parent)

    def version_key(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", path.parent.name)) or (0,)

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version_key, reverse=True)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "postgres").is_file():
            return directory
    return None


def postgres_available() -> bool:
    """True if PostgreSQL's server binaries are installed (tests skip their PostgreSQL half otherwise)."""
    return find_pg_bindir() is not None and (os.geteuid() != 0 or shutil.which("setpriv") is not None)


def _unprivileged_user() -> pwd.struct_passwd:
    name = os.environ.get("RINGDESK_PG_USER", "nobody")
    try:
        return pwd.getpwnam(name)
    except KeyError as exc:
        raise PostgresError(f"user {name!r} (RINGDESK_PG_USER) does not exist") from exc


def _pid_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :].split()[0] not in ("Z", "X")


def remove_stale_dirs(min_age: float = 600.0) -> None:
    """Delete temp dirs of servers whose test process was SIGKILLed (the postmaster died with it
    but nobody removed the files). Only dirs older than ``min_age`` seconds without a live
    postmaster are touched, so concurrent test sessions are safe."""
    now = time.time()
    for base in Path("/tmp").glob("rdpg-*"):
        try:
            if now - base.stat().st_mtime < min_age:
                continue
            pid_line = (base / "data" / "postmaster.pid").read_text().split("\n", 1)[0]
        except FileNotFoundError:
            pid_line = ""
        except OSError:
            continue
        if pid_line.strip().isdigit() and _pid_alive(int(pid_line)):
            continue
        shutil.rmtree(base, ignore_errors=True)


def _kill_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class PostgresServer:
    """One PostgreSQL instance in a temp dir. See the module docstring."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int | None = None, startup_timeout: float = 30.0
    ) -> None:
        bindir = find_pg_bindir()
        if bindir is None:
            raise PostgresError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.bindir = bindir
        remove_stale_dirs()
        self.host = host
        self.port = port if port is not None else free_port("tcp", host)
        self.startup_timeout = startup_timeout
        # Short path: the socket path (dir + "/.s.PGSQL.<port>") must fit in 107 bytes.
        self.base = Path(tempfile.mkdtemp(prefix="rdpg-", dir="/tmp"))
        self.data_dir = self.base / "data"
        self.log_path = self.base / "postgres.log"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            user = _unprivileged_user()
            os.chown(self.base, user.pw_uid, user.pw_gid)
            self._as_user = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_fh: Any = None
        self._closed = False
        _live.add(self)

    # ------------------------------------------------------------------ addresses
    @property
    def socket_dir(self) -> Path:
        return self.base

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL (psycopg 3) of ``database`` over the Unix socket."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.port}"

    def tcp_url(self, database: str = "postgres") -> str:
        """The same over TCP on ``host:port``."""
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{database}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # ------------------------------------------------------------------ lifecycle
    def _initdb(self) -> None:
        base_cmd = [
            *self._as_user,
            str(self.bindir / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--no-sync",
            "--no-instructions",
            "-E",
            "UTF8",
        ]
        errors = ""
        for locale_args in (["--locale=C.UTF-8"], ["--no-locale"]):
            proc = subprocess.run(
                [*base_cmd, *locale_args],
                capture_output=True,
                text=True,
                check=False,
                timeout=120,
                cwd=self.base,
            )
            if proc.returncode == 0:
                return
            errors += proc.stdout + proc.stderr
            shutil.rmtree(self.data_dir, ignore_errors=True)
        raise PostgresError(f"initdb failed:\n{errors}")

    def start(self) -> Self:
        """initdb (first time), start the server and wait until it accepts connections."""
        if self._closed:
            raise PostgresError("this PostgresServer was closed; create a new one")
        if self.running:
            return self
        if not self.data_dir.exists():
            self._initdb()
        self._log_fh = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        pdeath = ["setpriv", "--pdeathsig", "INT"] if shutil.which("setpriv") else []
        # One setpriv does both: the uid switch happens before pdeathsig is set, so it sticks.
        prefix = [*self._as_user, "--pdeathsig", "INT"] if self._as_user else pdeath
        cmd = [
            *prefix,
            "--",
            str(self.bindir / "postgres"),
            "-D",
            str(self.data_dir),
            "-p",
            str(self.port),
            "-h",
            self.host,
            "-k",
            str(self.socket_dir),
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=200",
            "-c",
            "log_min_messages=warning",
        ]
        if not prefix:
            cmd.remove("--")
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=self._log_fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=self.base,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.kill()
            raise
        return self

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + self.startup_timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if not self.running:
                raise PostgresError(
                    f"postgres exited with {self._proc and self._proc.poll()}:\n{self.log_tail()}"
                )
            try:
                with psycopg.connect(**self._connect_kwargs(), connect_timeout=2):
                    return
            except psycopg.OperationalError as exc:
                last = exc
                time.sleep(0.05)
        raise PostgresError(f"postgres not ready within {self.startup_timeout}s ({last}):\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        """Fast shutdown (SIGINT: roll back sessions, checkpoint, exit); SIGKILL after ``timeout``."""
        proc = self._proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        _kill_group(proc.pid, signal.SIGKILL)  # any backend left behind
        self._proc = None
        if self._log_fh is not None:
            self._log_fh.close()
            self._log_fh = None

    def kill(self) -> None:
        """SIGKILL the postmaster and its backends (crash simulation, failed start)."""
        if self._proc is not None:
            _kill_group(self._proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=10)
        self.stop(timeout=0.1)

    def close(self) -> None:
        """Stop the server and delete its directory."""
        if self._closed:
            return
        try:
            self.stop()
        finally:
            self._closed = True
            shutil.rmtree(self.base, ignore_errors=True)
            _live.discard(self)

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ databases
    def _connect_kwargs(self, database: str = "postgres") -> dict[str, Any]:
        return {"host": str(self.socket_dir), "port": self.port, "user": SUPERUSER, "dbname": database}

    def execute(self, sql: str, database: str = "postgres") -> list[tuple[Any, ...]]:
        """Run one statement in autocommit mode as the superuser; rows if it returns any."""
        import psycopg

        with psycopg.connect(**self._connect_kwargs(database), autocommit=True) as conn:
            cur = conn.execute(sql.encode())
            return cur.fetchall() if cur.description else []

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create ``name`` (optionally as a copy of ``template``, which must have no connections);
        return its SQLAlchemy URL."""
        _check_name(name)
        suffix = f' TEMPLATE "{_check_name(template)}"' if template else ""
        self.execute(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop ``name``, disconnecting whoever is still connected."""
        self.execute(f'DROP DATABASE IF EXISTS "{_check_name(name)}" WITH (FORCE)')

    # ------------------------------------------------------------------ logs
    def log_text(self) -> str:
        try:
            return self.log_path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<PostgresServer {self.host}:{self.port} {state} dir={self.base}>"


def _check_name(name: str) -> str:
    if not _DB_NAME_RE.match(name):
        raise ValueError(f"database name {name!r}: use lower-case letters, digits and _ (max 63)")
    return name


@atexit.register
def _stop_leftovers() -> None:
    """Last line of defence: no PostgreSQL outlives the test process, even if close() was missed."""
    for server in list(_live):
        with contextlib.suppress(Exception):
            server.close()
