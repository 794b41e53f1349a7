"""Catalogues admins maintain: disposition codes and not-ready reasons. Deactivated, never deleted
(dispositions and status changes keep pointing at them)."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, false, text, true
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, str_enum
from server.models.enums import DispositionCategory


class DispositionCode(Base):
    """A call outcome an operator can pick. ``queue`` NULL means "offered in every queue"."""

    __tablename__ = "disposition_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    label_en: Mapped[str] = mapped_column(String(100))
    label_ru: Mapped[str] = mapped_column(String(100))
    category: Mapped[DispositionCategory] = mapped_column(str_enum(DispositionCategory, "category"))
    comment_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    callback_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    queue: Mapped[str | None] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    position: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class NotReadyReason(Base):
    """Why an operator is not ready (break, lunch, training, back-of-queue ...).

    ``routable``: calls may still be offered (back-of-queue). ``productive``: counts as work time.
    ``max_minutes``: team leads are alerted past it (NULL: no limit).
    """

    __tablename__ = "not_ready_reasons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    label_en: Mapped[str] = mapped_column(String(100))
    label_ru: Mapped[str] = mapped_column(String(100))
    routable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    productive: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    max_minutes: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    position: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
