"""``ringdesk demo``: the whole workstation on one machine, with nothing to set up.

It starts the central server on a throw-away SQLite database seeded with users, catalogues, contacts
and call scripts; logs the demo operator in; starts the operator's softphone on loopback; and a
simulated caller (a second telephony service, its own process) rings every few seconds from varied
numbers (known callers in different segments, an unknown one, one whose CRM name is HTML) with the
queue header a PBX adds. Everything on screen comes from real SIP calls and the real server.

``--lead`` is the team lead's demo instead (:mod:`ui.demo_team`): the Team window over a live team
of 40. ``--autopilot`` also plays the operator (answers, walks the script, picks the result), for
screenshots, the end-to-end test, and a hands-off look. ``--console`` runs the terminal demo instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.session.acw import AcwMode, AcwPolicy
from app.session.phase import Phase
from app.status.choice import Choice
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.process import service_command
from app.telephony.supervisor import TelephonyService
from app.wire.statuses import OperatorStatus
from ui.demo_console import free_port
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.qt_loop import run_qt
from ui.theme_names import Theme

DEMO_USER = "operator1"


@dataclass
class DemoServer:
    """The central server on SQLite in ``directory``, seeded, listening on loopback."""

    directory: Path
    password: str = "demo-password"
    team_size: int = 0
    """Extra operators in the lead's team (``--lead``: :mod:`ui.demo_team`)."""
    calls_today: bool = False
    """Seed today's calls so far (``seed-demo --calls-today``): the lead's dashboard has a day behind it."""
    source_key: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    """The simulated PBX's ``X-Source-Key`` (source ``demo-pbx``: ``ui.demo_team.DemoPbx``)."""
    port: int = field(default_factory=lambda: free_port(socket.SOCK_STREAM))
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> str:
        return f"sqlite:///{self.directory / 'server.db'}"

    async def start(self) -> None:
        server = [sys.executable, "-m", "server"]
        seed = await asyncio.create_subprocess_exec(
            *server,
            "seed-demo",
            "--db",
            self.database,
            "--password-stdin",
            *(["--team-size", str(self.team_size)] if self.team_size else []),
            *(["--calls-today"] if self.calls_today else []),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
        )
        await seed.communicate(f"{self.password}\n".encode())
        if seed.returncode != 0:
            raise RuntimeError("seeding the demo database failed")
        self.process = await asyncio.create_subprocess_exec(
            *server,
            "serve",
            "--db",
            self.database,
            "--port",
            str(self.port),
            "--dev",
            "--log-level",
            "warning",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=open(self.directory / "server.log", "wb"),  # noqa: SIM115 - the child owns it
            # the demo's call recordings go with its temporary database, not into the user's data dir
            env={
                **os.environ,
                "RINGDESK_RECORDINGS_DIR": str(self.directory / "server-recordings"),
                "RINGDESK_SOURCE_KEYS": f"demo-pbx:{self.source_key}",
            },
        )
        deadline = time.monotonic() + 30
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.url}/health", timeout=1)).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        raise RuntimeError(f"the demo server did not start: see {self.directory / 'server.log'}")

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


class Caller:
    """The simulated customers: one telephony service that rings the operator whenever they are free."""

    def __init__(self, target: str, pause_s: tuple[float, float] = (2.0, 5.0)) -> None:
        from server.seed_content import DEMO_CALLERS

        self.callers = list(DEMO_CALLERS)
        self.target = target
        self.pause_s = pause_s
        self.port = free_port(socket.SOCK_DGRAM)
        self.events: asyncio.Queue[ev.Event] = asyncio.Queue()
        self.service = TelephonyService(
            [
                *service_command(),
                "--listen",
                f"127.0.0.1:{self.port}",
                "--local-user",
                "customer",
                "--no-audio",
                "--sip-log-level",
                "0",
            ],
            on_event=self.events.put_nowait,
        )
        self.calls_made = 0

    async def run(self, free: Callable[[], bool], rounds: int | None = None) -> None:
        """Call whenever ``free()`` says the operator can take one; talk a while; hang up."""
        await self.service.start()
        index = 0
        while rounds is None or self.calls_made < rounds:
            await asyncio.sleep(random.uniform(*self.pause_s))
            if not free():
                continue
            who = self.callers[index % len(self.callers)]
            index += 1
            identity = f'"{who.display_name}" <sip:{who.number}@pbx.demo>' if who.display_name else None
            headers = [("X-Queue", who.queue)]
            if identity:
                headers.insert(0, ("P-Asserted-Identity", identity))
            else:
                headers.insert(0, ("P-Asserted-Identity", f"<sip:{who.number}@pbx.demo>"))
            result = await self.service.send(cmd.MakeCall(target=self.target, headers=tuple(headers)))
            if not result.ok:
                continue
            self.calls_made += 1
            await self._talk(result.call_id, random.uniform(8.0, 14.0))

    async def _talk(self, call_id: str, seconds: float) -> None:
        """Wait for the answer, talk, hang up (unless the operator did, or rejected the call)."""
        answered_at: float | None = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            timeout = seconds if answered_at is not None else 1.0
            try:
                event = await asyncio.wait_for(self.events.get(), timeout)
            except TimeoutError:
                if answered_at is not None and time.monotonic() - answered_at >= seconds:
                    break
                continue
            if isinstance(event, ev.CallEnded) and event.call_id == call_id:
                return
            if (
                isinstance(event, ev.CallStateChanged)
                and event.call_id == call_id
                and event.state is ev.CallState.ACTIVE
            ):
                answered_at = time.monotonic()
                deadline = answered_at + seconds + 1
        with contextlib.suppress(Exception):
            await self.service.send(cmd.Hangup(call_id=call_id))

    async def stop(self) -> None:
        await self.service.stop()


