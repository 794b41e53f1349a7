"""The operator's status intents (start and end of shift, a chosen status, a lead's force, a refusal,
the catalogue's reasons), as the workstation's. Each asks the status machine and hands what changed to
the workstation's reporting, which stores it for the server and publishes it. Kept apart from the
coordinator so each reads on its own; :class:`StatusIntents` is mixed into
:class:`~app.workstation.coordinator.Workstation`, which supplies the plumbing declared below.
"""

from __future__ import annotations

from app.clock import Clock
from app.status.choice import Choice, Reasons
from app.status.machine import StatusMachine
from app.status.view import StatusView
from app.wire.dispositions import Catalogue
from app.wire.statuses import CONNECTION_LOST, BoardRow, OperatorStatus, StatusChangeIn
from app.workstation.hub import Hub
from app.workstation.notices import CatalogueChanged, StatusRefused
from app.workstation.resume import Resume


class StatusIntents:
    """The status intents; the workstation provides the machine, the clock and the reporting."""

    _status: StatusMachine
    _clock: Clock
    _catalogue: Catalogue
    _last_view: StatusView | None
    hub: Hub

    def _report(self, changes: list[StatusChangeIn]) -> None:
        raise NotImplementedError

    def start_shift(self) -> None:
        self._report(self._status.start_shift(self._clock()))

    def resume_shift(self, resume: Resume) -> None:
        """Go on with the shift this desk was in when it stopped (:func:`app.workstation.resume.plan`),
        instead of :meth:`start_shift`: before calls are restored, then :meth:`report_status`."""
        self._status.resume_shift(resume.choice, resume.reported, resume.since)
        self._last_view = self._status.view()

    def report_status(self) -> None:
        """Report the status if it differs from what the server holds (after :meth:`resume_shift` and
        the calls restored)."""
        self._report(self._status.set_registered(self._status.view().registered, self._clock()))

    def back_online(self, server: BoardRow) -> bool:
        """The desk reached the server again and read what it holds (``GET /me/status``). When the
        server made the operator not routable while the desk was cut off (``connection_lost``, newer
        than the desk's own status), the desk's status is reported again: the desk is alive and the
        operator's choice stands. Whether it was."""
        view = self._status.view()
        lost = server.status is OperatorStatus.NOT_READY and server.reason == CONNECTION_LOST
        if not lost or server.since < view.since or view.reason == CONNECTION_LOST:
            return False
        self._report(self._status.reassert(self._clock()))
        return True

    def end_shift(self) -> None:
        self._report(self._status.end_shift(self._clock()))

    def set_status(self, choice: Choice) -> None:
        self._report(self._status.set_status(choice, self._clock()))

    def choose_next(self, choice: Choice | None) -> None:
        self._status.choose_next(choice)
        self._report([])

    def force_status(self, choice: Choice, *, by: str = "", request: int | None = None) -> None:
        """A team lead's status for this operator (applies after the current call); ``request`` is the
        server's id of the force, carried by the change that applies it."""
        self._report(self._status.force(choice, self._clock(), by=by, request=request))

    def applied_by_server(self, choice: Choice, *, by: str = "") -> None:
        """A team lead's force the server already applied (the operator was free): shown, not sent
        back (the server would refuse a team lead's change from the operator's desktop)."""
        self._report(self._status.applied_by_server(choice, self._clock()))

    def status_refused(self, change: StatusChangeIn, reason: str) -> None:
        """The server refused a status change this desk sent (``reason``: its answer). The status goes
        back to the choice before it (:meth:`StatusMachine.refused`) and :class:`StatusRefused` tells
        the operator, so the desk never shows a status the server does not hold."""
        changes = self._status.refused(change, self._clock())
        self.hub.publish(StatusRefused(change, reason, self._status.view()))
        self._report(changes)

    def approved_break(self, choice: Choice) -> None:
        """A team lead approved the break this operator asked for."""
        self._report(self._status.approved(choice, self._clock()))

    def update_catalogue(self, catalogue: Catalogue) -> None:
        """A fresh catalogue from the server: the reasons and codes on screen follow
        (:class:`CatalogueChanged`), and the status follows a reason's new flags."""
        if catalogue == self._catalogue:
            return
        self._catalogue = catalogue
        self.hub.publish(CatalogueChanged(catalogue))
        self._report(self._status.update_reasons(Reasons(catalogue.reasons), self._clock()))
