"""``/recordings``: call recordings uploaded by the operator's desktop, played by those allowed.

* ``POST /recordings`` announces a finished recording (``RecordingIn``); 201 with ``received: 0``, or
  200 with the recording already known for that operator and call (same SHA-256 and size; 409 when
  they differ). That is how a desktop restarted mid-upload learns where to continue.
* ``PUT /recordings/{id}/content?offset=N`` (``application/octet-stream``, at most
  ``CHUNK_BYTES_MAX``) appends a chunk at ``N``, which must be what the server holds (409 otherwise,
  with ``received`` in the answer). The last chunk makes the server check the whole file's SHA-256:
  on a match it is stored under its content address; on a mismatch the upload starts again from 0
  (422). A chunk for a stored recording is answered with the stored state: sent twice, stored once.
  Only the recording's operator uploads.
* ``GET /recordings/{id}`` and ``GET /recordings?call_id=`` read metadata; ``GET /recordings/{id}/audio``
  plays it (``audio/ogg``, ranges for seeking) and audits the play (``recording.play``);
  ``GET /recordings/{id}/plays`` lists who listened when. Access by role: an operator their own
  calls, a team lead their team's (and their own), an admin everyone; 403 otherwise.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Query, Response, status
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.wire.common import CALL_ID_MAX
from app.wire.recordings import CHUNK_BYTES_MAX, Pause, RecordingIn, RecordingOut, RecordingPlay
from server.api.deps import AuditDep, CurrentUser, SessionDep, SettingsDep
from server.api.schemas.common import BigIdPath
from server.crm import outbox as crm_outbox
from server.models import AuditEntry, Recording, User
from server.models.base import utcnow
from server.recordings import Store, may_hear

router = APIRouter(prefix="/recordings", tags=["recordings"])

PLAY_ACTION = "recording.play"


def recording_out(session: Session, row: Recording) -> RecordingOut:
    operator = session.get(User, row.operator_id)
    return RecordingOut(
        id=row.id,
        operator=operator.name if operator is not None else "",
        call_id=row.call_id,
        queue=row.queue,
        started_at=row.started_at,
        seconds=row.seconds,
        size=row.size,
        sha256=row.sha256,
        pauses=[Pause(start=a, end=b) for a, b in row.pauses],
        received=row.received,
        stored=row.stored,
        purged=row.purged_at is not None,
    )


def _visible(session: Session, user: User, recording_id: int) -> Recording:
    row = session.get(Recording, recording_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no recording {recording_id}")
    if not may_hear(session, user, row):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this recording is not of your calls or your team's")
    return row


@router.post("", status_code=status.HTTP_201_CREATED)
def announce(body: RecordingIn, user: CurrentUser, session: SessionDep, response: Response) -> RecordingOut:
    existing = session.scalar(
        select(Recording).where(Recording.operator_id == user.id, Recording.call_id == body.call_id)
    )
    if existing is None:
        row = Recording(
            operator_id=user.id,
            call_id=body.call_id,
            queue=body.queue,
            started_at=body.started_at,
            seconds=body.seconds,
            size=body.size,
            sha256=body.sha256,
            pauses=[[p.start, p.end] for p in body.pauses],
        )
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # the same announcement at the same time: answer the winner's row
            session.rollback()
            existing = session.scalar(
                select(Recording).where(Recording.operator_id == user.id, Recording.call_id == body.call_id)
            )
            if existing is None:
                raise
        else:
            response.headers["Location"] = f"/recordings/{row.id}"
            return recording_out(session, row)
    if (existing.sha256, existing.size) != (body.sha256, body.size):
        raise HTTPException(status.HTTP_409_CONFLICT, "this call already has a different recording")
    response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/recordings/{existing.id}"
    return recording_out(session, existing)


@router.put("/{recording_id}/content")
def upload_chunk(
    recording_id: BigIdPath,
    *,
    offset: Annotated[int, Query(ge=0)],
    content: Annotated[bytes, Body(media_type="application/octet-stream")],
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> RecordingOut:
    row = session.get(Recording, recording_id, with_for_update=True)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no recording {recording_id}")
    if row.operator_id != user.id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only the recording's operator uploads it")
    if row.purged_at is not None and not row.stored:
        raise HTTPException(status.HTTP_410_GONE, "this upload was abandoned past the retention period")
    if row.stored or row.purged_at is not None:
        return recording_out(session, row)
    if offset != row.received:
        session.rollback()
        return JSONResponse(  # type: ignore[return-value]
            status_code=status.HTTP_409_CONFLICT,
            content={
                "detail": f"the server holds {row.received} bytes: send from there",
                "received": row.received,
            },
        )
    if len(content) > CHUNK_BYTES_MAX:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, f"a chunk is at most {CHUNK_BYTES_MAX} bytes")
    if not content or offset + len(content) > row.size:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "the chunk is empty or runs past the file's size"
        )
    store = Store(settings.recordings_path())
    store.write_chunk(row.id, offset, content)
    row.received = offset + len(content)
    if row.received == row.size:
        if not store.complete(row.id, row.sha256):
            row.received = 0
            session.commit()
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                "the file's SHA-256 does not match: send it again from 0",
            )
        row.stored, row.stored_at = True, utcnow()
        crm_outbox.recording_stored(session, row)
    session.commit()
    return recording_out(session, row)


@router.get("")
def list_recordings(
    call_id: Annotated[str, Query(min_length=1, max_length=CALL_ID_MAX)],
    user: CurrentUser,
    session: SessionDep,
) -> list[RecordingOut]:
    rows = session.scalars(select(Recording).where(Recording.call_id == call_id).order_by(Recording.id))
    return [recording_out(session, r) for r in rows if may_hear(session, user, r)]


@router.get("/{recording_id}")
def read_recording(recording_id: BigIdPath, user: CurrentUser, session: SessionDep) -> RecordingOut:
    return recording_out(session, _visible(session, user, recording_id))


@router.get("/{recording_id}/audio", response_model=None)
def play(
    recording_id: BigIdPath, user: CurrentUser, session: SessionDep, settings: SettingsDep, audit: AuditDep
) -> FileResponse:
    row = _visible(session, user, recording_id)
    if row.purged_at is not None:
        raise HTTPException(status.HTTP_410_GONE, "this recording was deleted after its retention period")
    if not row.stored:
        raise HTTPException(status.HTTP_409_CONFLICT, "this recording is still being uploaded")
    path = Store(settings.recordings_path()).stored(row.sha256)
    if not path.exists():
        raise HTTPException(status.HTTP_410_GONE, "this recording's file is missing from the storage")
    audit(PLAY_ACTION, target=f"recording:{row.id}", details={"call_id": row.call_id})
    session.commit()
    return FileResponse(path, media_type="audio/ogg", filename=f"recording-{row.id}.ogg")


@router.get("/{recording_id}/plays")
def plays(recording_id: BigIdPath, user: CurrentUser, session: SessionDep) -> list[RecordingPlay]:
    row = _visible(session, user, recording_id)
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == PLAY_ACTION, AuditEntry.target == f"recording:{row.id}")
        .order_by(AuditEntry.id)
    )
    return [RecordingPlay(user=e.actor_name or "", at=e.at) for e in entries]
