"""A status change the server refuses for good is parked, and the desk hears of it at once: the
workstation goes back to the status before it and says why (issue 13, defect 2), with the real outbox
on the real local store."""

from __future__ import annotations

from app.status import Choice
from app.store.database import LocalStore
from app.sync.outbox import Outbox
from app.wire.dispositions import DispositionIn
from app.wire.statuses import OperatorStatus, StatusChangeIn
from app.workstation import StatusRefused, Workstation, WorkstationConfig
from app.workstation.server_truth import follow_refusals
from tests.core.helpers import CATALOGUE, OPERATOR, FakePhone, clock


class StoreOutbox:
    """The workstation's outbox port over the real outbox, as ``ui.services.ServerSide`` does it."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def put_disposition(self, disposition: DispositionIn) -> None:
        self.outbox.add_disposition(disposition)

    def put_status(self, change: StatusChangeIn) -> None:
        self.outbox.add_status_change(change)


def test_a_parked_status_change_is_undone_on_the_desk(store: LocalStore) -> None:
    outbox = Outbox(store)
    ws = Workstation(
        WorkstationConfig(OPERATOR),
        phone=FakePhone(),
        outbox=StoreOutbox(outbox),
        catalogue=CATALOGUE,
        clock=clock(),
        registered=True,
    )
    refused: list[StatusRefused] = []
    ws.hub.on(StatusRefused, refused.append)
    stop = follow_refusals(ws, outbox)
    ws.start_shift()
    ws.set_status(Choice.ready())
    ws.set_status(Choice.not_ready("lunch"))
    for item in outbox.pending()[:2]:
        outbox.mark_delivered(item, "1")
    [lunch] = outbox.pending()
    outbox.mark_parked(lunch, "the not-ready reason 'lunch' is retired", 422)
    assert ws.status.status is OperatorStatus.READY
    [notice] = refused
    assert notice.change.reason == "lunch" and "retired" in notice.reason
    [back] = outbox.pending()  # the server hears where the desk went back to
    assert StatusChangeIn.model_validate_json(back.payload).status is OperatorStatus.READY
    stop()
    outbox.mark_parked(back, "refused again", 422)
    assert len(refused) == 1  # no longer followed
