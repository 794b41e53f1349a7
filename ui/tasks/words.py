"""Task codes in the operator's words (the ``Tasks`` translation context): states, kinds, request
types, attempts and the desk's notices. Codes never reach the screen as they are."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.wire.calls import MissedReason
from app.wire.tasks import (
    AttemptKind,
    AttemptOut,
    NotReachedReason,
    RequestType,
    TaskKind,
    TaskOut,
    TaskState,
)


def state_label(state: TaskState) -> str:
    return {
        TaskState.OPEN: QCoreApplication.translate("Tasks", "Open"),
        TaskState.IN_PROGRESS: QCoreApplication.translate("Tasks", "In progress"),
        TaskState.DONE: QCoreApplication.translate("Tasks", "Done"),
        TaskState.NOT_REACHED: QCoreApplication.translate("Tasks", "Not reached"),
        TaskState.SENT_ONLY: QCoreApplication.translate("Tasks", "Sent by e-mail/SMS"),
        TaskState.CANCELLED: QCoreApplication.translate("Tasks", "Cancelled"),
        TaskState.EXPIRED: QCoreApplication.translate("Tasks", "Expired"),
    }[state]


def kind_label(kind: TaskKind) -> str:
    return {
        TaskKind.CALLBACK_MISSED: QCoreApplication.translate("Tasks", "Missed call"),
        TaskKind.CALLBACK_SCHEDULED: QCoreApplication.translate("Tasks", "Callback"),
        TaskKind.WEB_REQUEST: QCoreApplication.translate("Tasks", "Web request"),
    }[kind]


def request_label(request: RequestType) -> str:
    return {
        RequestType.SALES: QCoreApplication.translate("Tasks", "sales"),
        RequestType.SERVICE: QCoreApplication.translate("Tasks", "service"),
        RequestType.COMPLAINT: QCoreApplication.translate("Tasks", "complaint"),
        RequestType.WHERE_TO_BUY: QCoreApplication.translate("Tasks", "where to buy"),
        RequestType.DISCOUNT: QCoreApplication.translate("Tasks", "discount"),
        RequestType.OTHER: QCoreApplication.translate("Tasks", "other"),
    }[request]


def reason_label(reason: str) -> str:
    """A missed call's reason or a not-reached reason."""
    words = {
        MissedReason.ABANDONED.value: QCoreApplication.translate("Tasks", "hung up in the queue"),
        MissedReason.RANG_OUT.value: QCoreApplication.translate("Tasks", "nobody answered"),
        MissedReason.OUT_OF_HOURS.value: QCoreApplication.translate("Tasks", "out of hours"),
        MissedReason.NOBODY_LOGGED_IN.value: QCoreApplication.translate("Tasks", "nobody was logged in"),
        NotReachedReason.NO_ANSWER.value: QCoreApplication.translate("Tasks", "no answer"),
        NotReachedReason.BUSY.value: QCoreApplication.translate("Tasks", "busy"),
        NotReachedReason.VOICEMAIL.value: QCoreApplication.translate("Tasks", "voicemail"),
        NotReachedReason.WRONG_NUMBER.value: QCoreApplication.translate("Tasks", "wrong number"),
    }
    return words.get(reason, reason)


def attempt_label(attempt: AttemptOut) -> str:
    """One attempt: "Missed call: hung up in the queue", "Call: not reached (busy)"."""
    outcome, _, reason = attempt.outcome.partition(":")
    if attempt.kind is AttemptKind.MISSED_CALL:
        return QCoreApplication.translate("Tasks", "Missed call: %1").replace("%1", reason_label(outcome))
    words = {
        "done": QCoreApplication.translate("Tasks", "done"),
        "not_reached": QCoreApplication.translate("Tasks", "not reached"),
        "sent_only": QCoreApplication.translate("Tasks", "sent by e-mail/SMS"),
    }.get(outcome, outcome)
    if reason:
        words = f"{words} ({reason_label(reason)})"
    return QCoreApplication.translate("Tasks", "Call: %1").replace("%1", words)


def notice_label(notice: str) -> str:
    return {
        "none": QCoreApplication.translate("Tasks", "No task to do now"),
        "lost": QCoreApplication.translate("Tasks", "Another operator has this task now"),
        "reported": QCoreApplication.translate("Tasks", "Task result saved"),
        "sending": QCoreApplication.translate(
            "Tasks", "The last task's result is still on its way to the server: try again in a moment"
        ),
        "released": QCoreApplication.translate("Tasks", "Task given back to the queue"),
    }.get(notice, "")


def why_label(task: TaskOut) -> str:
    """Why there is a task: "Missed call (hung up in the queue)", "Web request: sales"."""
    why = kind_label(task.kind)
    if task.request_type is not None:
        why = f"{why}: {request_label(task.request_type)}"
    missed = [a for a in task.attempts if a.kind is AttemptKind.MISSED_CALL]
    if missed:
        why = f"{why} ({reason_label(missed[-1].outcome)})"
    return why
