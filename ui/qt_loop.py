"""The desktop's one event loop: qasync's, over a QApplication.

Apart from ``ui.main`` so a process can start its loop before it loads the desktop (``ui.start``:
the telephony service and the keyring helper are started first, issue 15's cold start); it needs
only PySide6's widgets module and qasync.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from PySide6.QtWidgets import QApplication

from ui import gui_gc

PROBE_ENV = "RINGDESK_PROBE"
"""Set by the journey tests: the running desktop answers their queries (``ui.probe``)."""


def run_qt(main: Callable[[], object]) -> int:
    """Run ``main`` (a coroutine function) on a qasync loop in a fresh QApplication."""
    import qasync

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("ringdesk")
    app.setQuitOnLastWindowClosed(False)
    gui_gc.install(app)  # Qt objects are freed on the GUI thread only (ui/gui_gc.py says why)
    if os.environ.get(PROBE_ENV):  # the journey tests read the screen back (ui/probe.py)
        from ui.probe import install_probe

        install_probe(app)
    result: int = qasync.run(main())
    return result
