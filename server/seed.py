"""Demo data: teams, users, disposition codes and not-ready reasons, in Russian and English.

Idempotent: existing rows (matched by name or code) are left as they are.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.wire.quality import AnswerKind, FormIn, Question, Section
from app.wire.statuses import BACK_OF_QUEUE, PHONE_OFFLINE, SHIFT_START, SYSTEM_REASONS
from server.audit import record_audit
from server.crud.users import create_user, get_or_create_team, get_user_by_name
from server.models import DispositionCategory, DispositionCode, EvaluationForm, NotReadyReason, Role
from server.security import hash_password
from server.settings import Settings

DEMO_USERS: tuple[tuple[str, Role, str | None], ...] = (
    ("admin", Role.ADMIN, None),
    ("lead", Role.TEAM_LEAD, "sales"),
    ("operator1", Role.OPERATOR, "sales"),
    ("operator2", Role.OPERATOR, "sales"),
    ("support1", Role.OPERATOR, "support"),
)

#: code, English, Russian, category, comment required, callback required
DISPOSITION_CODES: tuple[tuple[str, str, str, DispositionCategory, bool, bool], ...] = (
    ("sale", "Sale", "Продажа", DispositionCategory.SUCCESS, False, False),
    ("interested", "Interested", "Заинтересован", DispositionCategory.SUCCESS, True, False),
    ("callback", "Call back", "Перезвонить", DispositionCategory.CALLBACK, False, True),
    ("no_answer", "No answer", "Нет ответа", DispositionCategory.NOT_REACHED, False, False),
    ("busy", "Busy", "Занято", DispositionCategory.NOT_REACHED, False, False),
    ("voicemail", "Voicemail", "Автоответчик", DispositionCategory.NOT_REACHED, False, False),
    ("wrong_number", "Wrong number", "Ошибочный номер", DispositionCategory.NON_TARGET, False, False),
    ("do_not_call", "Do not call", "Не звонить", DispositionCategory.NON_TARGET, True, False),
    (
        "send_info",
        "Send information by e-mail",
        "Отправить информацию на e-mail",
        DispositionCategory.MAIL_ONLY,
        False,
        False,
    ),
    ("refused", "Not interested", "Отказ", DispositionCategory.OTHER, True, False),
    # suggested by the sample call scripts in resources/scripts/
    ("new_order", "New order", "Новый заказ", DispositionCategory.SUCCESS, False, False),
    ("order_status", "Existing order", "Существующий заказ", DispositionCategory.OTHER, False, False),
    ("not_buying", "Not a purchase", "Не покупка", DispositionCategory.NON_TARGET, False, False),
    (
        "foreign_language",
        "Foreign language",
        "Иностранный язык",
        DispositionCategory.NON_TARGET,
        False,
        False,
    ),
    ("lead_qualified", "Lead qualified", "Лид квалифицирован", DispositionCategory.SUCCESS, False, False),
    ("lead_rejected", "Lead not eligible", "Лид не подходит", DispositionCategory.NON_TARGET, False, False),
    ("survey_done", "Survey completed", "Опрос пройден", DispositionCategory.SUCCESS, False, False),
    # stamped by the desktop itself (app.session.acw.AcwPolicy), never offered to operators
    (
        "acw_timeout",
        "After-call work timed out",
        "Время обработки истекло",
        DispositionCategory.OTHER,
        False,
        False,
    ),
    (
        "acw_skipped",
        "After-call work skipped",
        "Обработка пропущена",
        DispositionCategory.OTHER,
        False,
        False,
    ),
)

#: where a code is offered and its one-key choice (VICIdial-style hot keys): general codes everywhere,
#: the sample scripts' codes only in their queue (``server.seed_content.DEMO_SCRIPTS``).
CODE_PLACES: dict[str, tuple[str | None, int | None]] = {
    "sale": (None, 1),
    "callback": (None, 2),
    "refused": (None, 3),
    "no_answer": (None, 4),
    "wrong_number": (None, 5),
    "send_info": (None, 6),
    "new_order": ("shop", 7),
    "order_status": ("shop", 8),
    "not_buying": ("shop", 9),
    "foreign_language": ("shop", None),
    "lead_qualified": ("finance", 7),
    "lead_rejected": ("finance", 8),
    "survey_done": ("survey", 7),
}

#: code, English, Russian, routable, productive, max minutes. ``shift_start`` is the reason every
#: desktop sends on login (``app.wire.statuses.SHIFT_START``).
NOT_READY_REASONS: tuple[tuple[str, str, str, bool, bool, int | None], ...] = (
    (SHIFT_START, "Shift start", "Начало смены", False, False, 15),
    ("break", "Break", "Перерыв", False, False, 15),
    ("lunch", "Lunch", "Обед", False, False, 60),
    ("meeting", "Meeting", "Совещание", False, True, 60),
    ("training", "Training", "Обучение", False, True, None),
    ("back_office", "Back-office work", "Работа с документами", False, True, None),
    (BACK_OF_QUEUE, "Back of queue", "В конце очереди", True, True, None),
    # reported by the desktop while its phone is not registered (app.status: never chosen)
    (PHONE_OFFLINE, "Phone offline", "Телефон не в сети", False, False, None),
)


@dataclass(frozen=True)
class SeededUser:
    name: str
    role: Role
    team: str | None
    password: str | None  # None: the user existed already, password unchanged


DEMO_FORM = FormIn(
    name="Оценка разговора",
    sections=[
        Section(
            title="Начало",
            questions=[
                Question(key="greeting", text="Поздоровался и назвал компанию и своё имя", weight=10),
                Question(key="identified", text="Уточнил, как обращаться к клиенту", weight=10),
            ],
        ),
        Section(
            title="Разговор",
            questions=[
                Question(key="need", text="Выяснил потребность клиента", kind=AnswerKind.SCALE, weight=30),
                Question(key="offer", text="Предложил подходящее решение", kind=AnswerKind.SCALE, weight=30),
                Question(
                    key="personal_data",
                    text="Не произносил вслух данные карты и паспорта",
                    weight=10,
                    critical=True,
                ),
            ],
        ),
        Section(
            title="Завершение",
            questions=[Question(key="summary", text="Подвёл итог и попрощался", weight=10)],
        ),
    ],
)
"""The evaluation form of the demo (``docs/quality.md`` "Scoring"): in Russian, as a centre's admin
writes it; a lead can score the demo's recorded calls without an admin setting one up first."""


