"""The core's refusals and the server's errors in the operator's language.

The core (``app/``) cannot use Qt's translations: a :class:`~app.refused.Refused` carries a stable
``key`` and plain parameters, and this one table turns them into a sentence ("Сейчас нет звонка, на
который можно ответить"). A key missing here falls back to the core's English sentence, so a new
refusal is never silent, only untranslated until it is added (``tests/ui/test_refusals.py`` lists every
key the core raises).

Server errors are shown by what they mean for the operator (no connection, login again, the record
changed, refused); the server's own detail is English and secondary: logged, and shown as a tooltip
where there is one, for whoever the operator asks for help.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication

from app.client.errors import ApiError, ConflictError, LoginRequiredError, RejectedError, TransientError
from app.refused import Refused
from ui.labels import choice_label, status_label


def _actions() -> dict[str, str]:
    """The intents the core names in its refusals (``what``), as the object of a sentence."""
    return {
        "answer": QCoreApplication.translate("Refusals", "answer"),
        "reject": QCoreApplication.translate("Refusals", "reject the call"),
        "hang up": QCoreApplication.translate("Refusals", "hang up"),
        "hold": QCoreApplication.translate("Refusals", "put the call on hold"),
        "put on hold": QCoreApplication.translate("Refusals", "put the call on hold"),
        "resume": QCoreApplication.translate("Refusals", "resume the call"),
        "send digits": QCoreApplication.translate("Refusals", "send keypad digits"),
        "send keypad digits": QCoreApplication.translate("Refusals", "send keypad digits"),
        "transfer": QCoreApplication.translate("Refusals", "transfer the call"),
        "attach a contact": QCoreApplication.translate("Refusals", "attach a contact"),
        "attach script answers": QCoreApplication.translate("Refusals", "save the script's answers"),
        "submit a disposition": QCoreApplication.translate("Refusals", "save the call result"),
        "leave after-call work": QCoreApplication.translate("Refusals", "leave after-call work"),
        "end the shift": QCoreApplication.translate("Refusals", "end the shift"),
        "change the status": QCoreApplication.translate("Refusals", "change the status"),
    }


def _phases() -> dict[str, str]:
    """A call's phase as the state of the call."""
    return {
        "ringing": QCoreApplication.translate("Refusals", "ringing"),
        "dialing": QCoreApplication.translate("Refusals", "being dialled"),
        "talking": QCoreApplication.translate("Refusals", "in conversation"),
        "held": QCoreApplication.translate("Refusals", "on hold"),
        "ended": QCoreApplication.translate("Refusals", "ended"),
        "acw": QCoreApplication.translate("Refusals", "in after-call work"),
        "done": QCoreApplication.translate("Refusals", "finished"),
    }


def _action(params: Mapping[str, str]) -> str:
    return _actions().get(params.get("what", ""), QCoreApplication.translate("Refusals", "do this"))


def _phase(params: Mapping[str, str], name: str = "phase") -> str:
    return _phases().get(params.get(name, ""), "")


def _choice(params: Mapping[str, str]) -> str:
    return choice_label(params.get("status", ""), params.get("reason") or None)


_Sentence = Callable[[Mapping[str, str]], str]


