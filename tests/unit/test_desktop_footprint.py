"""The idle desktop's memory (issue 5: under 120 MB after login) regresses silently: one eager import
of the script linter, or PySide6 left to keep the source of every module in memory, adds tens of MB
without failing anything else. These tests import the desktop in a fresh process and look at what it
holds.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import REPO

NOT_AT_IDLE = (
    # window parts and dialogs built on first use (``ui.lazy``), and what only they need
    "ui.card.contact_page",
    "ui.card.new_contact",
    "ui.card.conflict_dialog",
    "ui.card.editors",
    "ui.card.history_view",
    "ui.card.fold",
    "ui.login_dialog",
    "ui.settings_dialog",
    "html",
    # the script linter and what only it needs: the desktop runs scripts the server already checked
    "app.scripts.lint",
    "app.scripts.checks",
    "app.scripts.schema",
    "app.scripts.loader",
    "app.scripts.cli",
    "jsonschema",
    "referencing",
    "rpds",
    "yaml",
    "difflib",
    # the script runner and its template sandbox: loaded with the first script shown
    "app.scripts.runner",
    "jinja2",
    # httpx's optional command line (when installed, for uvicorn and pytest): see ``ui.boot``
    "click",
    "pygments",
    # the live feeds' WebSocket library (25-110 ms to import): imported off the GUI thread when the
    # operator's own feed first connects (issue 15), not while the window is being built
    "websockets",
    "app.team.feed",
    # the local store runs on sqlite3; SQLAlchemy (~18 MB) and Alembic only when a migration is due
    "sqlalchemy",
    "alembic",
    "app.store.tables",
    "app.store.migrations",
    # a team lead's and an evaluator's parts (issue 15: an operator's idle desktop never needs them):
    # the Team window, the reports, scoring and "My scores" window, and their wire models. The API
    # client's mixins import their models on first use; "My scores" is a menu action until clicked.
    "ui.team.window",
    "ui.team.my_scores",
    "ui.team.score_form",
    "ui.team.scoring",
    "ui.team.reports",
    "app.quality",
    "app.reports",
    "app.team",
    "app.client.report_query",
    "app.wire.quality",
    "app.wire.reports",
    "app.wire.team_tasks",
)

NOT_WITH_THE_TEAM_WINDOW = (
    # opened from the Team window's buttons, imported on the first click: the window is open all shift
    "ui.team.reports.window",
    "ui.team.reports.charts_page",
    "ui.team.reports.chart",
    "app.reports.charts",
    "ui.team.scoring",
    "ui.team.score_form",
    "ui.card.player",
    "app.quality.scoring",
    "app.workstation",
)


NOT_AT_START = (
    # needed after the window is shown, imported then off the GUI thread by the warm-up (``ui.warmup``),
    # not on the cold start's path (issue 15): the phone-number library (the first number checked) and
    # the sync pump's retrying (the first delivery)
    "phonenumbers",
    "tenacity",
)


def _imports(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh offscreen Python; its last stdout line is a JSON object."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    loaded: dict[str, Any] = json.loads(out.splitlines()[-1])
    return loaded


@functools.cache
def _desktop_process() -> dict[str, list[str]]:
    """What ``import ui.main`` loads and keeps the source of (one process for the tests below)."""
    return _imports(
        "import json, linecache, sys\n"
        "import ui.main\n"
        "print(json.dumps({'modules': sorted(sys.modules), 'sources': sorted(linecache.cache)}))\n"
    )


def test_the_desktop_does_not_load_the_linter_schema_validation_yaml_cli_tools_or_orm() -> None:
    loaded = _desktop_process()
    modules = set(loaded["modules"])
    assert {"ui.script_host", "app.store.database"} <= modules  # the imports really happened
    assert sorted(m for m in modules if m in NOT_AT_IDLE or m.split(".")[0] in NOT_AT_IDLE) == []


def test_the_desktop_starts_without_what_only_its_first_number_and_delivery_need() -> None:
    """As ``ringdesk`` loads it (the light wire engine, ``ui.cli``): nothing of ``NOT_AT_START``."""
    code = (
        "import json, sys\n"
        "from app.wire import engine\n"
        "engine.use_light()\n"
        "import ui.start, ui.main\n"
        "print(json.dumps({'modules': sorted(sys.modules)}))\n"
    )
    modules = set(_imports(code)["modules"])
    assert {"app.phones", "app.sync.pump", "ui.warmup"} <= modules  # the imports really happened
    assert sorted(m for m in modules if m.split(".")[0] in NOT_AT_START) == []


def test_a_lead_s_team_window_loads_reports_and_scoring_only_when_opened() -> None:
    """Issue 20: the Team window stays open all shift within the desktop's memory budget. The Reports
    window (charts, drill-downs) and the scoring window (player, form, the workstation's playback)
    are imported by their buttons' first click."""
    code = "import json, sys\nimport ui.team.window\nprint(json.dumps({'modules': sorted(sys.modules)}))\n"
    team = set(_imports(code)["modules"])  # alone, as bench/dashboard_shift.py's client imports it
    assert {"ui.team.dashboard", "ui.team.reports.launcher", "ui.team.scoring_launcher"} <= team
    assert sorted(m for m in team if m in NOT_WITH_THE_TEAM_WINDOW) == []


def test_pyside_keeps_no_module_source_in_memory() -> None:
    """PySide6's import hook reads every module's source through ``linecache`` (see ``ui.boot``)."""
    files = [s for s in _desktop_process()["sources"] if not s.startswith("<")]  # not generated code
    assert files == [], f"the source of {len(files)} files held in memory"  # (PySide6's own, even)


CHECK_EVERY_MODULE = """
import builtins, json, linecache, sys, tokenize
import ui.main
from shibokensupport import feature
from ui import boot
check = feature._mod_uses_pyside
original = check.original
modules = [m for name, m in sorted(sys.modules.items()) if m is not None]
differ = [m.__name__ for m in modules if check(m) != original(m)]
opened = []
real_open, real_tokenize_open = builtins.open, tokenize._builtin_open
def recording(file, *a, **k):
    opened.append(str(file))
    return real_open(file, *a, **k)
builtins.open = tokenize._builtin_open = recording  # (inspect reads through tokenize's own reference)
stdlib = [m for m in modules if boot.is_stdlib(m)]
answers = [check(m) for m in stdlib]
original_opened = len(opened)
linecache.clearcache()  # (the comparison above left what PySide6's own check read in the cache)
[original(m) for m in stdlib[:20]]  # PySide6 own check reads those with a source file
original_opened = len(opened) - original_opened
opened = opened[: len(opened) - original_opened]
builtins.open, tokenize._builtin_open = real_open, real_tokenize_open
print(json.dumps({"differ": differ, "stdlib": len(stdlib), "yes": sum(answers), "opened": opened,
                  "original_opened": original_opened, "pyside": sum(map(check, modules))}))
"""


def test_pyside_s_import_check_gives_its_own_answers_without_reading_the_standard_library() -> None:
    """Issue 15 (the true cold start): PySide6's hook read the source of every module the desktop
    imports (~600 files, through ``inspect`` and ``linecache``) to look for the word "PySide6". The
    standard library never says it: those are answered without reading, the rest by a plain read of the
    file. Every module loaded by the desktop gets the answer PySide6's own check gives."""
    found = _imports(CHECK_EVERY_MODULE)
    assert found["differ"] == []
    assert found["pyside"] > 40  # ui.* and qasync say it: the check really answered yes somewhere
    assert found["stdlib"] > 150 and found["yes"] == 0
    assert found["original_opened"] > 0  # the recording sees PySide6's own check read the sources
    assert found["opened"] == []
