"""Run sipp scenarios from ``tests/sipp/`` as child processes, plus raw-socket SIP helpers.

Why a wrapper: sipp's command line is long and easy to get subtly wrong (local port, media port,
``-set`` variables every scenario needs, trace files, timeouts), a sipp left running keeps ports
and pollutes later tests, and a failing call is only debuggable with the message trace. This
module picks free ports, fills scenario defaults (``SCENARIO_DEFAULTS``), always passes timeouts,
writes every trace into a work dir, kills the process on teardown and gives results that print
the useful part of the logs in an assertion.

Typical use::

    res = run_sipp("uac_headers.xml", kam.target, service="1001",
                   variables={"display": "Иван Петров", "hold_ms": "300"})
    assert res.ok, res.describe()

    with Sipp("uas.xml", calls=1) as uas:       # background UAS, the engine calls uas.uri("2000")
        ...engine dials...
        assert uas.wait(10).ok

sipp exit codes: 0 = every call succeeded, 1 = at least one call failed, 97 = stopped by an internal
command, 99 = normal exit without calls processed, 255 (-1) = fatal error, 254 (-2) = fatal error
binding a socket.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal, Self

from tests.support.ports import free_port, free_ports

SIPP_DIR = Path(__file__).resolve().parent.parent / "sipp"

Transport = Literal["udp", "tcp"]

#: Exit codes documented by sipp.
EXIT_OK = 0
EXIT_CALLS_FAILED = 1
EXIT_INTERNAL_STOP = 97
EXIT_NO_CALLS = 99
EXIT_FATAL = 255
EXIT_BIND_ERROR = 254

#: ``-set`` variables each scenario declares (sipp refuses to load a scenario whose declared
#: variable is missing), with the values used when a test does not care.
SCENARIO_DEFAULTS: dict[str, dict[str, str]] = {
    "uac_headers.xml": {
        "display": "Иван Петров",
        "caller": "+79123456789",
        "pai_number": "+79123456789",
        "customer_id": "42",
        "queue": "sales",
        "extra_header": "X-Campaign: spring",
        "hold_ms": "500",
    },
    "uac_wait_bye.xml": {
        "display": "Иван Петров",
        "caller": "+79123456789",
        "pai_number": "+79123456789",
        "customer_id": "42",
        "queue": "sales",
        "extra_header": "X-Campaign: spring",
    },
    "uac_answer_after.xml": {
        "display": "Иван Петров",
        "caller": "+79123456789",
        "answer_after": "0",
        "hold_ms": "500",
    },
    "uac_audio.xml": {"display": "Иван Петров", "caller": "+79123456789", "hold_ms": "7100"},
    "uac_dtmf.xml": {"display": "Иван Петров", "caller": "+79123456789", "hold_ms": "500"},
    "uac_cancel.xml": {"display": "Иван Петров", "caller": "+79123456789", "ring_ms": "500"},
    "uac_rejected.xml": {"display": "Иван Петров", "caller": "+79123456789"},
    "uas.xml": {"ring_ms": "0"},
    "uas_hangup.xml": {"hold_ms": "500"},
    # contact and domain are filled from the run's own address / remote host, see Sipp.__init__
    "register_auth.xml": {"user": "1001", "expires": "60", "expect": "200"},
}

#: Extra command-line options a scenario needs to behave as documented in its header.
SCENARIO_ARGS: dict[str, list[str]] = {
    # Answers to malformed requests vary by UA: ignore unlisted ones instead of failing the call.
    "bad_headers.xml": ["-default_behaviors", "all,-abortunexp"],
    "huge_display_name.xml": ["-default_behaviors", "all,-abortunexp"],
    "invalid_utf8.xml": ["-default_behaviors", "all,-abortunexp"],
}

_live: weakref.WeakSet[Sipp] = weakref.WeakSet()
_temp_dirs: list[Path] = []


def sipp_available() -> bool:
    """True if the sipp binary is installed (tests skip otherwise)."""
    return shutil.which("sipp") is not None


def pcap_play_available() -> bool:
    """True if sipp can ``play_pcap_audio`` here (uac_audio.xml, uac_dtmf.xml).

    sipp sends pcap RTP through a raw IPv4 socket, so it needs root or ``cap_net_raw`` on the binary
    (``setcap cap_net_raw+ep /usr/bin/sipp``); otherwise the call fails with exit code 255 and
    "Can't create raw IPv4 socket (need to run as root?)".
    """
    sipp = shutil.which("sipp")
    if sipp is None:
        return False
    if os.geteuid() == 0:
        return True
    getcap = shutil.which("getcap") or "/usr/sbin/getcap"
    try:
        out = subprocess.run([getcap, sipp], capture_output=True, text=True, check=False, timeout=5).stdout
    except OSError:
        return False
    return "cap_net_raw" in out


def scenario_path(scenario: str | os.PathLike[str]) -> Path:
    """Resolve a bare name (``"uas.xml"`` or ``"uas"``) to ``tests/sipp/``; paths are kept as given."""
    path = Path(scenario)
    if path.is_absolute() or path.parent != Path("."):
        return path
    if path.suffix != ".xml":
        path = path.with_suffix(".xml")
    return SIPP_DIR / path


def _tail(path: Path | None, lines: int) -> str:
    if path is None or not path.exists():
        return ""
    text = path.read_bytes().decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class SippResult:
    """Outcome of one sipp process: exit code and where its logs are."""

    returncode: int
    command: list[str]
    workdir: Path
    stdout_path: Path
    stderr_path: Path
    message_log: Path | None
    error_log: Path | None
    screen_log: Path
    duration: float
    killed: bool = False  # our hard timeout (or stop()) had to kill it
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True if sipp reported that every call succeeded (exit code 0)."""
        return self.returncode == EXIT_OK

    def messages(self) -> str:
        """The ``-trace_msg`` log: every SIP message sent and received (empty if disabled)."""
        return (
            self.message_log.read_bytes().decode("utf-8", "replace")
            if self.message_log and self.message_log.exists()
            else ""
        )

    def messages_bytes(self) -> bytes:
        """The ``-trace_msg`` log as raw bytes (for invalid-UTF-8 checks)."""
        return self.message_log.read_bytes() if self.message_log and self.message_log.exists() else b""

    def errors(self) -> str:
        """The ``-trace_err`` log: unexpected messages and timeouts."""
        return (
            self.error_log.read_bytes().decode("utf-8", "replace")
            if self.error_log and self.error_log.exists()
            else ""
        )

    def stderr(self) -> str:
        """sipp's stderr (fatal errors, scenario load errors)."""
        return self.stderr_path.read_bytes().decode("utf-8", "replace") if self.stderr_path.exists() else ""

    def describe(self, lines: int = 60) -> str:
        """Human summary for assertion messages: command, exit code and log tails."""
        parts = [
            f"sipp exit code {self.returncode}{' (killed by harness)' if self.killed else ''} "
            f"after {self.duration:.2f}s",
            "command: " + " ".join(self.command),
            f"workdir: {self.workdir}",
        ]
        for title, path in (
            ("stderr", self.stderr_path),
            ("errors", self.error_log),
            ("screen", self.screen_log),
            ("messages", self.message_log),
        ):
            tail = _tail(path, lines)
            if tail.strip():
                parts.append(f"--- {title} ({path}) ---\n{tail}")
        return "\n".join(parts)

    def check(self) -> Self:
        """Raise AssertionError with :meth:`describe` unless the run succeeded; return self."""
        if not self.ok:
            raise AssertionError(self.describe())
        return self


