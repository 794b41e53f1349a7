"""The workstation core loads neither Qt nor the SIP stack: the UI renders it, the phone runs elsewhere."""

from __future__ import annotations

from tests.unit.test_import_isolation import _modules_after


def test_workstation_core_loads_neither_qt_nor_pjsua2() -> None:
    loaded = _modules_after("import app.workstation, app.session, app.status, app.clock")
    assert "app.workstation.coordinator" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("PySide6", "pjsua2", "shiboken6", "sip", "ui")}
