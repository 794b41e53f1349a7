"""Every string of the UI has a Russian translation, the compiled ``.qm`` matches the ``.ts``, and the
widgets switch language while open."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from pytestqt.qtbot import QtBot

from tools import translations
from ui.actions import ActionId
from ui.i18n import Language, set_language
from ui.main_window import MainWindow
from ui.ringing_panel import RingingCall


def _translation(message: ET.Element) -> str:
    """The translated text; a plural message counts only when every Russian form is filled in."""
    element = message.find("translation")
    if element is None:
        return ""
    forms = [form.text or "" for form in element.iter("numerusform")]
    if forms:
        return "|".join(forms) if len(forms) == 3 and all(f.strip() for f in forms) else ""
    return element.text or ""


def _messages(ts: Path) -> dict[tuple[str, str], str]:
    root = ET.parse(ts).getroot()
    return {
        (context.findtext("name", ""), message.findtext("source", "")): _translation(message)
        for context in root.iter("context")
        for message in context.iter("message")
    }


def test_every_string_in_ui_has_a_russian_translation(tmp_path: Path) -> None:
    fresh = tmp_path / "ringdesk_ru.ts"
    shutil.copy(translations.TS, fresh)
    translations.update(fresh)  # what lupdate finds in ui/ now, with the committed translations kept
    found = _messages(fresh)
    untranslated = sorted(key for key, text in found.items() if not text.strip())
    assert not untranslated, f"run tools/translations.py and translate: {untranslated}"
    assert found.keys() == _messages(translations.TS).keys(), "run tools/translations.py: the .ts is stale"


def test_committed_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    qm = tmp_path / "ringdesk_ru.qm"
    translations.release(translations.TS, qm)
    assert qm.read_bytes() == translations.QM.read_bytes(), "run tools/translations.py to recompile"


def test_switching_language_retranslates_open_widgets(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.ringing.show_ringing(RingingCall("+79131234567", "Иванов", queue="sales"))
    assert window.ringing.heading.text() == "Incoming call"
    set_language(Language.RU)
    assert window.ringing.heading.text() == "Входящий звонок"
    assert window.ringing.queue.text() == "Очередь: Продажи"
    assert window.menus[0].title() == "&Звонок"
    assert window.action_collection[ActionId.ANSWER].text() == "&Ответить"
    assert window.card.empty.text().startswith("Звонка нет")
    set_language(Language.EN)
    assert window.ringing.heading.text() == "Incoming call"
