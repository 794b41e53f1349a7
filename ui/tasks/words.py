"""Task codes in the operator's words (the ``Tasks`` translation context): states, kinds, request
types, attempts and the desk's notices. Codes never reach the screen as they are."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.wire.calls import MissedReason
from app.wire.tasks import AttemptKind, AttemptOut, NotReachedReason, RequestType, TaskKind, TaskState


def _t(text: str) -> str:
    return QCoreApplication.translate("Tasks", text)


def state_label(state: TaskState) -> str:
    return {
        TaskState.OPEN: _t("Open"),
        TaskState.IN_PROGRESS: _t("In progress"),
        TaskState.DONE: _t("Done"),
        TaskState.NOT_REACHED: _t("Not reached"),
        TaskState.SENT_ONLY: _t("Sent by e-mail/SMS"),
        TaskState.CANCELLED: _t("Cancelled"),
        TaskState.EXPIRED: _t("Expired"),
    }[state]


def kind_label(kind: TaskKind) -> str:
    return {
        TaskKind.CALLBACK_MISSED: _t("Missed call"),
        TaskKind.CALLBACK_SCHEDULED: _t("Callback"),
        TaskKind.WEB_REQUEST: _t("Web request"),
    }[kind]


def request_label(request: RequestType) -> str:
    return {
        RequestType.SALES: _t("sales"),
        RequestType.SERVICE: _t("service"),
        RequestType.COMPLAINT: _t("complaint"),
        RequestType.WHERE_TO_BUY: _t("where to buy"),
        RequestType.DISCOUNT: _t("discount"),
        RequestType.OTHER: _t("other"),
    }[request]


def reason_label(reason: str) -> str:
    """A missed call's reason or a not-reached reason."""
    words = {
        MissedReason.ABANDONED.value: _t("hung up in the queue"),
        MissedReason.RANG_OUT.value: _t("nobody answered"),
        MissedReason.OUT_OF_HOURS.value: _t("out of hours"),
        MissedReason.NOBODY_LOGGED_IN.value: _t("nobody was logged in"),
        NotReachedReason.NO_ANSWER.value: _t("no answer"),
        NotReachedReason.BUSY.value: _t("busy"),
        NotReachedReason.VOICEMAIL.value: _t("voicemail"),
        NotReachedReason.WRONG_NUMBER.value: _t("wrong number"),
    }
    return words.get(reason, reason)


def attempt_label(attempt: AttemptOut) -> str:
    """One attempt: "Missed call: hung up in the queue", "Call: not reached (busy)"."""
    outcome, _, reason = attempt.outcome.partition(":")
    if attempt.kind is AttemptKind.MISSED_CALL:
        return _t("Missed call: %1").replace("%1", reason_label(outcome))
    words = {
        "done": _t("done"),
        "not_reached": _t("not reached"),
        "sent_only": _t("sent by e-mail/SMS"),
    }.get(outcome, outcome)
    if reason:
        words = f"{words} ({reason_label(reason)})"
    return _t("Call: %1").replace("%1", words)


def notice_label(notice: str) -> str:
    return {
        "none": _t("No task to do now"),
        "lost": _t("Another operator has this task now"),
        "reported": _t("Task result saved"),
    }.get(notice, "")
