"""``/scripts``: versioned call scripts, checked by the script linter when uploaded.

* Admins store a version with ``PUT /scripts/{id}/versions/{version}`` (``ScriptDocument``; the id
  and version in the body must be those of the path). A stored version never changes, since
  dispositions name ``(id, version)``: **201** when new (audited as ``script.create``), **200** when
  the same content is sent again (nothing stored or audited: an upload retried after a lost answer),
  **409** when the version holds something else (upload it as a new version). ``created_at`` in the
  body is ignored. The ``body`` is a script in the format of ``docs/scripts.md`` and must lint without
  errors (:mod:`app.scripts.lint`, the linter of ``ringdesk script lint``) against the server's custom
  contact fields and its active disposition codes, and name the same id and version as the path; otherwise
  **422** with one entry in ``errors`` per problem (``loc`` is the path inside the script). Warnings do not
  block an upload. The request may be up to :data:`PUT_BODY_MAX` bytes, so a document at the wire's
  limit (``app.wire.scripts.SCRIPT_BODY_MAX`` as compact JSON) still fits when the client escapes
  non-ASCII text or indents it.
* Every signed-in user reads: ``GET /scripts`` (``ScriptSummary`` of the latest version of each
  script, by id), ``GET /scripts/{id}/versions/{version}`` (the document; 404 when missing), and
  ``GET /scripts/select?queue=&segment=``: the document a call should open, most specific first
  (queue and segment, then queue, then segment, then a default that names neither), latest version;
  404 when nothing fits (``server.crud.scripts.select_script``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Response, status
from fastapi.exceptions import RequestValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.scripts.lint import Catalogue, lint
from app.wire.common import Code, Segment
from app.wire.scripts import SCRIPT_BODY_MAX, ScriptDocument, ScriptSummary
from server.api.deps import AdminUser, AuditDep, CurrentUser, SessionDep
from server.api.schemas.common import MAX_INT32
from server.crud import scripts as crud
from server.crud.contacts import field_schema
from server.models import DispositionCode, Script

router = APIRouter(prefix="/scripts", tags=["scripts"])

PUT_BODY_MAX = 4 * SCRIPT_BODY_MAX
"""Bytes of a ``PUT`` request: ``\\uXXXX`` escapes make Cyrillic text three times its UTF-8 size,
and indentation adds more, so the request limit is well above the document's own."""

VersionPath = Annotated[int, Path(ge=1, le=MAX_INT32)]


def _same_key(script_id: str, version: int, body: ScriptDocument) -> None:
    for field, path_value, body_value in (("id", script_id, body.id), ("version", version, body.version)):
        if body_value != path_value:
            msg = f"the {field} in the body ({body_value!r}) is not the one in the path ({path_value!r})"
            raise RequestValidationError([{"loc": ("body", field), "type": "value_error", "msg": msg}])


def _lint(session: Session, body: ScriptDocument) -> None:
    """422 with every lint error of the script (see the module notes); warnings pass."""
    codes = session.scalars(select(DispositionCode.code).where(DispositionCode.active.is_(True)))
    catalogue = Catalogue(
        custom_fields=frozenset(f.key for f in field_schema(session)), dispositions=frozenset(codes)
    )
    errors: list[dict[str, Any]] = [
        {"loc": ("body", "body", *m.path), "type": "script_lint", "msg": m.text}
        for m in lint(body.body, source="body", catalogue=catalogue)
        if m.severity == "error"
    ]
    for field in ("id", "version"):
        inner = body.body.get(field)
        if not errors and inner != getattr(body, field):
            msg = f"the script's {field} ({inner!r}) is not the document's ({getattr(body, field)!r})"
            errors.append({"loc": ("body", "body", field), "type": "value_error", "msg": msg})
    if errors:
        raise RequestValidationError(errors)


def _stored(row: Script, spec: ScriptDocument) -> ScriptDocument:
    """The answer for a version already stored: itself when ``spec`` is a re-upload, 409 otherwise."""
    if not crud.same_content(row, spec):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"version {row.version} of script {row.id!r} is stored with other content and cannot "
            "change: upload it as a new version",
        )
    return crud.document_out(row)


_PUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "this version was stored before with the same content"},
    201: {"description": "a new version"},
    403: {"description": "admins only"},
    409: {"description": "this version is stored with other content"},
    413: {"description": "the request is larger than PUT_BODY_MAX bytes"},
}


@router.put(
    "/{script_id}/versions/{version}",
    status_code=status.HTTP_201_CREATED,
    responses=_PUT_RESPONSES,
    max_body_size=PUT_BODY_MAX,
)
def put_script(
    *,
    script_id: Code,
    version: VersionPath,
    body: ScriptDocument,
    admin: AdminUser,
    session: SessionDep,
    audit: AuditDep,
    response: Response,
) -> ScriptDocument:
    """Store a script version (immutable once stored; see the module notes)."""
    _same_key(script_id, version, body)
    existing = crud.get_script(session, script_id=script_id, version=version)
    if existing is not None:
        response.status_code = status.HTTP_200_OK
        return _stored(existing, body)
    _lint(session, body)
    try:
        row = crud.add_script(session, spec=body, created_by=admin)
    except IntegrityError:
        session.rollback()  # a concurrent upload of this version won the race
        existing = crud.get_script(session, script_id=script_id, version=version)
        if existing is None:
            raise
        response.status_code = status.HTTP_200_OK
        return _stored(existing, body)
    audit(
        "script.create",
        target=f"script:{row.id}:{row.version}",
        details={"name": row.name, "queue": row.queue, "segment": row.segment},
    )
    session.commit()
    return crud.document_out(row)


@router.get("")
def list_scripts(_user: CurrentUser, session: SessionDep) -> list[ScriptSummary]:
    """The latest version of every script, by id (without the documents)."""
    return [crud.summary_out(row) for row in crud.list_latest(session)]


@router.get("/select", responses={404: {"description": "no script fits, and there is no default"}})
def select_script(
    _user: CurrentUser, session: SessionDep, queue: Code | None = None, segment: Segment | None = None
) -> ScriptDocument:
    """The script a call in ``queue`` for a contact of ``segment`` opens: most specific first
    (queue and segment, queue, segment, neither), latest version."""
    row = crud.select_script(session, queue=queue, segment=segment or None)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no script fits this queue and segment")
    return crud.document_out(row)


@router.get("/{script_id}/versions/{version}", responses={404: {"description": "no such script version"}})
def read_script(
    script_id: Code, version: VersionPath, _user: CurrentUser, session: SessionDep
) -> ScriptDocument:
    row = crud.get_script(session, script_id=script_id, version=version)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no version {version} of script {script_id!r}")
    return crud.document_out(row)