def seed_demo(session: Session, settings: Settings, *, password: str | None = None) -> list[SeededUser]:
    """Add the demo rows that are missing (caller commits). Each new user gets ``password`` or a
    random one; the result lists every demo user and the password it was given."""
    seeded: list[SeededUser] = []
    for name, role, team_name in DEMO_USERS:
        if get_user_by_name(session, name=name) is not None:
            seeded.append(SeededUser(name, role, team_name, None))
            continue
        team = get_or_create_team(session, name=team_name)[0] if team_name else None
        secret = password or secrets.token_urlsafe(12)
        user = create_user(
            session, name=name, password_hash=hash_password(settings, secret), role=role, team=team
        )
        record_audit(
            session,
            actor=None,
            action="user.create",
            target=f"user:{user.id}",
            details={"name": name, "role": role.value, "team": team_name, "via": "seed-demo"},
        )
        seeded.append(SeededUser(name, role, team_name, secret))

    codes = set(session.scalars(select(DispositionCode.code)))
    for position, (code, en, ru, category, comment, callback) in enumerate(DISPOSITION_CODES):
        if code not in codes:
            queue, hotkey = CODE_PLACES.get(code, (None, None))
            session.add(
                DispositionCode(
                    code=code,
                    queue=queue,
                    hotkey=hotkey,
                    label_en=en,
                    label_ru=ru,
                    category=category,
                    comment_required=comment,
                    callback_required=callback,
                    position=position,
                )
            )
    reasons = set(session.scalars(select(NotReadyReason.code)))
    for position, (code, en, ru, routable, productive, max_minutes) in enumerate(NOT_READY_REASONS):
        if code not in reasons:
            session.add(
                NotReadyReason(
                    code=code,
                    label_en=en,
                    label_ru=ru,
                    routable=routable,
                    productive=productive,
                    max_minutes=max_minutes,
                    system=code in SYSTEM_REASONS,
                    position=position,
                )
            )
    if session.scalar(select(EvaluationForm.id).limit(1)) is None:
        session.add(
            EvaluationForm(name=DEMO_FORM.name, sections=DEMO_FORM.model_dump(mode="json")["sections"])
        )
    session.flush()
    return seeded


DEMO_TEAM_SURNAMES = (
    "ivanova", "petrov", "sidorova", "smirnov", "kuznetsova", "popov", "vasilieva", "sokolov",
    "mikhailova", "novikov", "fedorova", "morozov", "volkova", "alekseev", "lebedeva", "semenov",
    "egorova", "pavlov", "kozlova", "stepanov", "nikolaeva", "orlov", "andreeva", "makarov",
    "zakharova", "zaitsev", "soloveva", "borisov", "yakovleva", "grigoriev", "romanova", "vorobiev",
    "sergeeva", "kuzmin", "frolova", "aleksandrov", "dmitrieva", "korolev", "gusev", "kiseleva",
)  # fmt: skip


def demo_team_names(size: int) -> list[str]:
    """The logins of ``ringdesk demo --lead``'s team: surnames, numbered past the list's end."""
    count = len(DEMO_TEAM_SURNAMES)
    return [DEMO_TEAM_SURNAMES[i % count] + (str(i // count) if i >= count else "") for i in range(size)]


def seed_demo_team(session: Session, settings: Settings, size: int, password: str) -> list[str]:
    """``size`` more operators in the demo lead's team ("sales"), all with ``password`` (hashed once:
    the demo logs them all in), and lunch made a break that needs the lead's approval, so the Team
    window of ``ringdesk demo --lead`` has a lively board and requests to decide. Caller commits."""
    team = get_or_create_team(session, name="sales")[0]
    hashed = hash_password(settings, password)
    names = demo_team_names(size)
    for name in names:
        if get_user_by_name(session, name=name) is None:
            create_user(session, name=name, password_hash=hashed, role=Role.OPERATOR, team=team)
    lunch = session.scalar(select(NotReadyReason).where(NotReadyReason.code == "lunch"))
    if lunch is not None:
        lunch.needs_approval = True
    session.flush()
    return names
