"""A real Kamailio 5.6 registrar/proxy as a child process, for tests of the SIP engine.

Why a real Kamailio rather than a mock: registration, digest auth, record-route and in-dialog
routing are exactly where softphones break, and only a real proxy reproduces the details (nonce
handling, Via/rport, Record-Route rewriting, TCP connection reuse, stale-nonce challenges).

Usage::

    with Kamailio({"1001": "secret"}) as kam:          # UDP+TCP on kam.port, 127.0.0.1
        ...                                              # engine registers to kam.uri()
        kam.wait_registered("1001")
        run_sipp("uac_headers.xml", kam.target, service="1001")   # sipp calls the phone via kam

Everything lives in a temp dir (config, log, certificates) plus a short runtime dir for the
control sockets (Unix socket paths are limited to 108 bytes, pytest's tmp_path is often longer).
Every process started is killed on ``stop()``/``close()``/context exit and at interpreter exit.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from tests.support.ports import free_port, free_ports, sip_options, wait_port_free, wait_sip

KAMAILIO_DIR = Path(__file__).resolve().parent.parent / "kamailio"
CONFIG_TEMPLATE = KAMAILIO_DIR / "kamailio.cfg.tmpl"
TLS_TEMPLATE = KAMAILIO_DIR / "tls.cfg.tmpl"

Transport = Literal["udp", "tcp", "tls"]

_USER_RE = re.compile(r"^[A-Za-z0-9._+*#-]{1,64}$")
_SAFE_VALUE_RE = re.compile(r"^[\x20-\x7e]*$")

_live: weakref.WeakSet[Kamailio] = weakref.WeakSet()


def kamailio_available() -> bool:
    """True if the kamailio binary is installed (tests skip otherwise)."""
    return shutil.which("kamailio") is not None


def tls_available() -> bool:
    """True if Kamailio's tls module (Debian ``kamailio-tls-modules``) and openssl are installed."""
    return shutil.which("openssl") is not None and any(
        Path(d, "tls.so").exists()
        for d in (
            "/usr/lib/x86_64-linux-gnu/kamailio/modules",
            "/usr/lib/kamailio/modules",
            "/usr/local/lib64/kamailio/modules",
            "/usr/local/lib/kamailio/modules",
        )
    )


class KamailioError(RuntimeError):
    """Kamailio failed to start, died, or an RPC failed; the message carries the log tail."""


@dataclass(frozen=True)
class TlsFiles:
    """Test PKI: a throw-away CA and a server certificate for 127.0.0.1/localhost signed by it."""

    ca_file: Path
    ca_key: Path
    cert_file: Path
    key_file: Path


def make_test_pki(
    directory: Path,
    *,
    common_name: str = "localhost",
    ip_addresses: tuple[str, ...] = ("127.0.0.1", "::1"),
    dns_names: tuple[str, ...] = ("localhost",),
) -> TlsFiles:
    """Create a CA and a server cert with the ``openssl`` CLI (always there when kamailio is).

    RSA 2048 + SHA-256 so that pjsua2's old OpenSSL 1.0.2 accepts it; SAN carries both the IP and
    the host name, because verifying clients check the SAN, not the CN.
    """
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_file = directory / "ca.key", directory / "ca.crt"
    key_file, csr, cert_file = directory / "server.key", directory / "server.csr", directory / "server.crt"
    ext = directory / "server.ext"
    san = ",".join([f"DNS:{n}" for n in dns_names] + [f"IP:{a}" for a in ip_addresses])
    ext.write_text(
        f"subjectAltName={san}\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid,issuer\n"
    )

    def openssl(*args: str) -> None:
        proc = subprocess.run(["openssl", *args], capture_output=True, text=True, check=False, timeout=60)
        if proc.returncode != 0:
            raise KamailioError(f"openssl {' '.join(args[:2])} failed: {proc.stderr.strip()}")

    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-sha256",
        "-days",
        "3650",
        "-keyout",
        str(ca_key),
        "-out",
        str(ca_file),
        "-subj",
        "/O=ringdesk tests/CN=ringdesk test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-sha256",
        "-keyout",
        str(key_file),
        "-out",
        str(csr),
        "-subj",
        f"/O=ringdesk tests/CN={common_name}",
    )
    openssl(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(ca_file),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-out",
        str(cert_file),
        "-days",
        "825",
        "-sha256",
        "-extfile",
        str(ext),
    )
    for key in (ca_key, key_file):
        key.chmod(0o600)
    return TlsFiles(ca_file=ca_file, ca_key=ca_key, cert_file=cert_file, key_file=key_file)


