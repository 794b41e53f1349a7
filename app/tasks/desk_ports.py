"""What the task desk needs of the server, the outbox and the workstation (typed ports, so the desk is
tested with fakes of each and never imports the client, the store or the workstation's class)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol

from app.session.call import CallSession
from app.sync.items import Saved
from app.wire.contacts import ContactOut
from app.wire.dispositions import Catalogue
from app.wire.tasks import ResultIn, TaskOut
from app.workstation.hub import Hub
from app.workstation.ports import KnownContact


class TaskApi(Protocol):
    async def next_task(self) -> TaskOut | None: ...

    async def renew_task(self, task_id: int) -> TaskOut: ...

    async def release_task(self, task_id: int) -> TaskOut: ...


class ResultOutbox(Protocol):
    def add_task_result(self, task_id: int, result: ResultIn) -> Saved: ...

    def task_result_pending(self, task_id: int) -> bool: ...


class Phone(Protocol):
    """The workstation, as far as tasks need it."""

    hub: Hub

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def calls(self) -> Mapping[str, CallSession]: ...

    async def find_contact(self, number: str) -> ContactOut | None: ...

    async def dial(
        self, target: str, *, queue: str | None = None, known: KnownContact | None = None
    ) -> str: ...

    def submit_disposition(
        self, call_id: str, code: str, *, comment: str = "", callback_at: datetime | None = None
    ) -> None: ...

    def write_held(self, what: str, write: Callable[[], object], *, key: str | None = None) -> bool: ...
