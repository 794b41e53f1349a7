"""When to register where: registrar failover, liveness probes and recovery, as a pure state machine.

PJSIP on its own waits about 32 s of retransmissions before it calls a UDP registrar dead, and only
notices a dead registrar at the next refresh. An operator must not sit "Ready" for minutes while no call
can reach them, so the engine runs this supervisor on its own clock: it answers "register at registrar
N now", "probe registrar N now" and "tell the desktop this", and the engine carries that out with pjsua2.
Kept free of pjsua2 so every timing rule is tested without a SIP stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from app.telephony.events import RegState

# Final REGISTER answers that another registrar would give the same way: wrong credentials or account.
_NOT_A_REGISTRAR_FAULT = frozenset({400, 401, 403, 404, 407, 420, 423, 484})


@dataclass(frozen=True)
class Register:
    """Send a fresh REGISTER to ``registrars[index]`` (dropping any REGISTER still pending)."""

    index: int


@dataclass(frozen=True)
class Probe:
    """Send an OPTIONS to ``registrars[index]``: any answer proves it is alive."""

    index: int


@dataclass(frozen=True)
class Report:
    """Tell the desktop about the registration."""

    state: RegState
    index: int
    code: int = 0
    reason: str = ""
    expires_s: int = 0


Action = Register | Probe | Report


class _Phase(Enum):
    REGISTERING = auto()
    REGISTERED = auto()
    REFUSED = auto()  # the registrar answered with a credentials/account error: no failover helps
    WAITING = auto()  # every registrar failed: try again after the retry interval
    STOPPED = auto()


class RegistrationSupervisor:
    """Registration policy for one account across its registrars, preferred first."""

    def __init__(
        self,
        registrars: tuple[str, ...],
        *,
        failover_timeout_s: float,
        retry_interval_s: float,
        probe_interval_s: float,
    ) -> None:
        if not registrars:
            raise ValueError("an account needs at least one registrar")
        self.registrars = registrars
        self.failover_timeout_s = max(0.2, failover_timeout_s)
        self.retry_interval_s = max(0.2, retry_interval_s)
        self.probe_interval_s = max(0.5, probe_interval_s)
        self.current = 0
        self._phase = _Phase.STOPPED
        self._deadline: float | None = None  # REGISTERING: give up on the current registrar then
        self._next_probe: float | None = None
        self._probe_deadline: float | None = None
        self._next_attempt: float | None = None
        self._tried_in_cycle = 0

    @property
    def state(self) -> RegState:
        """What the operator's routability should show right now."""
        return {
            _Phase.REGISTERING: RegState.REGISTERING,
            _Phase.REGISTERED: RegState.REGISTERED,
            _Phase.REFUSED: RegState.FAILED,
            _Phase.WAITING: RegState.FAILED,
            _Phase.STOPPED: RegState.UNREGISTERED,
        }[self._phase]

    def start(self, now: float) -> list[Action]:
        """Begin with the preferred registrar."""
        self._tried_in_cycle = 0
        return self._register(0, now)

    def stop(self) -> list[Action]:
        """The account is going away: no more timers."""
        self._phase = _Phase.STOPPED
        self._deadline = self._next_probe = self._probe_deadline = self._next_attempt = None
        return [self._report(RegState.UNREGISTERED)]

    def on_response(self, code: int, reason: str, expires_s: int, now: float) -> list[Action]:
        """A final answer to our REGISTER at the current registrar (``code`` 0: transport error)."""
        if self._phase is _Phase.STOPPED:
            return []
        if 200 <= code < 300:
            if expires_s <= 0:
                return [self._report(RegState.UNREGISTERED, code, reason)]
            self._phase = _Phase.REGISTERED
            self._deadline = self._probe_deadline = self._next_attempt = None
            self._tried_in_cycle = 0
            self._next_probe = now + self.probe_interval_s
            return [self._report(RegState.REGISTERED, code, reason, expires_s)]
        if code in _NOT_A_REGISTRAR_FAULT:
            self._phase = _Phase.REFUSED
            self._deadline = self._next_probe = self._probe_deadline = None
            self._next_attempt = None
            return [self._report(RegState.FAILED, code, reason)]
        return [self._report(RegState.FAILED, code, reason), *self._advance(now)]

    def on_probe_answer(self, index: int, now: float) -> list[Action]:
        """A registrar answered an OPTIONS probe: it is alive."""
        if self._phase is not _Phase.REGISTERED:
            return []
        if index == self.current:
            self._probe_deadline = None
            self._next_probe = now + self.probe_interval_s
            return []
        if index == 0 and self.current != 0:
            # The preferred registrar is back: move there (calls are routed through it).
            self._tried_in_cycle = 0
            return self._register(0, now, report=False)
        return []

    def tick(self, now: float) -> list[Action]:
        """Run the timers that are due."""
        if self._phase is _Phase.REGISTERING and self._deadline is not None and now >= self._deadline:
            return [self._report(RegState.FAILED, 408, "registrar did not answer"), *self._advance(now)]
        if self._phase is _Phase.WAITING and self._next_attempt is not None and now >= self._next_attempt:
            self._tried_in_cycle = 0
            return self._register(0, now, report=False)
        if self._phase is _Phase.REGISTERED:
            if self._probe_deadline is not None and now >= self._probe_deadline:
                return [
                    self._report(RegState.FAILED, 408, "registrar stopped answering"),
                    *self._advance(now),
                ]
            if self._next_probe is not None and now >= self._next_probe and self._probe_deadline is None:
                self._probe_deadline = now + self.failover_timeout_s
                self._next_probe = None
                probes: list[Action] = [Probe(self.current)]
                if self.current != 0:
                    probes.append(Probe(0))
                return probes
        return []

    def next_due(self) -> float | None:
        """The earliest time :meth:`tick` has something to do, for the engine's timer."""
        times = [
            t
            for t in (self._deadline, self._next_probe, self._probe_deadline, self._next_attempt)
            if t is not None
        ]
        return min(times) if times else None

    def _register(self, index: int, now: float, *, report: bool = True) -> list[Action]:
        self.current = index
        self._phase = _Phase.REGISTERING
        self._deadline = now + self.failover_timeout_s
        self._next_probe = self._probe_deadline = self._next_attempt = None
        actions: list[Action] = [Register(index)]
        if report:
            actions.append(self._report(RegState.REGISTERING))
        return actions

    def _advance(self, now: float) -> list[Action]:
        """The current registrar failed: the next one, or a pause once all of them were tried."""
        self._tried_in_cycle += 1
        if self._tried_in_cycle < len(self.registrars):
            return self._register((self.current + 1) % len(self.registrars), now, report=False)
        self._phase = _Phase.WAITING
        self._deadline = self._next_probe = self._probe_deadline = None
        self._next_attempt = now + self.retry_interval_s
        return []

    def _report(self, state: RegState, code: int = 0, reason: str = "", expires_s: int = 0) -> Report:
        return Report(state, self.current, code, reason, expires_s)