def _quote(value: str, what: str) -> str:
    """Quote a value for a Kamailio config string; refuse what the cfg lexer would misread."""
    if not _SAFE_VALUE_RE.match(value) or '"' in value or "\\" in value:
        raise ValueError(f"{what} {value!r}: use printable ASCII without quotes or backslashes")
    return f'"{value}"'


def _check_user(user: str) -> str:
    if not _USER_RE.match(user):
        raise ValueError(f"user {user!r}: use letters, digits and ._+*#- only")
    return user


def _pdeath_prefix() -> list[str]:
    """``setpriv --pdeathsig`` makes the child die with the test process even if pytest is SIGKILLed.

    Caveat: the "parent" is the *thread* that spawned the child, so start peers from a thread that
    lives as long as they should (the main test thread).
    """
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


def _kill_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _group_alive(pgid: int) -> bool:
    """True while a *living* process of group ``pgid`` exists.

    Zombies do not count: after a SIGKILL the workers are re-parented to PID 1, which in containers
    may reap them only a second or more later, but they already released their sockets.
    """
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():  # not Linux: fall back to the signal probe
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc_dir.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ...": comm may contain spaces, so split after the last ")".
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) >= 3 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


class Kamailio:
    """Kamailio registrar + proxy on 127.0.0.1: UDP and TCP on ``port``, optional TLS on ``tls_port``.

    ``users`` maps SIP user -> password for digest auth (realm = ``realm``, default ``domain``).
    ``routes`` maps a user -> fixed target URI (e.g. ``{"2000": "sip:2000@127.0.0.1:<sipp port>"}``)
    so calls to that user reach a peer that never registers. ``call_auth=True`` makes known users
    authenticate their INVITEs with 407 (callers that are not users still pass).
    ``single_contact`` (default) makes each REGISTER replace the user's other contacts, so a
    re-started phone never leaves a dead binding that INVITEs would be forked to.
    ``tcp_received`` reaches TCP-registered users over their registration connection (always the
    case for TLS); leave it off when a sipp ``register_auth.xml`` registers on behalf of a UAS.
    Ports are picked free unless given; ``restart()`` reuses them.
    ``routing_url`` (``http://127.0.0.1:PORT/routing/next``) turns on routing: a call to
    ``q-<queue>`` asks that URL (``http_client``, Debian ``kamailio-utils-modules``) for the operator.
    ``outcomes_url`` (``.../calls/outcomes``, with ``source_key``) adds a report of each routed call
    the caller cancels while it rings (abandoned, with the seconds waited), as a PBX would send.
    """

    def __init__(
        self,
        users: Mapping[str, str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        tls: bool = False,
        tls_port: int | None = None,
        domain: str = "ringdesk.test",
        realm: str | None = None,
        routes: Mapping[str, str] | None = None,
        call_auth: bool = False,
        single_contact: bool = True,
        tcp_received: bool = False,
        workdir: str | os.PathLike[str] | None = None,
        keep_workdir: bool | None = None,
        debug: int = 2,
        startup_timeout: float = 10.0,
        tls_files: TlsFiles | None = None,
        routing_url: str | None = None,
        routing_key: str = "",
        outcomes_url: str | None = None,
        source_key: str = "",
    ) -> None:
        self.host = host
        self.routing_url = _quote(routing_url, "routing URL").strip('"') if routing_url else None
        self.routing_key = routing_key
        self.outcomes_url = _quote(outcomes_url, "outcomes URL").strip('"') if outcomes_url else None
        self.source_key = _quote(source_key, "source key").strip('"')
        self.domain = domain
        self.realm = realm or domain
        self.users: dict[str, str] = {}
        for user, password in (users or {}).items():
            _quote(password, "password")
            self.users[_check_user(user)] = password
        self.routes: dict[str, str] = {}
        for user, target in (routes or {}).items():
            _quote(target, "route target")
            self.routes[_check_user(user)] = target
        _quote(self.domain, "domain")
        _quote(self.realm, "realm")
        self.tls = tls or tls_port is not None or tls_files is not None
        self.call_auth = call_auth
        self.single_contact = single_contact
        self.tcp_received = tcp_received
        self.debug = debug
        self.startup_timeout = startup_timeout
        self._port = port if port is not None else free_port("both", host)
        self._tls_port = (tls_port if tls_port is not None else free_port("tcp", host)) if self.tls else None
        self._own_workdir = workdir is None
        self.workdir = (
            Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="ringdesk-kam-"))
        )
        self.workdir.mkdir(parents=True, exist_ok=True)
        if keep_workdir is None:
            keep_workdir = bool(os.environ.get("RINGDESK_KEEP_PEER_LOGS"))
        self._keep_workdir = keep_workdir
        # Short path for sockets and the -Y runtime dir, whatever workdir is.
        self.rundir = Path(tempfile.mkdtemp(prefix="kam-", dir="/tmp"))
        self.config_path = self.workdir / "kamailio.cfg"
        self.log_path = self.workdir / "kamailio.log"
        self.pid_path = self.rundir / "kamailio.pid"
        # Generated up front so ca_file is known before start() (engine configs need it).
        self._tls_files = (
            tls_files if tls_files is not None or not self.tls else make_test_pki(self.workdir / "tls")
        )
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_fh: Any = None
        self._closed = False
        _live.add(self)

    # ------------------------------------------------------------------ properties
    @property
    def address(self) -> str:
        """IP address Kamailio listens on."""
        return self.host

    @property
    def port(self) -> int:
        """UDP and TCP port (same number)."""
        return self._port

    @property
    def tls_port(self) -> int | None:
        """TLS port, or None without TLS."""
        return self._tls_port

    @property
    def target(self) -> str:
        """``host:port`` as sipp wants its remote host argument."""
        return f"{self.host}:{self.port}"

    @property
    def ca_file(self) -> Path | None:
        """CA certificate that signed the TLS server certificate (give it to the engine's verifyServer)."""
        return self._tls_files.ca_file if self._tls_files else None

    @property
    def tls_files(self) -> TlsFiles | None:
        """All test PKI files (CA, CA key, server cert and key)."""
        return self._tls_files

    @property
    def pid(self) -> int | None:
        """PID of the main kamailio process while running."""
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        """True while the main kamailio process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def uri(self, transport: Transport = "udp", user: str | None = None) -> str:
        """SIP URI of the registrar/proxy for ``transport``, e.g. ``sip:127.0.0.1:20123;transport=tcp``."""
        userpart = f"{user}@" if user else ""
        if transport == "tls":
            if self._tls_port is None:
                raise KamailioError("TLS is not enabled on this Kamailio")
            return f"sip:{userpart}{self.host}:{self._tls_port};transport=tls"
        suffix = ";transport=tcp" if transport == "tcp" else ""
        return f"sip:{userpart}{self.host}:{self.port}{suffix}"

    def aor(self, user: str) -> str:
        """Address of record of ``user`` in this domain (``sip:1001@ringdesk.test``)."""
        return f"sip:{user}@{self.domain}"

    # ------------------------------------------------------------------ config
    def _htable_init(self) -> str:
        lines = [f"\t$sht(users=>{u}) = {_quote(p, 'password')};" for u, p in self.users.items()]
        lines += [f"\t$sht(routes=>{u}) = {_quote(t, 'route target')};" for u, t in self.routes.items()]
        return "\n".join(lines) or "\treturn;"

    def render_config(self) -> str:
        """Return the Kamailio config text for the current settings (also written by ``start``)."""
        defines = []
        if self.tls:
            defines.append("#!define WITH_TLS")
        if self.call_auth:
            defines.append("#!define WITH_CALL_AUTH")
        if self.single_contact:
            defines.append("#!define WITH_SINGLE_CONTACT")
        if self.tcp_received:
            defines.append("#!define WITH_TCP_RECEIVED")
        if self.routing_url:
            defines.append("#!define WITH_ROUTING")
        if self.routing_url and self.outcomes_url:
            defines.append("#!define WITH_CALL_REPORTS")
        values = {
            "DEFINES": "\n".join(defines),
            "DEBUG": str(self.debug),
            "HOST": self.host,
            "PORT": str(self.port),
            "TLS_PORT": str(self._tls_port or 0),
            "DOMAIN": self.domain,
            "REALM": self.realm,
            "RUNDIR": str(self.rundir),
            "WORKDIR": str(self.workdir),
            "HTABLE_INIT": self._htable_init(),
            "ROUTING_URL": self.routing_url or "",
            "ROUTING_KEY": self.routing_key,
            "OUTCOMES_URL": self.outcomes_url or "",
            "SOURCE_KEY": self.source_key,
        }
        text = CONFIG_TEMPLATE.read_text()
        for key, value in values.items():
            text = text.replace(f"@@{key}@@", value)
        leftover = re.findall(r"@@[A-Z_]+@@", text)
        if leftover:
            raise KamailioError(f"unrendered placeholders in {CONFIG_TEMPLATE}: {sorted(set(leftover))}")
        return text

    def _write_files(self) -> None:
        if self.tls:
            if self._tls_files is None:  # pragma: no cover - set in __init__
                self._tls_files = make_test_pki(self.workdir / "tls")
            tls_text = TLS_TEMPLATE.read_text()
            for key, path in (
                ("KEY_FILE", self._tls_files.key_file),
                ("CERT_FILE", self._tls_files.cert_file),
                ("CA_FILE", self._tls_files.ca_file),
            ):
                tls_text = tls_text.replace(f"@@{key}@@", str(path))
            (self.workdir / "tls.cfg").write_text(tls_text)
        self.config_path.write_text(self.render_config())

    def check_config(self) -> None:
        """Run ``kamailio -c`` on the rendered config; raise KamailioError with its output on failure."""
        self._write_files()
        proc = subprocess.run(
            ["kamailio", "-c", "-f", str(self.config_path), "-Y", str(self.rundir), "-E"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        if proc.returncode != 0:
            raise KamailioError(f"kamailio -c failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Self:
        """Render the config, start ``kamailio -DD -E`` and wait until it answers OPTIONS with 200.

        Raises KamailioError (with the log tail) if it exits or does not answer within
        ``startup_timeout``; in that case no process is left behind.
        """
        if self._closed:
            raise KamailioError("this Kamailio was closed; create a new one")
        if self.running:
            return self
        self._write_files()
        for stale in ("rpc.sock", "ctl.sock"):
            with contextlib.suppress(FileNotFoundError):
                (self.rundir / stale).unlink()
        self._log_fh = open(self.log_path, "ab")  # noqa: SIM115 - closed in _terminate
        banner = f"\n===== ringdesk harness: starting kamailio at {time.strftime('%H:%M:%S')} =====\n"
        self._log_fh.write(banner.encode())
        self._log_fh.flush()
        cmd = [
            *_pdeath_prefix(),
            "kamailio",
            "-DD",
            "-E",
            "-f",
            str(self.config_path),
            "-Y",
            str(self.rundir),
            "-P",
            str(self.pid_path),
            "-w",
            str(self.workdir),
            "-m",
            "64",
            "-M",
            "8",
        ]
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=self._log_fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=self.workdir,
        )
        try:
            self._wait_ready()
        except BaseException:
            # A failed start may be a port someone else holds: do not wait for it to be freed.
            self._terminate(signal.SIGKILL, grace=0.0, wait_ports=False)
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        checks: list[tuple[Transport, int]] = [("udp", self.port), ("tcp", self.port)]
        if self._tls_port is not None:
            checks.append(("tls", self._tls_port))
        for transport, port in checks:
            left = deadline - time.monotonic()
            code = wait_sip(
                self.host,
                port,
                transport,
                timeout=max(left, 0.1),
                ca_file=self.ca_file,
                alive=lambda: self.running,
            )
            if code != 200:
                state = (
                    f"exited with code {self._proc.poll()}" if self._proc and not self.running else "running"
                )
                raise KamailioError(
                    f"kamailio did not answer OPTIONS over {transport} on {self.host}:{port} within "
                    f"{self.startup_timeout:.0f}s (last status {code}, process {state}).\n"
                    f"--- log tail ({self.log_path}) ---\n{self.log_tail()}"
                )

    def _terminate(self, sig: int, grace: float, wait_ports: bool = True) -> None:
        proc = self._proc
        if proc is None:
            return
        pgid = proc.pid
        _kill_group(proc, sig)
        try:
            proc.wait(timeout=grace if grace > 0 else 5.0)
        except subprocess.TimeoutExpired:
            _kill_group(proc, signal.SIGKILL)
            proc.wait(timeout=10)
        # Worker processes share the group: make sure none survives holding a socket.
        deadline = time.monotonic() + 5.0
        while _group_alive(pgid) and time.monotonic() < deadline:
            _kill_group(proc, signal.SIGKILL)
            time.sleep(0.02)
        self._proc = None
        if self._log_fh is not None:
            self._log_fh.close()
            self._log_fh = None
        if not wait_ports:
            return
        # What restart() needs is the ports back.
        wait_port_free(self.port, self.host, "both", timeout=3.0)
        if self._tls_port is not None:
            wait_port_free(self._tls_port, self.host, "tcp", timeout=3.0)

    def stop(self, timeout: float = 5.0) -> None:
        """Graceful stop: SIGTERM to the whole process group, SIGKILL after ``timeout`` seconds."""
        self._terminate(signal.SIGTERM, grace=timeout)

    def kill(self) -> None:
        """Simulate a crash: SIGKILL every kamailio process at once (registrations are lost)."""
        self._terminate(signal.SIGKILL, grace=0.0)

    def restart(self) -> Self:
        """Stop (if running) and start again on the same ports; the location table starts empty."""
        if self.running:
            self.stop()
        return self.start()

    def close(self) -> None:
        """Stop and delete the temp dirs (the workdir only if we created it and keep_workdir is off)."""
        if self._closed:
            return
        try:
            self.stop()
        finally:
            self._closed = True
            shutil.rmtree(self.rundir, ignore_errors=True)
            if self._own_workdir and not self._keep_workdir:
                shutil.rmtree(self.workdir, ignore_errors=True)
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

    # ------------------------------------------------------------------ logs
    def log_text(self) -> str:
        """Everything Kamailio logged so far (all starts of this instance), decoded leniently."""
        try:
            return self.log_path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the log, for error messages."""
        return "\n".join(self.log_text().splitlines()[-lines:])

    def wait_log(self, pattern: str, timeout: float = 5.0, *, start: int = 0) -> re.Match[str]:
        """Wait until the log (from character ``start``) matches the regex ``pattern``; return the match.

        The config logs ``RDK-...`` lines (RDK-REGISTER-OK user=..., RDK-AUTH-FAIL, RDK-LOOKUP,
        RDK-OPTIONS, RDK-REPLY ...) for exactly this. Use ``start=len(kam.log_text())`` taken before
        the action to ignore older lines.
        """
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.log_text(), start)
            if m:
                return m
            if time.monotonic() >= deadline:
                raise KamailioError(f"log never matched {pattern!r} within {timeout}s.\n{self.log_tail()}")
            time.sleep(0.05)

    # ------------------------------------------------------------------ management
    def rpc(self, method: str, *params: Any, timeout: float = 3.0) -> Any:
        """Call a Kamailio RPC command over the jsonrpcs datagram socket; return its ``result``.

        Raises KamailioError on an RPC error (e.g. ``ul.lookup`` of an unknown AoR gives 404).
        """
        if not self.running:
            raise KamailioError("kamailio is not running")
        request = {"jsonrpc": "2.0", "method": method, "params": list(params), "id": uuid.uuid4().hex[:8]}
        client_path = self.rundir / f"c-{uuid.uuid4().hex[:8]}.sock"
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.bind(str(client_path))
            try:
                s.settimeout(timeout)
                s.sendto(json.dumps(request).encode(), str(self.rundir / "rpc.sock"))
                data = s.recv(1 << 20)
            except OSError as exc:
                raise KamailioError(f"rpc {method} failed: {exc}") from exc
            finally:
                with contextlib.suppress(FileNotFoundError):
                    client_path.unlink()
        reply = json.loads(data.decode("utf-8", "replace"))
        if "error" in reply:
            err = reply["error"]
            raise KamailioError(f"rpc {method}{list(params)}: {err.get('code')} {err.get('message')}")
        return reply.get("result")

    def kamcmd(self, *args: str, timeout: float = 5.0) -> str:
        """Run ``kamcmd`` against this instance's ctl socket (handy when debugging by hand)."""
        proc = subprocess.run(
            ["kamcmd", "-s", f"unix:{self.rundir / 'ctl.sock'}", *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise KamailioError(
                f"kamcmd {' '.join(args)} failed: {proc.stderr.strip() or proc.stdout.strip()}"
            )
        return proc.stdout

    def contacts(self, user: str) -> list[dict[str, Any]]:
        """Registered, unexpired contacts of ``user`` as dicts (``Address``, ``Expires``,
        ``Received``, ``User-Agent``, ``Socket`` ...) from ``ul.lookup``; [] if none."""
        try:
            result = self.rpc("ul.lookup", "location", user)
        except KamailioError as exc:
            if "not found" in str(exc).lower():  # 5.6 answers 500 "AOR not found in location table"
                return []
            raise
        out: list[dict[str, Any]] = []
        for item in (result or {}).get("Contacts", []) or []:
            contact = item.get("Contact", item) if isinstance(item, dict) else None
            if not isinstance(contact, dict):
                continue
            expires = contact.get("Expires")
            if isinstance(expires, int) and expires <= 0 and expires != -1:
                continue
            if expires == "expired":
                continue
            out.append(contact)
        return out

    def contact_uris(self, user: str) -> list[str]:
        """Just the contact URIs of ``user``."""
        return [str(c.get("Address", "")) for c in self.contacts(user)]

    def is_registered(self, user: str) -> bool:
        """True if ``user`` has at least one live contact."""
        return bool(self.contacts(user))

    def registered_users(self) -> set[str]:
        """All AoRs (user parts, use_domain is off) with at least one contact, from ``ul.dump``."""
        result = self.rpc("ul.dump")
        users: set[str] = set()
        for domain in (result or {}).get("Domains", []) or []:
            dom = domain.get("Domain", domain)
            for aor in dom.get("AoRs", []) or []:
                info = aor.get("Info", aor)
                name = info.get("AoR")
                if name and info.get("Contacts"):
                    users.add(str(name))
        return users

    def wait_registered(self, user: str, timeout: float = 5.0, count: int = 1) -> list[dict[str, Any]]:
        """Wait until ``user`` has at least ``count`` contacts; return them."""
        deadline = time.monotonic() + timeout
        while True:
            contacts = self.contacts(user) if self.running else []
            if len(contacts) >= count:
                return contacts
            if time.monotonic() >= deadline:
                raise KamailioError(f"{user} not registered within {timeout}s.\n{self.log_tail()}")
            time.sleep(0.05)

    def wait_unregistered(self, user: str, timeout: float = 5.0) -> None:
        """Wait until ``user`` has no contact left (un-REGISTER or expiry)."""
        deadline = time.monotonic() + timeout
        while self.contacts(user):
            if time.monotonic() >= deadline:
                raise KamailioError(f"{user} still registered after {timeout}s.\n{self.log_tail()}")
            time.sleep(0.05)

    def set_user(self, user: str, password: str) -> None:
        """Add a user or change a password at run time (also kept for restarts)."""
        _quote(password, "password")
        self.users[_check_user(user)] = password
        if self.running:
            self.rpc("htable.sets", "users", user, password)

    def remove_user(self, user: str) -> None:
        """Delete a user at run time: its next REGISTER gets 403."""
        self.users.pop(user, None)
        if self.running:
            self.rpc("htable.delete", "users", user)

    def set_route(self, user: str, target: str) -> None:
        """Route calls for ``user`` to the fixed URI ``target`` (also kept for restarts)."""
        _quote(target, "route target")
        self.routes[_check_user(user)] = target
        if self.running:
            self.rpc("htable.sets", "routes", user, target)

    def options(self, transport: Transport = "udp", timeout: float = 1.0) -> int | None:
        """Send one OPTIONS to the proxy over ``transport``; return the status code (None: no answer)."""
        port = self._tls_port if transport == "tls" else self.port
        if port is None:
            raise KamailioError("TLS is not enabled on this Kamailio")
        return sip_options(self.host, port, transport, timeout=timeout, ca_file=self.ca_file)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        tls = f" tls={self._tls_port}" if self._tls_port else ""
        return f"<Kamailio {self.host}:{self.port}{tls} {state} workdir={self.workdir}>"


def free_kamailio_ports(tls: bool = False, host: str = "127.0.0.1") -> tuple[int, int | None]:
    """Pick (port, tls_port) up front, e.g. to write them into an engine config before starting."""
    if tls:
        port, tls_port = free_ports(2, "both", host)
        return port, tls_port
    return free_port("both", host), None


@atexit.register
def _kill_leftovers() -> None:
    """Last line of defence: no kamailio outlives the test process, even if a test forgot close()."""
    for kam in list(_live):
        with contextlib.suppress(Exception):
            kam.close()
