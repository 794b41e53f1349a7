"""Codes in words (issue 13, defect 11): statuses, reasons, queues, dispositions, zones and dates in the
UI's language, and every refusal the core can raise worded in Russian from its key."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from app.client.errors import ConflictError, LoginRequiredError, RejectedError, TransientError
from app.refused import Refused
from app.session.phase import Phase
from app.status.choice import Choice, Reasons
from app.wire.dispositions import Catalogue, DispositionCategory, DispositionCode, QueueName
from app.wire.statuses import NotReadyReason, OperatorStatus
from tests.support.untranslated import leaks
from ui import labels
from ui.card.glance import queue_label
from ui.i18n import Language, set_language
from ui.refusals import KNOWN_KEYS, error_text, refusal_text, server_error_text

APP = Path(__file__).resolve().parents[2] / "app"

CATALOGUE = Catalogue(
    dispositions=[
        DispositionCode(
            code="sale", label_en="Sale", label_ru="Продажа", category=DispositionCategory.SUCCESS
        )
    ],
    reasons=[NotReadyReason(code="training", label_en="Training", label_ru="Обучение")],
    queues=[QueueName(code="shop", label_en="Online shop", label_ru="Интернет-магазин")],
)


@pytest.fixture
def russian(qapp: QApplication) -> Iterator[None]:
    labels.use_catalogue(CATALOGUE)
    set_language(Language.RU)
    yield
    set_language(Language.EN)
    labels.use_catalogue(Catalogue())


def test_codes_read_as_words_in_russian(russian: None) -> None:
    assert labels.choice_label(OperatorStatus.NOT_READY, "training") == "Обучение"
    assert labels.choice_label(OperatorStatus.ON_CALL) == "Разговор"
    assert labels.choice_label("ready") == "Готов"
    assert queue_label("shop") == "Интернет-магазин"
    assert labels.disposition_label("sale") == "Продажа"
    winter = datetime(2026, 12, 6, 12, tzinfo=UTC)
    assert labels.zone_label("Asia/Yekaterinburg", winter) == "Екатеринбург (UTC+5)"
    assert labels.zone_label("Asia/Kolkata", winter) == "UTC+5:30"  # no city name here: the offset
    assert labels.format_date(date(2026, 12, 6)) == "06.12.2026"
    assert labels.format_date("2026-12-06") == "06.12.2026"
    assert labels.date_pattern() == "ДД.ММ.ГГГГ"
    assert labels.parse_date("06.12.2026") == labels.parse_date("2026-12-06") == "2026-12-06"
    assert labels.parse_date("6 декабря") is None


def test_the_same_codes_in_english(qapp: QApplication) -> None:
    labels.use_catalogue(CATALOGUE)
    try:
        assert labels.choice_label(OperatorStatus.NOT_READY, "training") == "Training"
        assert queue_label("shop") == "Online shop"
        assert labels.zone_label("Asia/Yekaterinburg", datetime(2026, 12, 6, tzinfo=UTC)) == (
            "Yekaterinburg (UTC+5)"
        )
        assert labels.format_date(date(2026, 12, 6)) == "2026-12-06"
    finally:
        labels.use_catalogue(Catalogue())


def _keys_raised_in_app() -> set[str]:
    """Every refusal key the core can raise: ``key=`` (or, without one, ``code=``) of each
    ``Refused(...)``, every string a conditional key can take."""
    keys: set[str] = set()
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not any(isinstance(n, ast.ImportFrom) and n.module == "app.refused" for n in ast.walk(tree)):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Refused":
                named = {k.arg: k.value for k in node.keywords}
                value = named.get("key", named.get("code"))
                assert value is not None, f"{path}:{node.lineno}: a Refused without a key"
                keys |= {c.value for c in ast.walk(value) if isinstance(c, ast.Constant)}
    return keys


def test_every_refusal_the_core_raises_has_a_sentence() -> None:
    raised = _keys_raised_in_app()
    assert len(raised) > 30
    assert raised <= KNOWN_KEYS, f"add to ui/refusals.py: {sorted(raised - KNOWN_KEYS)}"


def test_core_refusals_read_in_russian_with_their_parameters(russian: None) -> None:
    reasons = Reasons(CATALOGUE.reasons)
    held = Refused("cannot hold", code="phase", key="wrong_phase", what="put on hold", phase=Phase.HELD)
    assert refusal_text(held) == "Нельзя поставить звонок на удержание: состояние звонка — «на удержании»"
    with pytest.raises(Refused) as caught:
        reasons.check(Choice(OperatorStatus.ON_CALL))
    assert refusal_text(caught.value) == "Статус «Разговор» ставится телефоном, его нельзя выбрать"
    for key in KNOWN_KEYS:
        text = refusal_text(
            Refused("english", code=key, what="answer", status="not_ready", reason="training")
        )
        assert text != "english" and not leaks(text), (key, text)


def test_an_unknown_key_falls_back_to_the_english_sentence(russian: None) -> None:
    assert refusal_text(Refused("a brand-new refusal", key="brand_new")) == "a brand-new refusal"


def test_server_errors_are_worded_by_kind_without_the_server_s_english(russian: None) -> None:
    texts = [
        server_error_text(TransientError("server answered 503: busy", 503)),
        server_error_text(LoginRequiredError("refresh token reused")),
        server_error_text(ConflictError("version 3 is not current", None)),
        server_error_text(RejectedError("this needs the role team_lead", 403)),
        server_error_text(RejectedError("body.reason: unknown", 422)),
        error_text(Refused("there is no call to answer", code="no_call", what="answer")),
    ]
    assert texts[0] == "Сервер сейчас недоступен: попробуем ещё раз"
    assert texts[3] == "Недоступно для вашей роли"
    assert texts[5] == "Нет звонка, чтобы ответить"
    assert all(text and not leaks(text) for text in texts), texts


def test_card_dates_and_zones_read_in_russian_and_stay_iso_and_iana(russian: None) -> None:
    from ui.card.contact_fields import CORE_FIELDS
    from ui.card.editors import make_editor

    birthday = make_editor(next(s for s in CORE_FIELDS if s.path == "birthday"))
    birthday.set_value("1988-04-12")
    line = birthday.widget
    assert isinstance(line, QLineEdit)
    assert line.text() == "12.04.1988" and line.placeholderText() == "ДД.ММ.ГГГГ"
    line.setText("13.04.1988")
    assert birthday.value() == "1988-04-13"
    set_language(Language.EN)
    birthday.retranslate()  # what the card does for its editors on a language switch
    assert line.text() == "1988-04-13"
    set_language(Language.RU)

    zone = make_editor(next(s for s in CORE_FIELDS if s.path == "time_zone"))
    zone.set_value("Asia/Novosibirsk")
    combo = zone.widget
    assert isinstance(combo, QComboBox)
    assert combo.currentText().startswith("Новосибирск (UTC+7")
    assert zone.value() == "Asia/Novosibirsk"
    zone.set_value("Asia/Kolkata")  # not offered: added, by its offset
    assert combo.currentText() == "UTC+5:30" and zone.value() == "Asia/Kolkata"


def test_a_plain_api_error_is_worded_by_its_status(russian: None) -> None:
    from app.client.errors import ApiError

    assert server_error_text(ApiError("phone already belongs to contact 7", 409)) == (
        "Это противоречит другой записи на сервере"
    )
    assert server_error_text(ApiError("not yours", 403)) == "Недоступно для вашей роли"
    assert error_text(ApiError("body.phones: bad", 422)) == "Сервер отклонил запрос"


def test_labels_follow_a_catalogue_fetched_again(qapp: QApplication) -> None:
    current = [Catalogue()]
    labels.use_catalogue(lambda: current[0])
    try:
        assert labels.reason_label("training") == "training"  # not (yet) in the catalogue: as it is
        current[0] = CATALOGUE
        assert labels.reason_label("training") == "Training"
    finally:
        labels.use_catalogue(Catalogue())
