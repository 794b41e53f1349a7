"""The Tasks panel's lists: my due tasks and the team queue with counts by state, the missed-call
badge, and the reminders of owned callbacks falling due (:class:`TaskBoard`); :class:`TaskWatch`
refreshes them from the server in the background.

* **Mine**: tasks owned by or claimed by this operator that are due now.
* **Team queue**: everything else the server lists for this operator (the team's unowned tasks, and
  mine not due yet), in the server's queue order.
* **Missed-call badge**: open and not-reached ``callback_missed`` tasks (the server lists only the
  operator's team's).
* **Reminders**: a ``callback_scheduled`` task owned by this operator whose due time has come is
  announced once per task (a later refresh does not announce it again).

The refresh waits while a call pops (issue 15): fetching, parsing and listing 200 tasks on the GUI
thread, and the server's work to list them, used to land inside any screen pop that fell on the 20 s
tick. :class:`TaskWatch` asks ``quiet`` (the core's :class:`~app.session.popping.PopWatch`) before it
asks the server, and again before it hands the lists over; a refresh is delayed by a pop, never skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from app.client.errors import ApiError
from app.clock import Clock, system_clock
from app.wire.tasks import TaskKind, TaskOut, TaskState

log = logging.getLogger(__name__)

WORKABLE = (TaskState.OPEN, TaskState.IN_PROGRESS, TaskState.NOT_REACHED)
"""The states the panel lists (closed tasks are history)."""
REFRESH_S = 20.0


@dataclass(frozen=True)
class TaskLists:
    mine: tuple[TaskOut, ...] = ()
    team: tuple[TaskOut, ...] = ()
    counts: dict[TaskState, int] = field(default_factory=dict)
    """Every listed task by state."""
    missed: int = 0
    """Missed calls of my queues not called back yet: the badge."""
    reminders: tuple[TaskOut, ...] = ()
    """Owned callbacks that fell due since the last refresh (announce each once)."""


def is_mine(task: TaskOut, me: str) -> bool:
    return me in (task.owner, task.claimed_by)


class TaskBoard:
    """Sorts the server's list into what the panel shows; remembers which reminders were given."""

    def __init__(self, me: str) -> None:
        self.me = me
        self._reminded: set[int] = set()

    def lists(self, tasks: Iterable[TaskOut], now: datetime) -> TaskLists:
        listed = [t for t in tasks if t.state in WORKABLE]
        mine = tuple(t for t in listed if is_mine(t, self.me) and t.due_at <= now)
        team = tuple(t for t in listed if t not in mine)
        counts = dict(Counter(t.state for t in listed))
        missed = sum(
            1
            for t in listed
            if t.kind is TaskKind.CALLBACK_MISSED and t.state in (TaskState.OPEN, TaskState.NOT_REACHED)
        )
        due = [
            t
            for t in mine
            if t.kind is TaskKind.CALLBACK_SCHEDULED and t.owner == self.me and t.id not in self._reminded
        ]
        self._reminded.update(t.id for t in due)
        return TaskLists(mine, team, counts, missed, tuple(due))


class TaskSource(Protocol):
    async def list_tasks(self, states: Iterable[TaskState] = (), limit: int = 200) -> list[TaskOut]: ...


async def _never_wait() -> None:
    return None


class TaskWatch:
    """Refreshes the lists every :data:`REFRESH_S` seconds (and on :meth:`refresh`), telling listeners.
    ``quiet`` returns once no screen pop is under way (see the module docstring)."""

    def __init__(
        self,
        api: TaskSource,
        me: str,
        *,
        clock: Clock = system_clock,
        quiet: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._api = api
        self._clock = clock
        self._quiet = quiet or _never_wait
        self.board = TaskBoard(me)
        self.lists = TaskLists()
        self.online = True
        self._listeners: list[Callable[[TaskLists], None]] = []
        self._loop_task: asyncio.Task[None] | None = None
        self._kick = asyncio.Event()

    def subscribe(self, listener: Callable[[TaskLists], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def refresh(self) -> TaskLists:
        """Read the list once no call pops (the server away: the last lists stay, :attr:`online` is
        cleared)."""
        await self._quiet()
        try:
            tasks = await self._api.list_tasks(WORKABLE)
        except ApiError as exc:
            log.info("the task list is not available now: %s", exc)
            self.online = False
            return self.lists
        await self._quiet()  # a call that rang meanwhile: its card first, then the lists
        self.online = True
        self.lists = self.board.lists(tasks, self._clock())
        for listener in list(self._listeners):
            try:
                listener(self.lists)
            except Exception:
                log.exception("a task list listener failed")
        return self.lists

    def kick(self) -> None:
        """Refresh soon (a task was taken or reported)."""
        self._kick.set()

    def start(self, interval: float = REFRESH_S) -> None:
        if self._loop_task is None:
            self._loop_task = asyncio.get_running_loop().create_task(self._run(interval), name="task-watch")

    async def stop(self) -> None:
        task, self._loop_task = self._loop_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, interval: float) -> None:
        while True:
            self._kick.clear()  # before reading: a kick during the read asks for another one
            await self.refresh()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), interval)


__all__ = ["WORKABLE", "TaskBoard", "TaskLists", "TaskWatch", "is_mine"]
