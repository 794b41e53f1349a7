"""The wire format: strict (unknown fields, oversized strings, naive times refused) and lossless in JSON."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from app.wire.auth import LoginIn, LogoutIn, RefreshIn, Role, TokenPair, UserOut
from app.wire.contacts import (
    Consent,
    ContactHistory,
    ContactIn,
    ContactOut,
    ContactPatch,
    FieldSchema,
    HistoryCall,
    check_custom_fields,
)
from app.wire.dispositions import (
    Catalogue,
    DispositionCode,
    DispositionIn,
    DispositionOut,
    check_disposition,
)
from app.wire.schema import BaseModel, ValidationError
from app.wire.scripts import SCRIPT_BODY_MAX, ScriptDocument, ScriptRef
from app.wire.statuses import (
    SHIFT_START,
    BoardRow,
    NotReadyReason,
    OperatorStatus,
    StatusChangeIn,
    StatusChangeOut,
    StatusSource,
    routable,
)
from tests.conftest import REPO

MSK = timezone(timedelta(hours=3))
T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
SCHEMA = [
    FieldSchema(key="contract", label_en="Contract", label_ru="Договор"),
    FieldSchema(key="debt", label_en="Debt", label_ru="Долг", type="number"),
    FieldSchema(key="visit", label_en="Last visit", label_ru="Визит", type="date"),
    FieldSchema(key="tier", label_en="Tier", label_ru="Уровень", type="choice", choices=["gold", "silver"]),
    FieldSchema(key="vip", label_en="VIP", label_ru="VIP", type="bool", required=True),
]


def contact(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Иванов Иван Иванович",
        "phones": ["+79123456789", "+74951234567"],
        "birthday": "1985-03-15",
        "city": "Москва",
        "time_zone": "Europe/Moscow",
        "email": "ivanov@mail.ru",
        "segment": "VIP",
        "preferred_channel": "call",
        "consent": {"call": True, "marketing": False},
        "custom": {"contract": "Д-42", "debt": 1234.5, "visit": "2025-01-31", "tier": "gold", "vip": True},
    }
    return data | overrides


def disposition(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "call_id": "a84b4c76e66710@pc33.example",
        "operator": "op1001",
        "contact_id": 42,
        "queue": "sales",
        "ring_at": "2025-03-14T12:00:00+03:00",
        "answer_at": "2025-03-14T12:00:05+03:00",
        "end_at": "2025-03-14T12:03:00+03:00",
        "acw_end_at": "2025-03-14T12:03:40+03:00",
        "script": {"id": "sales-main", "version": 3},
        "answers": {"interested": True, "budget": 150000, "products": ["a", "b"], "note": "перезвонить"},
        "code": "callback",
        "comment": "Просил перезвонить после 18:00",
        "callback_at": "2025-03-14T18:00:00+03:00",
    }
    return data | overrides


USER = UserOut(id=7, name="Пётр O'Neil", role=Role.OPERATOR, team="север", active=True, created_at=T0)
CODE = DispositionCode(
    code="callback",
    label_en="Call back",
    label_ru="Перезвонить",
    category="callback",
    comment_required=True,
    callback_required=True,
    queue="sales",
)


def samples() -> list[BaseModel]:
    """One filled instance of every wire model, for the strictness and round-trip tests."""
    stored = DispositionOut.model_validate(disposition(id=7, received_at=T0.isoformat()))
    return [
        ContactIn.model_validate(contact(), context={"field_schema": SCHEMA}),
        ContactPatch.model_validate({"city": "Тула", "email": None}),
        ContactOut.model_validate(contact(id=42, version=3, updated_at=T0.isoformat())),
        ContactHistory(
            contact_id=42,
            items=[HistoryCall(call_id="c1", operator="op1001", ring_at=T0, end_at=T0, disposition=stored)],
        ),
        DispositionIn.model_validate(disposition()),
        stored,
        Catalogue(
            dispositions=[CODE],
            reasons=[NotReadyReason(code="smoke", label_en="Smoke", label_ru="Перекур", max_minutes=10)],
        ),
        StatusChangeIn(operator="op1001", status=OperatorStatus.NOT_READY, reason="smoke", at=T0),
        StatusChangeOut(
            id=1,
            operator="Пётр O'Neil",
            status=OperatorStatus.NOT_READY,
            reason="break",
            at=T0,
            source=StatusSource.TEAM_LEAD,
            by="lead1",
            received_at=T0,
        ),
        BoardRow(
            operator="op1001",
            name="Иванов",
            team="t1",
            status=OperatorStatus.ON_CALL,
            since=T0,
            registered=True,
        ),
        ScriptDocument(
            id="sales-main", version=3, name="Продажи", queue="sales", body={"nodes": [{"id": "q1"}]}
        ),
        LoginIn(name="Пётр O'Neil", password="correct horse battery staple"),
        RefreshIn(refresh_token="r" * 40),
        LogoutIn(refresh_token="r" * 40),
        USER,
        TokenPair(
            access_token="a" * 40,
            refresh_token="r" * 40,
            expires_in=900,
            expires_at=T0 + timedelta(minutes=15),
            refresh_expires_at=T0 + timedelta(days=14),
            user=USER,
        ),
    ]


@pytest.mark.parametrize("model", samples(), ids=lambda m: type(m).__name__)
def test_json_round_trip_is_lossless(model: BaseModel) -> None:
    again = type(model).model_validate_json(model.model_dump_json())
    assert again == model


@pytest.mark.parametrize("model", samples(), ids=lambda m: type(m).__name__)
def test_unknown_fields_are_refused(model: BaseModel) -> None:
    data = model.model_dump(mode="json") | {"calback_at": "typo"}
    with pytest.raises(ValidationError, match="calback_at"):
        type(model).model_validate(data)


@pytest.mark.parametrize(
    ("model", "data", "field", "limit"),
    [
        (ContactIn, contact(), "name", 200),
        (ContactIn, contact(), "city", 100),
        (ContactIn, contact(), "segment", 64),
        (DispositionIn, disposition(), "comment", 4000),
        (DispositionIn, disposition(), "call_id", 255),
        (DispositionIn, disposition(), "code", 32),
        (StatusChangeIn, {"operator": "op1", "status": "not_ready", "at": T0.isoformat()}, "reason", 32),
        (FieldSchema, {"key": "k", "label_en": "K", "label_ru": "К"}, "label_ru", 100),
        (LoginIn, {"name": "op1001", "password": "x"}, "password", 1024),
        (LoginIn, {"name": "op1001", "password": "x"}, "name", 64),
        (RefreshIn, {"refresh_token": "x"}, "refresh_token", 256),
    ],
)
def test_oversized_strings_are_refused(
    model: type[BaseModel], data: dict[str, Any], field: str, limit: int
) -> None:
    fill = "a" if field in ("code", "call_id", "reason") else "я"
    model.model_validate(data | {field: fill * limit})
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data | {field: fill * (limit + 1)})
    assert caught.value.errors()[0]["loc"] == (field,)
    assert caught.value.errors()[0]["type"] == "string_too_long"


def test_lists_and_maps_are_bounded_too() -> None:
    many_phones = [f"+7912345{n:04d}" for n in range(11)]
    with pytest.raises(ValidationError, match="phones"):
        ContactIn.model_validate(contact(phones=many_phones))
    with pytest.raises(ValidationError, match="custom"):
        ContactIn.model_validate(contact(custom={f"f{n}": n for n in range(101)}))
    with pytest.raises(ValidationError, match="bytes"):
        ScriptDocument(id="big", version=1, name="Big", body={"text": "x" * SCRIPT_BODY_MAX})


def test_markup_quotes_and_sql_are_kept_verbatim() -> None:
    hostile = '<script>alert(\'x\')</script> "; DROP TABLE contacts;-- =HYPERLINK("x")'
    model = ContactIn.model_validate(contact(name=hostile, city=hostile, segment="<b>'; --"))
    assert (model.name, model.city, model.segment) == (hostile, hostile, "<b>'; --")
    again = DispositionIn.model_validate(disposition(comment=hostile + "\nвторая строка"))
    assert again.comment == hostile + "\nвторая строка"


def test_nul_and_control_characters_are_refused() -> None:
    with pytest.raises(ValidationError):
        DispositionIn.model_validate(disposition(comment="a\x00b"))  # PostgreSQL text cannot hold NUL
    with pytest.raises(ValidationError):
        ContactIn.model_validate(contact(name="Иванов\nИван"))


def test_contact_fields_are_checked() -> None:
    bad: dict[str, Any]
    for bad in (
        {"phones": []},
        {"phones": ["+7 912 345 67 89"]},  # written form: clients normalise first
        {"phones": ["+70000000000"]},
        {"phones": ["+79123456789", "+79123456789"]},
        {"birthday": "1850-01-01"},
        {"birthday": (date.today() + timedelta(days=5)).isoformat()},
        {"time_zone": "MSK+3"},
        {"time_zone": "Mars/Olympus"},
        {"email": "not-an-email"},
        {"preferred_channel": "whatsapp"},
        {"consent": {"call": "maybe"}},
    ):
        with pytest.raises(ValidationError):
            ContactIn.model_validate(contact(**bad))


def test_custom_fields_against_the_schema() -> None:
    assert check_custom_fields(contact()["custom"], SCHEMA) == []
    problems = check_custom_fields(
        {"debt": "lots", "visit": "31.01.2025", "tier": "bronze", "extra": 1, "contract": 5}, SCHEMA
    )
    assert len(problems) == 6  # debt, visit, tier, contract type, unknown extra, required vip missing
    assert any("'extra'" in p for p in problems)
    assert any("required" in p for p in problems)
    assert check_custom_fields({"debt": 3}, SCHEMA, partial=True) == []
    with pytest.raises(ValidationError, match="bronze"):
        ContactIn.model_validate(
            contact(custom={"tier": "bronze", "vip": False}), context={"field_schema": SCHEMA}
        )
    ContactIn.model_validate(contact(custom={"anything": "goes"}))  # no schema in context: shape only
    with pytest.raises(ValidationError):
        FieldSchema(key="tier", label_en="Tier", label_ru="Уровень", type="choice")


def test_patch_sets_only_what_it_names_and_cannot_clear_required_fields() -> None:
    patch = ContactPatch.model_validate({"city": None, "segment": "Опт"})
    assert patch.model_dump(exclude_unset=True) == {"city": None, "segment": "Опт"}
    with pytest.raises(ValidationError, match="name cannot be cleared"):
        ContactPatch.model_validate({"name": None})
    consent = ContactPatch(consent=Consent(sms=True, call=None))  # the flags named, and only those
    assert consent.model_dump(mode="json") == {"consent": {"call": None, "sms": True}}
    assert ContactPatch.model_validate_json(consent.model_dump_json()) == consent
    with pytest.raises(ValidationError):
        ContactPatch.model_validate({"version": 3})  # the version travels in If-Match


def test_timestamps_must_be_aware_and_come_out_in_utc() -> None:
    model = DispositionIn.model_validate(disposition())
    assert model.ring_at == datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
    assert model.ring_at.utcoffset() == timedelta(0)
    assert '"ring_at":"2025-03-14T09:00:00Z"' in model.model_dump_json()
    with pytest.raises(ValidationError, match="timezone"):
        DispositionIn.model_validate(disposition(ring_at="2025-03-14T12:00:00"))
    with pytest.raises(ValidationError, match="before"):
        DispositionIn.model_validate(disposition(end_at="2025-03-14T11:00:00+03:00"))
    with pytest.raises(ValidationError, match="script"):
        DispositionIn.model_validate(disposition(script=None))


def test_check_disposition_against_its_catalogue_entry() -> None:
    good = DispositionIn.model_validate(disposition())
    assert check_disposition(good, CODE) == []
    bare = DispositionIn.model_validate(disposition(comment="  ", callback_at=None, queue="support"))
    problems = check_disposition(bare, CODE)
    assert len(problems) == 3
    assert any("comment" in p for p in problems)
    assert any("callback time" in p for p in problems)
    assert any("queue" in p for p in problems)
    early = DispositionIn.model_validate(disposition(callback_at="2025-03-14T11:00:00+03:00"))
    assert check_disposition(early, CODE) == ["the callback time must be after the end of the call"]
    retired = CODE.model_copy(update={"active": False, "code": "other"})
    assert len(check_disposition(good, retired)) == 2


def test_statuses() -> None:
    assert [s.value for s in OperatorStatus] == ["offline", "ready", "not_ready", "on_call", "acw"]
    assert [s.value for s in StatusSource] == ["operator", "team_lead", "system"]
    with pytest.raises(ValidationError):
        StatusChangeIn(operator="op1001", status="busy", at=T0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        StatusChangeIn(operator="op1001", status="break", reason="break", at=T0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        StatusChangeIn(operator="op1001", status="ready", at=T0, source="robot")  # type: ignore[arg-type]
    change = StatusChangeIn(
        operator="op1001", status=OperatorStatus.READY, at=datetime(2025, 3, 14, 12, tzinfo=MSK)
    )
    assert change.at == datetime(2025, 3, 14, 9, tzinfo=UTC)
    assert change.source is StatusSource.OPERATOR
    login = StatusChangeIn.model_validate(
        {"operator": "op1001", "status": "not_ready", "reason": SHIFT_START, "at": T0.isoformat()}
    )
    assert (login.status, login.reason) == (OperatorStatus.NOT_READY, "shift_start")


@pytest.mark.parametrize(
    ("status", "reason", "problem"),
    [
        ("not_ready", None, "needs a reason"),
        ("ready", "break", "only a not_ready status carries a reason"),
        ("offline", "end_of_shift", "only a not_ready status carries a reason"),
        ("acw", "break", "only a not_ready status carries a reason"),
    ],
)
def test_a_reason_goes_with_not_ready_and_only_there(status: str, reason: str | None, problem: str) -> None:
    for model, data in (
        (StatusChangeIn, {"operator": "op1001", "at": T0.isoformat()}),
        (BoardRow, {"operator": "op1001", "since": T0.isoformat()}),
    ):
        with pytest.raises(ValidationError, match=problem):
            model.model_validate(data | {"status": status, "reason": reason})


def test_routable_comes_from_the_status_and_the_reason_flags() -> None:
    back = NotReadyReason(code="back_of_queue", label_en="Back of queue", label_ru="В конце", routable=True)
    training = NotReadyReason(code="training", label_en="Training", label_ru="Обучение", productive=True)
    assert routable(OperatorStatus.READY)
    assert routable(OperatorStatus.NOT_READY, back)
    assert not routable(OperatorStatus.NOT_READY, training)
    assert not routable(OperatorStatus.NOT_READY)  # reason unknown: not offered calls
    for status in (OperatorStatus.OFFLINE, OperatorStatus.ON_CALL, OperatorStatus.ACW):
        assert not routable(status, back)
    assert not OperatorStatus.OFFLINE.logged_in
    assert OperatorStatus.ACW.logged_in
    assert [s for s in OperatorStatus if s.needs_reason] == [OperatorStatus.NOT_READY]


def test_user_and_team_names_are_any_script_but_exact() -> None:
    for name in ("Пётр O'Neil", "Robert'); DROP TABLE users;--", "Ёлка-палка 😀 «ёж»"):
        assert LoginIn(name=name, password="x").name == name
        assert StatusChangeIn(operator=name, status=OperatorStatus.READY, at=T0).operator == name
    for bad in ("", " padded", "padded ", "tab\there", "line\nbreak", "nul\x00", "c1\x85", "x" * 65):
        with pytest.raises(ValidationError):
            LoginIn(name=bad, password="x")
        with pytest.raises(ValidationError):
            UserOut.model_validate(USER.model_dump() | {"team": bad})


def test_secrets_stay_out_of_repr() -> None:
    login = LoginIn(name="op1001", password="hunter2-секрет")
    tokens = TokenPair(
        access_token="acc-secret",
        refresh_token="ref-secret",
        expires_in=900,
        expires_at=T0,
        refresh_expires_at=T0,
        user=USER,
    )
    assert "hunter2" not in repr(login)
    assert "secret" not in repr(tokens)
    assert "ref-secret" not in repr(RefreshIn(refresh_token="ref-secret"))
    assert "ref-secret" not in repr(LogoutIn(refresh_token="ref-secret"))
    assert "hunter2-секрет" in login.model_dump_json()  # the client still has to send it


def test_script_reference_needs_a_positive_version() -> None:
    with pytest.raises(ValidationError):
        ScriptRef(id="sales", version=0)


def test_the_shared_pieces_load_neither_qt_nor_sip_nor_the_server() -> None:
    code = (
        "import app.wire.contacts, app.wire.dispositions, app.wire.statuses, app.wire.scripts, app.wire.auth"
    )
    code += ", app.phones, app.contacts_csv\nimport sys\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True, text=True)
    loaded = set(out.stdout.split())
    assert "app.contacts_csv" in loaded
    forbidden = ("PySide6", "shiboken6", "pjsua2", "sip", "ui", "server", "sqlalchemy", "fastapi")
    assert not {m for m in loaded if m.split(".")[0] in forbidden}
