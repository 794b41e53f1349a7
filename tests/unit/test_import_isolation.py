"""The core must stay free of Qt and of the SIP stack: the server and tests load it without either."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return set(out.split())


def test_importing_the_core_loads_neither_qt_nor_pjsua2() -> None:
    loaded = _modules_after(
        "import app, app.telephony.wire, app.telephony.supervisor, app.telephony.config, app.telephony.events"
    )
    assert "app.telephony.wire" in loaded  # the import really happened
    assert not {m for m in loaded if m.split(".")[0] in ("PySide6", "pjsua2", "shiboken6", "sip", "ui")}


def test_phone_command_line_loads_no_qt() -> None:
    loaded = _modules_after("import ui.cli, sip.cli")
    assert "sip.cli" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("PySide6", "shiboken6", "pjsua2")}


def test_the_telephony_service_loads_neither_pydantic_nor_phonenumbers() -> None:
    """Issue 15: pydantic's adapters for the wire were ~17 MB of the idle service and 0.2-0.5 s of its
    start; the phone-number library came in with the supervision modes. The service needs neither."""
    loaded = _modules_after("import ui.cli, sip.cli, sip.service, sip.engine")
    assert "sip.service" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in ("pydantic", "pydantic_core", "phonenumbers")) == []


def test_the_telephony_service_loads_no_event_loop_nor_ssl() -> None:
    """The service is thread-based; ``asyncio`` would bring ``ssl`` and OpenSSL's libraries into it
    (2.8 MB of its idle RSS, measured when ``app.telephony.process`` imported asyncio at the top)."""
    loaded = _modules_after("import ui.cli, sip.cli, sip.service, sip.engine")
    assert "sip.service" in loaded and "app.telephony.process" in loaded
    assert sorted(m for m in loaded if m.split(".")[0] in ("asyncio", "ssl", "_ssl")) == []
