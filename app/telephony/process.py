"""The telephony service's process: its command line and its start.

Kept apart from the supervisor and the wire (which load every command and event class) so the desktop
can start the service before it loads anything else (``ui.head_start``, issue 15: the cold start):
this module needs only the standard library. ``asyncio`` is loaded only to start the service: the
service itself reads its line limit from here (through the wire) and has no event loop, and asyncio
would bring ``ssl`` and 2.8 MB into it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.launch import ringdesk_argv
from app.telephony.config import FALLBACK_SILENT

if TYPE_CHECKING:
    import asyncio

    from app.config import Config

MAX_LINE_BYTES = 1 << 20
"""Longest line accepted: a SIP INVITE can carry big headers, but a megabyte is certainly garbage."""


def service_command() -> list[str]:
    """How to start the telephony service: this program's own ``phone`` sub-command (also from the
    installed bundle, where ``sys.executable`` is ringdesk itself)."""
    return [*ringdesk_argv(), "phone", "--ipc"]


def service_argv(extra: list[str], config: Config | None) -> list[str]:
    """The service's whole command line: the desktop's ``--phone`` options, then the audio settings of
    the configuration (``None``: the demo and tests, which pass everything in ``extra``)."""
    argv = [*service_command(), *extra]
    return with_audio_settings(argv, config) if config is not None else argv


def with_option(argv: list[str], flag: str, value: str) -> list[str]:
    """``argv`` with ``flag value`` replaced (dropped when ``value`` is "")."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == flag:
            skip = True
        else:
            kept.append(arg)
    return [*kept, flag, value] if value else kept


def with_hid_headset(argv: list[str], name: str) -> list[str]:
    """``ringdesk phone``'s arguments choosing the headset ``name`` for its buttons ("" = automatic)."""
    return with_option(argv, "--hid-headset", name)


def with_audio_settings(argv: list[str], config: Config) -> list[str]:
    """``ringdesk phone``'s arguments carrying the audio settings (IT's machine-wide ones included):
    the sound devices, where the sound goes while the headset is unplugged, the headset's buttons.
    Given when the service starts, and kept for its restarts."""
    fallback = str(config["audio.fallback"])
    argv = with_option(argv, "--headset", str(config["audio.headset"]))
    argv = with_option(argv, "--ringer", str(config["audio.ringer"]))
    argv = with_option(argv, "--audio-fallback", "" if fallback == FALLBACK_SILENT else fallback)
    return with_hid_headset(argv, str(config["audio.buttons"]))


async def spawn_service(argv: list[str], stderr_path: Path | None) -> asyncio.subprocess.Process:
    """Start the service with its command pipe (stdin) and event pipe (stdout); its own log goes to
    ``stderr_path`` (appended), or nowhere when ``None``."""
    import asyncio

    stderr = stderr_path.open("ab") if stderr_path else asyncio.subprocess.DEVNULL
    try:
        return await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            limit=MAX_LINE_BYTES + 1024,
        )
    finally:
        if not isinstance(stderr, int):
            stderr.close()


async def stop_unread(proc: asyncio.subprocess.Process) -> None:
    """Kill a service process nothing has read from yet (started ahead, then not wanted) and reap it."""
    import contextlib

    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
