"""``ringdesk script play``: non-interactive with answers (JSON out), interactive in a terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.scripts.cli import interactive
from tests.conftest import REPO
from tests.scripts.support import ask, branch, doc, end, field, options, runner

SAMPLES = REPO / "resources" / "scripts"


def write(tmp_path: Path, name: str, value: object) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False))
    return path


def test_play_with_answers_prints_path_texts_and_outcome(tmp_path: Path) -> None:
    contact = write(tmp_path, "c.json", {"name": "<b>Иван</b>", "phones": ["+74951234567"]})
    answers = write(tmp_path, "a.json", {"speaks_russian": "да", "request_nature": "new_order"})
    out = subprocess.run(
        [sys.executable, "-m", "ui.cli", "script", "play", str(SAMPLES / "request-nature.ru.yaml"),
         "--contact", str(contact), "--answers", str(answers), "--now", "2025-03-01T20:00:00+03:00",
         "--operator", "Анна"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    report = json.loads(out.stdout)
    assert report["path"] == [
        "greeting",
        "understood",
        "language_check",
        "nature",
        "route",
        "new_order",
        "end_new_order",
    ]
    assert report["steps"][0]["text"].startswith(
        "Добрый вечер! Интернет-магазин «Линза», меня зовут Анна.\n<b>Иван</b>"
    )
    assert (report["outcome"], report["disposition"]) == ("new_order", "new_order")
    assert report["answers"] == {"speaks_russian": True, "request_nature": "new_order"}


def test_play_reports_an_answer_that_does_not_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.scripts.cli import main

    contact = write(tmp_path, "c.json", {"name": "Ivan"})
    answers = write(tmp_path, "a.json", {"speaks_language": "perhaps"})
    code = main(
        [
            "play",
            str(SAMPLES / "request-nature.en.yaml"),
            "--contact",
            str(contact),
            "--answers",
            str(answers),
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["outcome"] is None
    assert report["problem"] == "speaks_language: expected yes or no"


def test_play_stops_an_endless_loop_of_fixed_answers(tmp_path: Path) -> None:
    from app.scripts.cli import replay

    data = doc(
        ask("q", field("n", "number"), next="b"), branch("b", ("answers.n > 3", "end"), default="q"), end()
    )
    report, code = replay(runner(data), {"n": "1"})
    assert code == 1 and "loop" in report["problem"]


def test_interactive_walk_through() -> None:
    data = doc(
        ask("q", field("c", "single", options=options("a", "b"), required=True), next="r"),
        ask("r", field("m", "multi", options=options("x", "y", "z"))),
        end(),
    )
    typed: Iterator[str] = iter(["9", "2", "<", "1", "1,3"])
    lines: list[str] = []
    assert interactive(runner(data), lambda _prompt: next(typed), lines.append) == 0
    assert any("not one of the choices" in line for line in lines)
    result = json.loads("\n".join(lines[lines.index("\n== end ==") + 1 :]))
    assert result == {"outcome": "end", "disposition": "sale", "answers": {"c": "a", "m": ["x", "z"]}}
