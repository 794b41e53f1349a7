"""The server never imports the desktop (``ui``, Qt) or the SIP stack (``sip``, pjsua2)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_server_loads_neither_ui_nor_sip() -> None:
    code = (
        "import server.api.main, server.cli, server.seed, server.migrate, server.models\n"
        "import sys; print('\\n'.join(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    loaded = set(out.split())
    assert "server.api.main" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("ui", "sip", "PySide6", "shiboken6", "pjsua2")}


def test_cli_help_and_config_errors_stay_light() -> None:
    """``--help`` and settings errors must not pay for importing FastAPI/SQLAlchemy."""
    code = "import server.cli, sys; print('\\n'.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    loaded = {m.split(".")[0] for m in out.split()}
    assert not loaded & {"fastapi", "uvicorn", "sqlalchemy", "alembic"}
