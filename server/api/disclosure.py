"""Who reads a disposition in full: one rule for ``GET /contacts/{id}/history`` and
``GET /dispositions/{id}``.

Comments and script answers hold what customers tell operators (health, money, documents), so they
stay within the team that took the call: the operator who took it, everyone in the same team
(colleagues take over each other's customers, and team leads coach them) and admins. Everyone else
who may read the contact (every signed-in user) still sees that the call happened, who took it,
when and with which result (an operator needs "called three times, refused twice"), with the
comment and answers left out and ``withheld`` set. ``GET /dispositions/{id}`` answers 404 for what
it may not show in full (it reads one disposition, not a contact's story).
"""

from __future__ import annotations

from app.wire.dispositions import DispositionOut
from server.models import Role, User


def sees_in_full(viewer: User, *, owner_id: int, owner_team_id: int | None) -> bool:
    """True if ``viewer`` may read the comment and answers of a disposition by ``owner_id``."""
    if viewer.role is Role.ADMIN or viewer.id == owner_id:
        return True
    return viewer.team_id is not None and viewer.team_id == owner_team_id


def withheld(out: DispositionOut) -> DispositionOut:
    """``out`` without what only its team may read (see the module notes)."""
    return out.model_copy(update={"comment": "", "answers": {}, "withheld": True})
