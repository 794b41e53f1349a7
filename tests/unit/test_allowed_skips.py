"""CI fails on a skip nobody listed: the policy of ``tests/conftest.py`` and ``tests/allowed_skips.txt``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ALLOWED_SKIPS, REPO, allowed_skips, unexpected_skips


def test_a_listed_skip_is_expected_and_another_is_not() -> None:
    allowed = [("tests/server/test_workers.py::*[[]sqlite[]]", "PostgreSQL only")]
    skipped = {
        "tests/server/test_workers.py::test_x[sqlite]": "needs PostgreSQL",
        "tests/e2e/test_workstation.py::test_y": "sipp is not installed",
    }
    assert unexpected_skips(skipped, allowed) == {
        "tests/e2e/test_workstation.py::test_y": "sipp is not installed"
    }


def test_every_allowed_skip_has_a_reason_and_names_a_test_file_that_exists() -> None:
    entries = allowed_skips()
    assert entries
    for pattern, why in entries:
        assert len(why) > 20, pattern
        assert (REPO / pattern.split("::", 1)[0]).is_file(), pattern


def _run(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\ndef test_skipped():\n    pytest.skip('a tool is missing')\n\n"
        "@pytest.mark.xfail(strict=True, reason='a known defect')\ndef test_xfail():\n    assert False\n\n"
        "def test_passes():\n    pass\n"
    )
    (tmp_path / "test_module.py").write_text("import pytest\n\npytest.importorskip('no_such_module_here')\n")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "RINGDESK_STRICT_SKIPS")}
    if ci:
        env["CI"] = "true"
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "tests.conftest",
            "-p",
            "no:cacheprovider",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_under_ci_an_unlisted_skip_fails_the_run(tmp_path: Path) -> None:
    done = _run(tmp_path, ci=True)
    assert done.returncode == 1, done.stdout
    assert "skips not in tests/allowed_skips.txt" in done.stdout
    assert "test_sample.py::test_skipped: a tool is missing" in done.stdout
    assert "test_module.py: could not import 'no_such_module_here'" in done.stdout
    assert "test_xfail" not in done.stdout.split("skips not in")[1]  # an xfail is not a skip


def test_outside_ci_an_unlisted_skip_is_reported_only(tmp_path: Path) -> None:
    done = _run(tmp_path, ci=False)
    assert done.returncode == 0, done.stdout
    assert "test_sample.py::test_skipped: a tool is missing" in done.stdout
    assert ALLOWED_SKIPS.name in done.stdout
