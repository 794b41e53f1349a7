"""Sample catalogue, contacts and history for the widget tests and the screenshots (no Qt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.wire.contacts import Consent, ContactOut, FieldSchema, FieldType, HistoryCall, PreferredChannel
from app.wire.dispositions import DispositionCategory, DispositionCode, DispositionOut
from app.wire.statuses import NotReadyReason

NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
"""A fixed instant: 12:30 in Moscow, 16:30 in Novosibirsk (a Friday)."""

CODES = [
    DispositionCode(
        code="sale", label_en="Sale", label_ru="Продажа", category=DispositionCategory.SUCCESS, hotkey=1
    ),
    DispositionCode(
        code="callback",
        label_en="Call back",
        label_ru="Перезвонить",
        category=DispositionCategory.CALLBACK,
        callback_required=True,
        hotkey=2,
    ),
    DispositionCode(
        code="refused",
        label_en="Refused",
        label_ru="Отказ",
        category=DispositionCategory.NON_TARGET,
        comment_required=True,
        hotkey=3,
    ),
    DispositionCode(
        code="no_answer",
        label_en="No answer",
        label_ru="Не дозвонились",
        category=DispositionCategory.NOT_REACHED,
        hotkey=4,
    ),
    DispositionCode(
        code="info",
        label_en="Information only",
        label_ru="Справка",
        category=DispositionCategory.OTHER,
        hotkey=5,
    ),
    DispositionCode(
        code="old",
        label_en="Retired",
        label_ru="Устаревший",
        category=DispositionCategory.OTHER,
        active=False,
    ),
]

REASONS = [
    NotReadyReason(code="shift_start", label_en="Start of shift", label_ru="Начало смены", system=True),
    NotReadyReason(code="break", label_en="Break", label_ru="Перерыв", max_minutes=15),
    NotReadyReason(code="lunch", label_en="Lunch", label_ru="Обед", max_minutes=60),
    NotReadyReason(code="meeting", label_en="Meeting", label_ru="Совещание"),
    NotReadyReason(code="training", label_en="Training", label_ru="Обучение", productive=True),
    NotReadyReason(code="back_of_queue", label_en="Back of queue", label_ru="В конец очереди", routable=True),
]

SCHEMA = [
    FieldSchema(
        key="tariff",
        label_en="Tariff",
        label_ru="Тариф",
        type=FieldType.CHOICE,
        choices=["Basic", "Plus", "Premium"],
    ),
    FieldSchema(key="contract", label_en="Contract no.", label_ru="Номер договора"),
    FieldSchema(key="balance", label_en="Balance", label_ru="Баланс", type=FieldType.NUMBER),
    FieldSchema(key="vip", label_en="VIP", label_ru="VIP", type=FieldType.BOOL),
]


def contact(name: str = "Иванов Иван Петрович", **changes: object) -> ContactOut:
    """A known caller (Novosibirsk, prefers SMS, consent partly recorded)."""
    data: dict[str, object] = {
        "id": 42,
        "version": 3,
        "updated_at": NOW - timedelta(days=2),
        "name": name,
        "phones": ["+79131234567", "+73832123456"],
        "city": "Новосибирск",
        "time_zone": "Asia/Novosibirsk",
        "email": "ivanov@example.ru",
        "segment": "VIP",
        "preferred_channel": PreferredChannel.SMS,
        "consent": Consent(call=True, sms=True, email=None, marketing=False),
        "custom": {"tariff": "Plus", "contract": "Д-2024/117", "balance": 1520.5, "vip": True},
    }
    data.update(changes)
    return ContactOut.model_validate(data)


def history() -> list[HistoryCall]:
    """Three past calls with different results."""
    items = []
    for days, code, comment in (
        (1, "callback", "Просил перезвонить вечером"),
        (7, "sale", ""),
        (30, "refused", "Дорого"),
    ):
        ring = NOW - timedelta(days=days)
        disposition = DispositionOut(
            id=days,
            received_at=ring + timedelta(minutes=6),
            call_id=f"c{days}",
            operator="petrova",
            contact_id=42,
            queue="sales",
            ring_at=ring,
            answer_at=ring + timedelta(seconds=5),
            end_at=ring + timedelta(minutes=4),
            code=code,
            comment=comment,
        )
        items.append(
            HistoryCall(
                call_id=f"c{days}",
                operator="petrova",
                queue="sales",
                direction="inbound",
                ring_at=ring,
                answer_at=disposition.answer_at,
                end_at=disposition.end_at,
                disposition=disposition,
            )
        )
    return items