class Sipp:
    """One sipp process for a scenario in ``tests/sipp/``: foreground ``run()`` or background ``start()``.

    ``remote`` is ``host:port`` (omit it for a UAS that only receives). ``variables`` become
    ``-set name value`` on top of ``SCENARIO_DEFAULTS``; ``keys`` become ``-key``. ``inf`` is a CSV
    path or rows (written to a file with a ``SEQUENTIAL`` first line). ``timeout`` is sipp's global
    ``-timeout`` (with ``-timeout_error``) and the harness kills the process 5 s later at most.
    ``recv_timeout`` (seconds) bounds each wait for a message that has no timeout of its own.
    """

    def __init__(
        self,
        scenario: str | os.PathLike[str],
        remote: str | None = None,
        *,
        service: str | None = None,
        calls: int | None = 1,
        limit: int | None = None,
        rate: float | None = None,
        rate_period_ms: int | None = None,
        variables: Mapping[str, str] | None = None,
        keys: Mapping[str, str] | None = None,
        inf: str | os.PathLike[str] | Sequence[Sequence[str]] | None = None,
        local_ip: str = "127.0.0.1",
        local_port: int | None = None,
        media_port: int | None = None,
        transport: Transport = "udp",
        timeout: float = 20.0,
        recv_timeout: float | None = 10.0,
        auth_user: str | None = None,
        auth_password: str | None = None,
        auto_answer: bool = True,
        rtp_echo: bool = False,
        trace_msg: bool = True,
        trace_err: bool = True,
        extra_args: Iterable[str] = (),
        workdir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.scenario = scenario_path(scenario)
        if not self.scenario.exists():
            raise FileNotFoundError(self.scenario)
        self.remote = remote
        self.service = service
        self.calls = calls
        self.limit = limit
        self.rate = rate
        self.rate_period_ms = rate_period_ms
        self.local_ip = local_ip
        self.transport = transport
        self.local_port = local_port if local_port is not None else free_port("both", local_ip)
        # sipp uses mp (RTP), mp+1, mp+2 (video) and mp+3: reserve an aligned block of four.
        self.media_port = (
            media_port
            if media_port is not None
            else free_ports(4, "udp", local_ip, consecutive=True, align=2)[0]
        )
        # sipp also binds a UDP control port (default 8888, for remote commands): give each run its
        # own so concurrent sipps never fight over it.
        self.control_port = free_port("udp", local_ip)
        self.timeout = timeout
        self.recv_timeout = recv_timeout
        self.auth_user = auth_user
        self.auth_password = auth_password
        self.auto_answer = auto_answer
        self.rtp_echo = rtp_echo
        self.trace_msg = trace_msg
        self.trace_err = trace_err
        self.extra_args = list(extra_args)
        self.keys = dict(keys or {})
        if workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix=f"ringdesk-sipp-{self.scenario.stem}-"))
            _temp_dirs.append(self.workdir)
        else:
            self.workdir = Path(workdir)
            self.workdir.mkdir(parents=True, exist_ok=True)
        name = self.scenario.stem
        self.stdout_path = self.workdir / f"{name}.stdout"
        self.stderr_path = self.workdir / f"{name}.stderr"
        self.message_log = self.workdir / f"{name}.messages.log" if trace_msg else None
        self.error_log = self.workdir / f"{name}.errors.log" if trace_err else None
        self.screen_log = self.workdir / f"{name}.screen.log"

        self.variables: dict[str, str] = dict(SCENARIO_DEFAULTS.get(self.scenario.name, {}))
        if self.scenario.name == "register_auth.xml":
            self.variables.setdefault("contact", f"{self.local_ip}:{self.local_port}")
            self.variables.setdefault("domain", (remote or "127.0.0.1").rsplit(":", 1)[0])
        self.variables.update(variables or {})
        if self.scenario.name == "register_auth.xml":
            self.auth_user = self.auth_user or self.variables["user"]
        self.inf_path = self._write_inf(inf)
        self._proc: subprocess.Popen[bytes] | None = None
        self._started = 0.0
        self._result: SippResult | None = None
        self._out_fh: list[IO[bytes]] = []
        _live.add(self)

    # ------------------------------------------------------------------ command line
    def _write_inf(self, inf: str | os.PathLike[str] | Sequence[Sequence[str]] | None) -> Path | None:
        if inf is None:
            return None
        if isinstance(inf, (str, os.PathLike)):
            return Path(inf)
        path = self.workdir / "injection.csv"
        lines = ["SEQUENTIAL"] + [";".join(row) for row in inf]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    @property
    def command(self) -> list[str]:
        """The full sipp command line this runner executes."""
        cmd = ["sipp", "-sf", str(self.scenario)]
        if self.remote:
            cmd.append(self.remote)
        cmd += [
            "-i",
            self.local_ip,
            "-p",
            str(self.local_port),
            "-mi",
            self.local_ip,
            "-mp",
            str(self.media_port),
            "-t",
            "t1" if self.transport == "tcp" else "u1",
            "-cp",
            str(self.control_port),
            "-nostdin",
            "-timeout",
            f"{max(1, round(self.timeout))}s",
            "-timeout_error",
            "-trace_screen",
            "-screen_file",
            str(self.screen_log),
        ]
        if self.service is not None:
            cmd += ["-s", self.service]
        if self.calls is not None:
            cmd += ["-m", str(self.calls)]
        if self.limit is not None:
            cmd += ["-l", str(self.limit)]
        if self.rate is not None:
            cmd += ["-r", f"{self.rate:g}"]
        if self.rate_period_ms is not None:
            cmd += ["-rp", str(self.rate_period_ms)]
        if self.recv_timeout is not None:
            cmd += ["-recv_timeout", str(int(self.recv_timeout * 1000))]
        if self.auth_user is not None:
            cmd += ["-au", self.auth_user]
        if self.auth_password is not None:
            cmd += ["-ap", self.auth_password]
        if self.auto_answer:
            cmd.append("-aa")
        if self.rtp_echo:
            cmd.append("-rtp_echo")
        if self.message_log is not None:
            cmd += ["-trace_msg", "-message_file", str(self.message_log)]
        if self.error_log is not None:
            cmd += ["-trace_err", "-error_file", str(self.error_log)]
        if self.inf_path is not None:
            cmd += ["-inf", str(self.inf_path)]
        for name, value in self.variables.items():
            cmd += ["-set", name, value]
        for name, value in self.keys.items():
            cmd += ["-key", name, value]
        cmd += SCENARIO_ARGS.get(self.scenario.name, [])
        cmd += self.extra_args
        return cmd

    # ------------------------------------------------------------------ addresses
    @property
    def address(self) -> str:
        """``ip:port`` sipp listens on (give it to the engine as the call target)."""
        return f"{self.local_ip}:{self.local_port}"

    def uri(self, user: str = "sipp") -> str:
        """SIP URI that reaches this sipp, e.g. ``sip:2000@127.0.0.1:20555`` (``;transport=tcp`` for TCP)."""
        suffix = ";transport=tcp" if self.transport == "tcp" else ""
        return f"sip:{user}@{self.local_ip}:{self.local_port}{suffix}"

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        """True while the sipp process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> Self:
        """Start sipp in the background (new session, so teardown can kill its whole group)."""
        if self._proc is not None:
            raise RuntimeError("this Sipp was already started; create a new one")
        stdout = open(self.stdout_path, "wb")  # noqa: SIM115 - closed in _finish
        stderr = open(self.stderr_path, "wb")  # noqa: SIM115
        self._out_fh = [stdout, stderr]
        setpriv = shutil.which("setpriv")
        prefix = [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []
        self._started = time.monotonic()
        self._proc = subprocess.Popen(
            [*prefix, *self.command],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            cwd=self.workdir,
            start_new_session=True,
        )
        # A UAS must be listening before the test makes the engine call it.
        if not self.remote:
            self._wait_bound()
        return self

    def _wait_bound(self, timeout: float = 5.0) -> None:
        kind = socket.SOCK_STREAM if self.transport == "tcp" else socket.SOCK_DGRAM
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                return  # wait()/describe() will show why
            with socket.socket(socket.AF_INET, kind) as s:
                try:
                    s.bind((self.local_ip, self.local_port))
                except OSError:
                    return  # bound by sipp
            time.sleep(0.02)

    def wait(self, timeout: float | None = None) -> SippResult:
        """Wait for sipp to exit (at most ``timeout``, default sipp's own timeout + 5 s), then kill it."""
        if self._result is not None:
            return self._result
        if self._proc is None:
            raise RuntimeError("sipp was not started")
        limit = self.timeout + 5.0 if timeout is None else timeout
        killed = False
        try:
            self._proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            killed = True
            self._kill_group(signal.SIGKILL)
            self._proc.wait(timeout=5)
        return self._finish(killed)

    def run(self) -> SippResult:
        """Run in the foreground until sipp exits (bounded by ``timeout`` + 5 s); return the result."""
        return self.start().wait()

    def stop(self, timeout: float = 3.0) -> SippResult:
        """Stop a background sipp: SIGUSR1 (sipp's soft stop), SIGTERM, then SIGKILL; return the result."""
        if self._result is not None:
            return self._result
        if self._proc is None:
            raise RuntimeError("sipp was not started")
        killed = False
        for sig, grace in (
            (signal.SIGUSR1, timeout / 2),
            (signal.SIGTERM, timeout / 2),
            (signal.SIGKILL, 5.0),
        ):
            if self._proc.poll() is not None:
                break
            killed = sig == signal.SIGKILL
            self._kill_group(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=grace)
        return self._finish(killed)

    def kill(self) -> None:
        """SIGKILL sipp immediately (teardown)."""
        if self._proc is not None and self._result is None:
            self._kill_group(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
            self._finish(True)

    def _kill_group(self, sig: int) -> None:
        if self._proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, sig)

    def _finish(self, killed: bool) -> SippResult:
        assert self._proc is not None
        for fh in self._out_fh:
            with contextlib.suppress(Exception):
                fh.close()
        rc = self._proc.returncode if self._proc.returncode is not None else -9
        self._result = SippResult(
            returncode=rc % 256 if rc >= 0 else rc,
            command=self.command,
            workdir=self.workdir,
            stdout_path=self.stdout_path,
            stderr_path=self.stderr_path,
            message_log=self.message_log,
            error_log=self.error_log,
            screen_log=self.screen_log,
            duration=time.monotonic() - self._started,
            killed=killed,
        )
        _live.discard(self)
        return self._result

    @property
    def result(self) -> SippResult | None:
        """The result once sipp has exited (after wait/stop/kill/run)."""
        return self._result

    def __enter__(self) -> Self:
        """Start unless already started (``with start_uas(...) as uas:`` works too)."""
        return self if self._proc is not None else self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._result is None:
            self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else ("done" if self._result else "new")
        return f"<Sipp {self.scenario.name} {self.address} -> {self.remote or '(uas)'} {state}>"


def run_sipp(scenario: str | os.PathLike[str], remote: str | None = None, **kwargs: Any) -> SippResult:
    """Run a scenario in the foreground and return its result (see :class:`Sipp` for kwargs)."""
    return Sipp(scenario, remote, **kwargs).run()


def start_uas(scenario: str | os.PathLike[str] = "uas.xml", **kwargs: Any) -> Sipp:
    """Start a background UAS (default ``uas.xml``, one call); call ``.wait()`` or ``.stop()`` later."""
    return Sipp(scenario, None, **kwargs).start()


# ---------------------------------------------------------------------- raw sockets
def send_raw_udp(
    host: str,
    port: int,
    payload: bytes,
    *,
    wait_reply: float = 0.0,
    local_port: int | None = None,
    local_host: str = "127.0.0.1",
    stop_on_final: bool = True,
) -> list[bytes]:
    """Send ``payload`` as one UDP datagram; collect replies for up to ``wait_reply`` seconds.

    For bytes no scenario file should carry, or quick one-off malformed messages. Bind
    ``local_port`` to the port your Via/Contact announce so the peer's answer reaches us.
    With ``stop_on_final`` collecting ends at the first final (>= 200) SIP response.
    """
    replies: list[bytes] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((local_host, local_port or 0))
        s.sendto(payload, (host, port))
        deadline = time.monotonic() + wait_reply
        while (left := deadline - time.monotonic()) > 0:
            s.settimeout(left)
            try:
                data, _ = s.recvfrom(65535)
            except (TimeoutError, OSError):
                break
            replies.append(data)
            if stop_on_final and _is_final(data):
                break
    return replies


def _is_final(data: bytes) -> bool:
    parts = data.split(b" ", 2)
    return len(parts) > 1 and parts[0] == b"SIP/2.0" and parts[1].isdigit() and int(parts[1]) >= 200


def build_invite(
    host: str,
    port: int,
    *,
    display_name: bytes | str,
    user: str = "1001",
    from_user: str = "sipp",
    local_host: str = "127.0.0.1",
    local_port: int = 5060,
    transport: str = "UDP",
    extra_headers: Iterable[bytes | str] = (),
    call_id: str | None = None,
    with_sdp: bool = True,
) -> bytes:
    """Build an INVITE whose From display name is given as raw bytes (may be invalid UTF-8).

    Returns bytes ready for :func:`send_raw_udp`; Content-Length is computed.
    """
    name = display_name.encode() if isinstance(display_name, str) else display_name
    call_id = call_id or f"{uuid.uuid4().hex}@ringdesk-raw"
    branch = f"z9hG4bK{uuid.uuid4().hex[:16]}"
    tag = uuid.uuid4().hex[:8]
    body = b""
    if with_sdp:
        body = (
            f"v=0\r\no=raw 1 1 IN IP4 {local_host}\r\ns=-\r\nc=IN IP4 {local_host}\r\nt=0 0\r\n"
            f"m=audio {local_port + 2} RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n"
        ).encode()
    head = [
        f"INVITE sip:{user}@{host}:{port} SIP/2.0".encode(),
        f"Via: SIP/2.0/{transport} {local_host}:{local_port};branch={branch};rport".encode(),
        b'From: "' + name + f'" <sip:{from_user}@{local_host}:{local_port}>;tag={tag}'.encode(),
        f"To: <sip:{user}@{host}:{port}>".encode(),
        f"Call-ID: {call_id}".encode(),
        b"CSeq: 1 INVITE",
        f"Contact: <sip:{from_user}@{local_host}:{local_port}>".encode(),
        b"Max-Forwards: 70",
        *[h.encode() if isinstance(h, str) else h for h in extra_headers],
    ]
    if with_sdp:
        head.append(b"Content-Type: application/sdp")
    head.append(f"Content-Length: {len(body)}".encode())
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def build_response(request: bytes, status: int = 400, reason: str = "Bad Request") -> bytes:
    """Minimal stateless response to a raw request (copies Via/From/To/Call-ID/CSeq, adds a To tag).

    Lets a raw-socket test peer answer sipp so the scenario does not wait for its timeouts.
    """
    head = request.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    keep = (b"via:", b"v:", b"from:", b"f:", b"to:", b"t:", b"call-id:", b"i:", b"cseq:")
    lines = [f"SIP/2.0 {status} {reason}".encode()]
    for line in head[1:]:
        low = line.lower()
        if not low.startswith(keep):
            continue
        if low.startswith((b"to:", b"t:")) and b";tag=" not in low:
            lines.append(line + b";tag=raw" + uuid.uuid4().hex[:6].encode())
        else:
            lines.append(line)
    lines.append(b"Content-Length: 0")
    return b"\r\n".join(lines) + b"\r\n\r\n"


@atexit.register
def _cleanup() -> None:
    """No sipp outlives the test process; temp dirs go too unless RINGDESK_KEEP_PEER_LOGS is set."""
    for sipp in list(_live):
        with contextlib.suppress(Exception):
            sipp.kill()
    if not os.environ.get("RINGDESK_KEEP_PEER_LOGS"):
        for d in _temp_dirs:
            shutil.rmtree(d, ignore_errors=True)
