"""Kannel as the tests' SMS gateway: ``bearerbox`` with a fake SMSC, the ``fakesmsc`` test client
(Debian's ``kannel-extras``) connected to it as the operator's side, and ``smsbox`` whose
``/cgi-bin/sendsms`` ringdesk posts to. ``messages()`` is what the fake SMSC received (its log's
"Got message" lines, UCS-2 decoded); delivery reports go to the ``dlr-url`` ringdesk gave.

Each process starts under ``setpriv --pdeathsig TERM`` in its own session, so it dies with the test.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from tests.support.ports import free_port

FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
USER, PASSWORD, SENDER = "ringdesk", "sms-Pa55", "RINGDESK"
_GOT = re.compile(r"Got message \d+: <(\S+) (\S+) (\S+) (.*)>$")


def kannel_available() -> bool:
    return bool(shutil.which("bearerbox") and shutil.which("smsbox") and FAKESMSC.exists())


@dataclass(frozen=True)
class Sms:
    sender: str
    to: str
    text: str


def _decode(kind: str, data: str) -> str:
    raw = urllib.parse.unquote_to_bytes(data.replace("+", "%20"))  # form encoding: "+" is a space
    return raw.decode("utf-16-be") if kind == "ucs-2" else raw.decode("latin-1")


class Kannel:
    """``inbound_url``: where smsbox's ``sms-service`` sends the clients' messages (ringdesk's
    ``/messaging/inbound/kannel?key=...``); ``send_mo`` makes the fake operator deliver one."""

    def __init__(self, directory: Path, *, inbound_url: str | None = None) -> None:
        self.dir = directory
        self.admin, self.box, self.smsc, self.sendsms, self.mo = (free_port("tcp") for _ in range(5))
        self.inbound_url = inbound_url
        self._mo_count = 0
        self._mo_proc: subprocess.Popen[bytes] | None = None
        self.procs: list[subprocess.Popen[bytes]] = []
        self.conf = directory / "kannel.conf"
        self.fake_log = directory / "fakesmsc.log"

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms}/cgi-bin/sendsms"

    def settings(self) -> dict[str, Any]:
        return {
            "sms_provider": "kannel",
            "kannel_sendsms_url": self.sendsms_url,
            "kannel_user": USER,
            "kannel_password": PASSWORD,
            "sms_sender": SENDER,
        }

    def _write_conf(self) -> None:
        self.conf.write_text(
            f"""group = core
admin-port = {self.admin}
admin-password = admin-Pa55
smsbox-port = {self.box}
box-allow-ip = 127.0.0.1
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {self.smsc}
connect-allow-ip = 127.0.0.1

group = smsc
smsc = fake
smsc-id = mo
allowed-smsc-id = mo
port = {self.mo}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.box}
sendsms-port = {self.sendsms}
http-request-retry = 30
http-queue-delay = 1
log-level = 1

group = sendsms-user
username = {USER}
password = {PASSWORD}
max-messages = 3
concatenation = true

group = sms-service
keyword = default
catch-all = true
max-messages = 0
{self._service()}
""",
            encoding="utf-8",
        )

    def _service(self) -> str:
        """What the service does with a client's SMS: hand it to ringdesk (the get-url of
        docs/integrations.md), or nothing."""
        if self.inbound_url is None:
            return 'text = "ok"'
        return f'get-url = "{self.inbound_url}&from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I"'

    def send_mo(self, sender: str, text: str, to: str = SENDER) -> None:
        """The client ``sender`` texts ``text`` to ``to``: a ``fakesmsc`` on the MO SMSC (the one MT
        messages are never routed to) sends it as UCS-2. It stays connected until the next one (the
        fake SMSC serves one client at a time; closing at once could reset the connection before
        bearerbox read the message)."""
        self._end_mo()
        data = urllib.parse.quote_from_bytes(text.encode("utf-16-be"), safe="")
        self._mo_count += 1
        log = self.dir / f"mo-{self._mo_count}.log"
        self._spawn(
            [str(FAKESMSC), "-H", "127.0.0.1", "-r", str(self.mo), "-m", "1", f"{sender} {to} ucs2 {data}"],
            log,
        )
        self._mo_proc = self.procs[-1]
        self._wait(
            "the MO message", lambda: "sent message 1" in log.read_text(encoding="utf-8", errors="replace")
        )

    def _end_mo(self) -> None:
        proc, self._mo_proc = self._mo_proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=5)
        self.procs.remove(proc)

    def _spawn(self, args: list[str], log: Path) -> None:
        setpriv = shutil.which("setpriv")
        prefix = [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []
        with log.open("ab") as out:
            self.procs.append(
                subprocess.Popen(
                    [*prefix, *args],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=self.dir,
                    start_new_session=True,
                )
            )

    def _wait(self, what: str, ready: Any, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            for proc in self.procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"a Kannel process exited ({proc.args!r}): see {self.dir}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kannel: {what} not ready within {timeout}s: see {self.dir}")
            time.sleep(0.05)

    def _status(self) -> str:
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(f"http://127.0.0.1:{self.admin}/status.txt", timeout=1).text
        return ""

    def start(self) -> Self:
        self._write_conf()
        self._spawn(["bearerbox", str(self.conf)], self.dir / "bearerbox.log")
        self._wait("bearerbox", lambda: "Status:" in self._status())
        self._spawn(
            [str(FAKESMSC), "-H", "127.0.0.1", "-r", str(self.smsc), "-m", "0", "0 0 text x"], self.fake_log
        )
        self._wait("the fake SMSC", lambda: "fake" in self._status() and "online" in self._status())
        self._spawn(["smsbox", str(self.conf)], self.dir / "smsbox.log")

        def sendsms_up() -> bool:
            with contextlib.suppress(httpx.HTTPError):
                return httpx.get(self.sendsms_url, timeout=1).status_code in (400, 403, 202)
            return False

        self._wait("smsbox", sendsms_up)
        return self

    def messages(self) -> list[Sms]:
        try:
            lines = self.fake_log.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        found: list[Sms] = []
        for line in lines:
            match = _GOT.search(line)
            if match:
                sender, to, kind, data = match.groups()
                found.append(Sms(sender, to, _decode(kind, data)))
        return found

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Sms]:
        deadline = time.monotonic() + timeout
        while len(got := self.messages()) < count:
            assert time.monotonic() < deadline, f"the fake SMSC got {len(got)} of {count} messages"
            time.sleep(0.02)
        return got

    def stop(self) -> None:
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        self.procs.clear()

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