class Autopilot:
    """Plays the operator through the real widgets: answer, walk the script, choose a result."""

    def __init__(self, desktop: Desktop, shots: Path | None = None, prefix: str = "") -> None:
        self.desktop = desktop
        self.shots = shots
        self.prefix = prefix
        self.taken: set[str] = set()

    def shot(self, name: str) -> None:
        """Save the window as it is now (once per state), for the README and for a person to look at."""
        if self.shots is None or name in self.taken or self.desktop.window is None:
            return
        self.taken.add(name)
        self.shots.mkdir(parents=True, exist_ok=True)
        self.desktop.window.grab().save(str(self.shots / f"{self.prefix}{name}.png"))

    async def run(self) -> None:
        window, ws = self.desktop.window, self.desktop.workstation
        assert window is not None and ws is not None
        while True:
            await asyncio.sleep(1.2)
            phases = {s.phase for s in ws.calls.values()}
            if Phase.RINGING in phases and window.ringing.answer_button.isEnabled():
                await asyncio.sleep(0.8)  # let the card fill in
                self.shot("ringing")
                window.ringing.answer_button.click()
            elif Phase.TALKING in phases:
                panel = self.desktop.scripts.panel if self.desktop.scripts is not None else None
                if panel is not None and len(panel.runner.view().breadcrumb) >= 2:
                    self.shot("in-call")
                if panel is not None and not panel.runner.finished:
                    for entry in panel.inputs:
                        box = getattr(entry, "box", None)
                        if box is not None and box.buttons and not box.checked():
                            box.buttons[0].setChecked(True)
                    panel.go_next()
            elif Phase.ACW in phases and window.disposition.isVisible():
                self.shot("after-call-work")
                if window.disposition.chosen() is None:
                    window.disposition.codes.setCurrentRow(0)
                if window.disposition.problems():
                    window.disposition.comment.setPlainText("demo")
                window.disposition.submit.click()


async def run_demo(args: argparse.Namespace) -> int:
    if getattr(sys, "frozen", False):
        print(
            "ringdesk demo starts the central server from the source tree (make demo); the installed "
            "desktop has the terminal demo: ringdesk demo --console",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="ringdesk-demo-") as tmp:
        directory = Path(tmp)
        server = DemoServer(directory)
        await server.start()
        operator_port = free_port(socket.SOCK_DGRAM)
        caller = Caller(f"sip:operator@127.0.0.1:{operator_port}")
        desktop = Desktop(
            DesktopOptions(
                server_url=server.url,
                user=DEMO_USER,
                password=server.password,
                phone_args=[
                    "--listen",
                    f"127.0.0.1:{operator_port}",
                    "--local-user",
                    "operator",
                    "--sip-log-level",
                    "0",
                    *([] if args.audio else ["--no-audio"]),
                ],
                language=Language(args.language),
                theme=Theme(args.theme),
                database=directory / "desk.db",
                acw=AcwPolicy(AcwMode.TIME_BOXED, timeout_s=120),
            )
        )
        tasks: list[asyncio.Task[None]] = []
        try:
            if not await desktop.start():
                return 1
            ws = desktop.workstation
            assert ws is not None
            ws.set_status(Choice.ready())

            def free() -> bool:
                return ws.status.status is OperatorStatus.READY and not ws.calls

            tasks.append(asyncio.ensure_future(caller.run(free, rounds=args.calls)))
            if args.autopilot:
                prefix = f"{args.language}-{args.theme}-"
                tasks.append(asyncio.ensure_future(Autopilot(desktop, args.shots, prefix).run()))
            closed = asyncio.ensure_future(desktop.closed.wait())
            waiters: list[asyncio.Future[object]] = [closed, tasks[0]]  # type: ignore[list-item]
            if args.seconds:
                waiters.append(asyncio.ensure_future(asyncio.sleep(args.seconds)))
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            if tasks[0].done() and not closed.done():
                await asyncio.sleep(args.linger)  # let the last call's ACW finish
            print(f"demo: {caller.calls_made} calls placed", flush=True)
            return 0
        finally:
            for task in tasks:
                task.cancel()
            await desktop.stop()
            await caller.stop()
            await server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[2:] if argv is None else argv)
    if "--console" in args_list:
        from ui.demo_console import main as console_main

        return console_main([a for a in args_list if a != "--console"])
    parser = argparse.ArgumentParser(prog="ringdesk demo", description=__doc__)
    parser.add_argument("--console", action="store_true", help="the terminal demo (no window)")
    parser.add_argument("--audio", action="store_true", help="play calls on the default sound devices")
    parser.add_argument("--autopilot", action="store_true", help="also play the operator")
    parser.add_argument(
        "--lead", action="store_true", help="log in as the team lead: the Team window with a live team of 40"
    )
    parser.add_argument("--shots", type=Path, help="with --autopilot: save the window of each state here")
    parser.add_argument("--calls", type=int, default=None, help="stop after this many calls")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: when closed)")
    parser.add_argument("--linger", type=float, default=6.0, help=argparse.SUPPRESS)
    parser.add_argument("--language", choices=[x.value for x in Language], default=Language.RU.value)
    parser.add_argument("--theme", choices=[x.value for x in Theme], default=Theme.LIGHT.value)
    args = parser.parse_args(args_list)
    if args.lead:
        from ui.demo_team import run_lead_demo

        return run_qt(lambda: run_lead_demo(args))
    return run_qt(lambda: run_demo(args))
