"""The operator-status machine: the operator's choice, the calls' activity and the phone's registration,
kept apart and combined into the status reported to the server. See ``docs/workstation-core.md``."""

from app.status.choice import Choice, Reasons
from app.status.machine import StatusMachine, StatusPolicy
from app.status.view import Activity, StatusView
from app.wire.statuses import PHONE_OFFLINE

__all__ = ["PHONE_OFFLINE", "Activity", "Choice", "Reasons", "StatusMachine", "StatusPolicy", "StatusView"]
