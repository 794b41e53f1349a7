"""``/chains``: communication chains (docs/chains.md), for admins only (403 for everyone else).

* ``POST /chains/lint``: the linter's messages for a document (nothing stored).
* ``POST /chains``: store a version (the document names its id and version): **201** new, **200**
  the same document again, **409** that version holds another document, **422** lint errors (one
  entry in ``errors`` per problem, ``loc`` the path inside the chain). Audited.
* ``GET /chains`` (the newest version of each), ``GET /chains/{id}/versions`` and
  ``GET /chains/{id}/versions/{version}``.
* ``POST /chains/{id}/disable`` (no new runs, runs in flight stopped), ``POST /chains/{id}/enable``.
* ``GET /chains/runs`` (``?chain_id=&contact_id=&state=&before_id=&limit=``), ``POST
  /chains/runs/{id}/stop``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, HTTPException, Path, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError

from app.wire.common import Code
from server.api.context import get_context
from server.api.deps import AdminUser, AuditDep, SessionDep
from server.api.schemas.common import MAX_INT32, BigIdPath
from server.chains import store, trigger
from server.chains.lint import lint as lint_chain
from server.models import ChainRun

router = APIRouter(prefix="/chains", tags=["chains"])

BODY_MAX = 1_000_000
Document = Annotated[dict[str, Any], Body(description="the chain document (docs/chains.md) as JSON")]


@router.post("/lint")
def lint(document: Document, _admin: AdminUser, session: SessionDep) -> list[store.LintMessage]:
    """Every problem the linter finds, against this server's catalogue; nothing is stored."""
    return store.lint_messages(lint_chain(document, None, "body", store.catalogue(session)))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "this version was stored before with the same document"},
        409: {"description": "this version is stored with another document"},
        422: {"description": "lint errors"},
    },
    max_body_size=BODY_MAX,
)
def upload(
    *,
    document: Document,
    admin: AdminUser,
    session: SessionDep,
    audit: AuditDep,
    request: Request,
    response: Response,
) -> store.ChainVersion:
    try:
        row, new, _warnings = store.store(session, document, by=admin, source="body")
    except store.Invalid as exc:
        raise RequestValidationError(
            [{"loc": ("body", *m.path), "type": "chain_lint", "msg": m.text} for m in exc.messages]
        ) from None
    except store.Conflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    if not new:
        response.status_code = status.HTTP_200_OK
        return store.version_out(row)
    audit("chain.create", target=f"chain:{row.id}:{row.version}", details={"name": row.name})
    _announce(request, session)
    session.commit()
    trigger.forget()
    return store.version_out(row)


@router.get("")
def list_chains(_admin: AdminUser, session: SessionDep) -> list[store.ChainSummary]:
    return [store.summary(row) for row in store.latest(session)]


@router.get("/runs")
def list_runs(
    *,
    _admin: AdminUser,
    session: SessionDep,
    chain_id: Code | None = None,
    contact_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    state: Annotated[Literal["running", "done", "stopped", "failed"] | None, Query()] = None,
    before_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[store.RunOut]:
    """Runs, newest first, with the step each waits for."""
    return store.runs(
        session, chain_id=chain_id, contact_id=contact_id, state=state, before_id=before_id, limit=limit
    )


@router.post("/runs/{run_id}/stop", responses={404: {"description": "no such run"}})
def stop_run(run_id: BigIdPath, _admin: AdminUser, session: SessionDep, audit: AuditDep) -> dict[str, bool]:
    if session.get(ChainRun, run_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such chain run")
    stopped = store.stop_runs(session, ChainRun.id == run_id, reason="stopped by an admin") > 0
    if stopped:
        audit("chain.run_stop", target=f"chain_run:{run_id}")
    session.commit()
    return {"stopped": stopped}


@router.get("/{chain_id}/versions")
def list_versions(chain_id: Code, _admin: AdminUser, session: SessionDep) -> list[store.ChainSummary]:
    rows = store.versions(session, chain_id)
    if not rows:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no chain {chain_id!r}")
    return [store.summary(row) for row in rows]


@router.get("/{chain_id}/versions/{version}", responses={404: {"description": "no such version"}})
def read_version(
    chain_id: Code,
    version: Annotated[int, Path(ge=1, le=MAX_INT32)],
    _admin: AdminUser,
    session: SessionDep,
) -> store.ChainVersion:
    row = store.get_version(session, chain_id, version)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no version {version} of chain {chain_id!r}")
    return store.version_out(row)


def _announce(request: Request, session: SessionDep) -> None:
    """Every server process drops its map of the chains each code starts when this commits (this
    one at once after the commit: ``trigger.forget``)."""
    get_context(request).status_feed.announce_on_commit(session, trigger.CHAINS_MESSAGE)


def _set_active(
    request: Request, chain_id: str, active: bool, session: SessionDep, audit: AuditDep
) -> store.ChainSummary:
    if not store.set_active(session, chain_id, active):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no chain {chain_id!r}")
    audit("chain.enable" if active else "chain.disable", target=f"chain:{chain_id}")
    _announce(request, session)
    session.commit()
    trigger.forget()
    row = store.get_version(session, chain_id)
    assert row is not None
    return store.summary(row)


@router.post("/{chain_id}/disable", responses={404: {"description": "no such chain"}})
def disable(
    chain_id: Code, _admin: AdminUser, session: SessionDep, audit: AuditDep, request: Request
) -> store.ChainSummary:
    """No new runs; runs in flight are stopped."""
    return _set_active(request, chain_id, False, session, audit)


@router.post("/{chain_id}/enable", responses={404: {"description": "no such chain"}})
def enable(
    chain_id: Code, _admin: AdminUser, session: SessionDep, audit: AuditDep, request: Request
) -> store.ChainSummary:
    return _set_active(request, chain_id, True, session, audit)
