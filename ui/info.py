"""``ringdesk --version``, ``--show-config`` and ``--self-test``: what IT asks a workstation first.

Kept out of :mod:`ui.cli` so the command dispatcher stays a thin table; loads neither Qt nor pjsua2, so
the first two answer instantly even on a PC whose display or sound is broken.
"""

from __future__ import annotations

import sys
from pathlib import Path

import app
from app.config import load_config


def main(option: str) -> int:
    if option == "--self-test":
        return self_test()
    if option == "--version":
        print(f"ringdesk {app.__version__}")
        return 0
    config = load_config()
    print(config.format_table())
    for problem in config.problems:
        print(f"{'error' if problem in config.errors else 'warning'}: {problem}", file=sys.stderr)
    return 1 if config.errors else 0  # a refused policy is an error IT's scripts must notice


def self_test() -> int:
    """``ringdesk --self-test``: prove an install works without a user: Qt, the icon, the SIP stack, the
    local database (its migrations run from the install) and which OS keyring secrets go to.

    IT runs it after deployment and the installer tests run it from the installed bundle; it prints
    one line per check and exits non-zero if any failed. Qt uses the offscreen platform unless a
    display is configured, so it also works over SSH.
    """
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    failures = 0
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QLabel

    qapp = QApplication.instance() or QApplication(["ringdesk"])
    label = QLabel("ringdesk")
    label.show()
    icon_path = resources_dir() / "icons" / "ringdesk.svg"
    pixmap = QIcon(str(icon_path)).pixmap(64, 64)
    ok = not pixmap.isNull()
    failures += not ok
    print(f"qt: {qVersion()} platform={QApplication.platformName()} icon={'ok' if ok else 'MISSING'}")
    label.close()
    del qapp
    try:
        import pjsua2

        endpoint = pjsua2.Endpoint()
        endpoint.libCreate()
        print(f"sip: pjsua2 {endpoint.libVersion().full}")
        endpoint.libDestroy()
    except Exception as exc:  # report every failure, then exit non-zero
        failures += 1
        print(f"sip: FAILED {exc}")
    failures += _check_store()
    _check_keyring()
    print(f"resources: {Path(resources_dir())}")
    return 1 if failures else 0


def _check_store() -> int:
    """Create a local database the way the desktop does at its first start (the migrations run from
    the install) in a throw-away folder; 1 if that fails."""
    import sqlite3
    import tempfile

    try:
        from app.store.database import HEAD_REVISION, open_store

        with tempfile.TemporaryDirectory() as folder:
            store = open_store(Path(folder) / "self-test.db")
            try:
                with store.transaction() as db:
                    db.execute("SELECT count(*) FROM outbox").fetchone()
            finally:
                store.close()
    except Exception as exc:  # report every failure, then exit non-zero
        print(f"store: FAILED {type(exc).__name__}: {exc}")
        return 1
    print(f"store: sqlite {sqlite3.sqlite_version} schema {HEAD_REVISION} ok")
    return 0


def _check_keyring() -> None:
    """Which OS keyring the secrets would go to. Not a failure when there is none (over SSH, in a
    container): the desktop then keeps secrets in memory for the session and tells the operator."""
    try:
        from app.credentials import SecretStore

        store = SecretStore()
    except Exception as exc:
        print(f"keyring: not usable ({type(exc).__name__})")
        return
    if store.problem:
        print(f"keyring: not usable ({store.problem})")
    else:
        print(f"keyring: {store.backend_name} ok")


def resources_dir() -> Path:
    """``resources/`` beside the code in a checkout, or inside the bundle when frozen."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) / "resources" if base else Path(__file__).resolve().parents[1] / "resources"