def _table() -> dict[str, _Sentence]:
    """Every refusal key of the core and its sentence."""
    return {
        "no_call": lambda p: QCoreApplication.translate("Refusals", "There is no call to %1").replace(
            "%1", _action(p)
        ),
        "ambiguous": lambda p: QCoreApplication.translate(
            "Refusals", "Several calls could be meant: choose the call first"
        ),
        "unknown_call": lambda p: QCoreApplication.translate(
            "Refusals", "That call is no longer on the desk"
        ),
        "wrong_phase": lambda p: (
            QCoreApplication.translate("Refusals", "Cannot %1: the call is %2")
            .replace("%1", _action(p))
            .replace("%2", _phase(p))
        ),
        "pending": lambda p: QCoreApplication.translate(
            "Refusals", "Cannot %1 yet: waiting for the phone"
        ).replace("%1", _action(p)),
        "call_ended": lambda p: QCoreApplication.translate(
            "Refusals", "Cannot %1: the call has ended"
        ).replace("%1", _action(p)),
        "call_done": lambda p: QCoreApplication.translate(
            "Refusals", "Cannot %1: the call's result is already saved"
        ).replace("%1", _action(p)),
        "call_not_ended": lambda p: QCoreApplication.translate("Refusals", "The call has not ended yet"),
        "reject_code": lambda p: QCoreApplication.translate(
            "Refusals", "A call can only be rejected as busy or declined"
        ),
        "hangup_ringing": lambda p: QCoreApplication.translate(
            "Refusals", "A ringing call is rejected, not hung up"
        ),
        "hangup_pending": lambda p: QCoreApplication.translate(
            "Refusals", "Hanging up already: waiting for the phone"
        ),
        "dtmf_digits": lambda p: QCoreApplication.translate(
            "Refusals", "Keypad digits are 0-9, *, # and A-D (up to 32)"
        ),
        "transfer_target": lambda p: QCoreApplication.translate(
            "Refusals", "Enter the number or address to transfer to"
        ),
        "no_consult": lambda p: QCoreApplication.translate(
            "Refusals", "There is no consultation call to complete the transfer with"
        ),
        "transfer_not_connected": lambda p: QCoreApplication.translate(
            "Refusals", "Only a connected call can be transferred"
        ),
        "transfer_consult": lambda p: QCoreApplication.translate(
            "Refusals", "A consultation call cannot itself be transferred"
        ),
        "transfer_under_way": lambda p: QCoreApplication.translate(
            "Refusals", "A transfer to %1 is already under way"
        ).replace("%1", p.get("target", "")),
        "consult_not_answered": lambda p: QCoreApplication.translate(
            "Refusals", "The consulted party has not answered yet"
        ),
        "script_ref": lambda p: QCoreApplication.translate(
            "Refusals", "The script's answers could not be saved: the script is unknown"
        ),
        "anomaly": lambda p: QCoreApplication.translate(
            "Refusals", "The phone reported something that does not fit the call: see the log"
        ),
        "duplicate": lambda p: QCoreApplication.translate("Refusals", "This call is already on the desk"),
        "answer_dialling": lambda p: QCoreApplication.translate(
            "Refusals", "Cancel the outgoing call being dialled before answering another"
        ),
        "mute_phase": lambda p: QCoreApplication.translate(
            "Refusals", "The microphone can be turned off during a conversation only"
        ),
        "already_muted": lambda p: QCoreApplication.translate("Refusals", "The microphone is already off"),
        "already_unmuted": lambda p: QCoreApplication.translate("Refusals", "The microphone is already on"),
        "dial_target": lambda p: QCoreApplication.translate("Refusals", "Enter a number to dial"),
        "already_dialling": lambda p: QCoreApplication.translate(
            "Refusals", "An outgoing call is already being dialled"
        ),
        "restore_phase": lambda p: QCoreApplication.translate(
            "Refusals", "Only a call in after-call work can be reopened"
        ),
        "disposition_invalid": lambda p: QCoreApplication.translate(
            "Refusals", "The call result is not complete: check the form"
        ),
        "disposition_unknown": lambda p: QCoreApplication.translate(
            "Refusals", "This result is not offered for this call"
        ),
        "acw_timed": lambda p: QCoreApplication.translate(
            "Refusals", "After-call work lasts until its timer ends"
        ),
        "acw_required": lambda p: QCoreApplication.translate(
            "Refusals", "Choose a call result to finish after-call work"
        ),
        "recording_unavailable": lambda p: QCoreApplication.translate(
            "Refusals", "This call is not being recorded"
        ),
        "phone_refused": lambda p: QCoreApplication.translate(
            "Refusals", "The phone could not do it: try again"
        ),
        "store": lambda p: QCoreApplication.translate(
            "Refusals",
            "The call result could not be saved on this computer: it stays in the form. See the banner "
            "above, then finish again",
        ),
        "status_system": lambda p: QCoreApplication.translate(
            "Refusals", "%1 follows from the phone and is never chosen"
        ).replace("%1", status_label(p.get("status", ""))),
        "reason_mismatch": lambda p: QCoreApplication.translate(
            "Refusals", "Choose a reason from the list for a not-ready status"
        ),
        "reason_unknown": lambda p: QCoreApplication.translate(
            "Refusals", "This reason is not in the list any more"
        ),
        "reason_retired": lambda p: QCoreApplication.translate("Refusals", "This reason is no longer used"),
        "reason_system": lambda p: QCoreApplication.translate(
            "Refusals", "This reason is set by the system, never chosen"
        ),
        "approval": lambda p: QCoreApplication.translate(
            "Refusals", "%1 needs your team lead's approval: ask for it"
        ).replace("%1", _choice({"status": "not_ready", "reason": p.get("reason", "")})),
        "shift_started": lambda p: QCoreApplication.translate("Refusals", "The shift has already started"),
        "shift_not_started": lambda p: QCoreApplication.translate(
            "Refusals", "Cannot %1: the shift has not started"
        ).replace("%1", _action(p)),
        "offline_is_end": lambda p: QCoreApplication.translate("Refusals", "Use End of shift to go offline"),
        "same": lambda p: QCoreApplication.translate("Refusals", "The status is already %1").replace(
            "%1", _choice(p)
        ),
        "not_on_call": lambda p: QCoreApplication.translate(
            "Refusals", "Not on a call: set the status directly"
        ),
        "forced": lambda p: QCoreApplication.translate(
            "Refusals", "Your team lead has set %1 for after this call"
        ).replace("%1", _choice(p)),
        "status_busy": lambda p: QCoreApplication.translate(
            "Refusals", "Cannot %1 during a call or after-call work: choose it as the next status"
        ).replace("%1", _action(p)),
        "task_not_previewed": lambda p: QCoreApplication.translate(
            "Refusals", "Take a task first (Next task), then call the client"
        ),
        "task_set_aside": lambda p: QCoreApplication.translate(
            "Refusals", "A call is on the desk: call the task's client when it is over"
        ),
        "task_not_unanswered": lambda p: QCoreApplication.translate(
            "Refusals", "The task's call was answered: choose its result in the form"
        ),
    }


