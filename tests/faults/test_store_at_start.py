"""Issue 14, item 2: a local store that is unusable, damaged or emptied when the desktop starts.

Before: a read-only, half-truncated or overwritten store ended the desktop with a traceback on stderr,
and a store truncated to 0 bytes was silently replaced by an empty one, its pending records gone
without a word. Now the unusable store is a dialog (and the log) naming the file; a damaged one is
moved aside unchanged, its readable pending records copied into the new store under their keys, and
what cannot be read is counted; an emptied one is noticed from the sidecar and said.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.store.faults import StoreFault
from app.store.opening import ProblemKind, StoreUnusable, open_checked
from app.sync.service import SyncService
from app.wire.statuses import OperatorStatus, StatusChangeIn, StatusSource
from tests.e2e.conftest import PASSWORD, until
from tests.server.live import LiveServer
from tests.sync.conftest import MemoryKeyring
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions


def store_with_pending(path: Path, count: int = 2) -> None:
    """A store as a desktop leaves it: ``count`` status changes saved and not yet sent."""
    sync = SyncService.open("http://127.0.0.1:9", account="operator1", database=path)
    for n in range(count):
        sync.outbox.add_status_change(
            StatusChangeIn(
                operator="operator1",
                status=OperatorStatus.READY if n % 2 == 0 else OperatorStatus.ACW,
                at=datetime(2026, 12, 1, 9, n, tzinfo=UTC),
                source=StatusSource.OPERATOR if n % 2 == 0 else StatusSource.SYSTEM,
            )
        )
    asyncio.run(sync.close())


def pending_keys(path: Path) -> list[str]:
    sync = SyncService.open("http://127.0.0.1:9", account="operator1", database=path)
    keys = [item.key for item in sync.outbox.pending()]
    asyncio.run(sync.close())
    return [str(k) for k in keys]


def test_a_store_overwritten_with_garbage_is_moved_aside_and_its_records_named(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    store_with_pending(path)
    garbage = b"this is not a database, an antivirus wrote it" * 100
    path.write_bytes(garbage)
    opened = open_checked(path)
    opened.store.close()
    [problem] = opened.problems
    assert problem.kind is ProblemKind.DAMAGED
    assert problem.moved_to is not None and problem.moved_to.name.startswith("desk.db.damaged-")
    assert problem.moved_to.read_bytes() == garbage  # kept as found, never overwritten
    assert (problem.recovered, problem.unreadable) == (0, 2)  # named: two pending could not be read


def test_a_half_truncated_store_is_moved_aside_and_what_is_readable_recovered(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    store_with_pending(path, count=40)
    before = pending_keys(path)
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.truncate(size // 2)
    opened = open_checked(path)
    opened.store.close()
    [problem] = opened.problems
    assert problem.kind is ProblemKind.DAMAGED and problem.moved_to is not None
    assert problem.moved_to.stat().st_size == size // 2
    assert problem.recovered + problem.unreadable == 40
    recovered = pending_keys(path)
    assert len(recovered) == problem.recovered
    assert set(recovered) <= set(before)  # the same records, under the same keys (replays)


def test_a_store_truncated_to_zero_bytes_is_noticed_and_its_lost_records_counted(tmp_path: Path) -> None:
    path = tmp_path / "desk.db"
    store_with_pending(path, count=3)
    with path.open("r+b") as file:
        file.truncate(0)
    opened = open_checked(path)
    opened.store.close()
    [problem] = opened.problems
    assert (problem.kind, problem.unreadable) == (ProblemKind.LOST, 3)
    assert problem.moved_to is not None and problem.moved_to.stat().st_size == 0
    again = open_checked(path)  # said once: the sidecar follows the new store
    again.store.close()
    assert again.problems == []


@pytest.fixture
def read_only_store(tmp_path: Path) -> Iterator[Path]:
    """A store on a real filesystem mounted read-only after the desktop last wrote it."""
    mount = tmp_path / "ro"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=False)
    if done.returncode != 0:
        pytest.skip("a tmpfs cannot be mounted here (root and CAP_SYS_ADMIN needed)")
    try:
        store_with_pending(mount / "desk.db")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount / "desk.db"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_store_is_refused_with_its_path(read_only_store: Path) -> None:
    with pytest.raises(StoreUnusable) as refused:
        open_checked(read_only_store)
    assert refused.value.fault is StoreFault.READ_ONLY
    assert str(read_only_store) in str(refused.value)


def test_the_desktop_says_why_it_cannot_start_in_a_dialog(
    loop: asyncio.AbstractEventLoop, read_only_store: Path
) -> None:
    desktop = Desktop(
        DesktopOptions(
            server_url="http://127.0.0.1:9", user="operator1", database=read_only_store, language=Language.EN
        )
    )
    shown: list[str] = []

    async def operator_reads_and_closes() -> None:
        def box() -> QMessageBox | None:
            return next(
                (w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()),
                None,
            )

        await until(lambda: box() is not None)
        dialog = box()
        assert dialog is not None
        shown.append(dialog.text())
        dialog.accept()

    async def scenario() -> bool:
        reader = asyncio.ensure_future(operator_reads_and_closes())
        try:
            return await desktop.start()
        finally:
            await reader
            await desktop.stop()

    assert loop.run_until_complete(scenario()) is False
    [text] = shown
    assert "read-only" in text and str(read_only_store) in text


def test_the_desktop_starts_on_a_damaged_store_and_says_what_it_did(
    server: LiveServer, loop: asyncio.AbstractEventLoop, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    path = tmp_path / "desk.db"
    store_with_pending(path)
    path.write_bytes(b"\x00garbage" * 512)
    desktop = Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="operator1",
            password=PASSWORD,
            phone_args=["--listen", "127.0.0.1:0", "--local-user", "operator", "--no-audio"],
            language=Language.EN,
            database=path,
        )
    )

    async def scenario() -> None:
        try:
            assert await desktop.start()
            dialog = desktop.store_dialog
            assert dialog is not None and dialog.isVisible()
            assert "was damaged" in dialog.text() and "desk.db.damaged-" in dialog.text()
            assert "2 record(s) could not be read" in dialog.text()
        finally:
            await desktop.stop()

    loop.run_until_complete(scenario())
