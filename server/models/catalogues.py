"""Catalogues admins maintain: disposition codes and not-ready reasons. Deactivated, never deleted
(dispositions and status changes keep pointing at them)."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Integer, SmallInteger, String, false, text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.common import CATALOGUE_CODE_MAX, CODE_MAX, LABEL_MAX
from server.models.base import Base, str_enum
from server.models.enums import DispositionCategory


class DispositionCode(Base):
    """A call outcome an operator can pick. ``queue`` NULL means "offered in every queue"."""

    __tablename__ = "disposition_codes"
    __table_args__ = (CheckConstraint("hotkey BETWEEN 1 AND 9", name="hotkey_digit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CATALOGUE_CODE_MAX), unique=True)
    label_en: Mapped[str] = mapped_column(String(LABEL_MAX))
    label_ru: Mapped[str] = mapped_column(String(LABEL_MAX))
    category: Mapped[DispositionCategory] = mapped_column(str_enum(DispositionCategory, "category"))
    comment_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    callback_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    queue: Mapped[str | None] = mapped_column(String(CODE_MAX), index=True)
    #: The digit (1-9) that picks the code in one key press, or NULL.
    hotkey: Mapped[int | None] = mapped_column(SmallInteger)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    position: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class NotReadyReason(Base):
    """Why an operator is ``not_ready`` (shift start, break, lunch, training, back of queue ...);
    ``app.wire.statuses.NotReadyReason`` on the wire.

    ``routable``: calls may still be offered, after every ready operator (back of queue).
    ``productive``: counts as work time. ``max_minutes``: team leads are alerted past it (NULL: no
    limit). ``needs_approval``: a team lead approves it before it applies. ``system``: set by desktops
    themselves, never chosen by a person.
    """

    __tablename__ = "not_ready_reasons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CATALOGUE_CODE_MAX), unique=True)
    label_en: Mapped[str] = mapped_column(String(LABEL_MAX))
    label_ru: Mapped[str] = mapped_column(String(LABEL_MAX))
    routable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    productive: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    max_minutes: Mapped[int | None] = mapped_column(Integer)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    system: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Set by desktops themselves (``shift_start``, ``phone_offline``), never chosen by a person."""
    position: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