KNOWN_KEYS: frozenset[str] = frozenset(_table())
"""The keys :func:`refusal_text` translates (a test checks this against the table and the core)."""


def refusal_text(refused: Refused) -> str:
    """The refusal in the UI's language (its English ``reason`` for a key not in the table)."""
    sentence = _table().get(refused.key)
    return sentence(refused.params) if sentence is not None else refused.reason


def server_error_text(error: ApiError) -> str:
    """A server error by what it means for the operator (:func:`server_error_detail` has the server's
    own words, which are English and stay out of the sentence)."""
    status = error.status or 0
    if isinstance(error, LoginRequiredError) or status == 401:
        head = QCoreApplication.translate("Refusals", "The session has expired: log in again")
    elif isinstance(error, ConflictError) or status == 412:
        head = QCoreApplication.translate("Refusals", "Someone else changed this record meanwhile")
    elif status == 409:
        head = QCoreApplication.translate("Refusals", "This clashes with another record on the server")
    elif isinstance(error, TransientError) or status >= 500:
        head = QCoreApplication.translate(
            "Refusals", "The server is not reachable now: it will be tried again"
        )
    elif status == 403:
        head = QCoreApplication.translate("Refusals", "Not allowed for your role")
    elif status == 404:
        head = QCoreApplication.translate("Refusals", "Not found on the server")
    elif isinstance(error, RejectedError) or 400 <= status < 500:
        head = QCoreApplication.translate("Refusals", "The server refused it")
    else:
        head = QCoreApplication.translate("Refusals", "The server could not do it")
    return head


def server_error_detail(error: ApiError) -> str:
    """The server's own explanation (English, for the log and a tooltip: secondary to the sentence)."""
    status = f"HTTP {error.status}: " if error.status else ""
    return f"{status}{error}".strip()


def error_text(error: BaseException) -> str:
    """Any failure of an intent, for the status line: refusals and server errors translated, anything
    else by a translated sentence with its own text after it."""
    if isinstance(error, Refused):
        return refusal_text(error)
    if isinstance(error, ApiError):
        return server_error_text(error)
    detail = str(error) or type(error).__name__
    return QCoreApplication.translate("Refusals", "Something went wrong (%1)").replace("%1", detail)
