"""The budget every template and condition evaluation runs under: time, steps and characters.

Why a budget and not a list of tricks: a script is written by an admin and rendered on the GUI thread of
every operator's desktop, mid-call. A template that builds a gigabyte or computes for a minute freezes
the desk, so whatever a template does, one evaluation must stay within:

* :data:`TIME_MAX` seconds of wall clock and :data:`STEPS_MAX` steps (a step is an operator, a call, a
  filter, a loop iteration or a printed value; the sandbox ticks the budget on each), so loops and
  calls cannot run on;
* :data:`VALUE_MAX` characters (or list items) for any value an operation builds, checked *before* the
  operation computes it: ``'a' * n``, ``x ** n`` (by the result's bit length, :data:`INT_BITS_MAX`),
  ``replace``, ``join``, ``format`` and ``%`` widths are estimated from their inputs first;
* :data:`OUTPUT_MAX` characters produced in all (every printed value, plus each loop iteration's
  literal text), so a loop cannot fill a buffer either.

Exceeding any of them raises :class:`TooExpensive`; the runner shows "this script step is too expensive"
in the panel instead of the text. Since every value is bounded when it is built, no single operation
can take long or allocate much, and the checks between operations bound the total.
"""

from __future__ import annotations

import re
import string
import time
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import Any

from jinja2.exceptions import SecurityError

TIME_MAX = 0.2
"""Seconds of CPU one evaluation may take (a normal step renders in well under a millisecond). CPU time
of the thread, not wall clock: a desktop descheduled by a busy machine must not refuse a plain step, and
a template's cost is what it computes."""
STEP_TIME_MAX = 0.5
"""Seconds all evaluations of one runner move (Next, Back, drawing a step) may take together: inside a
move they share this clock instead of each having :data:`TIME_MAX`, so a chain of branches cannot add up
to a stall."""
CLOCK_EVERY = 32
"""Steps between two looks at the clock (reading a thread's CPU time is a system call)."""
STEPS_MAX = 200_000
"""Operations one evaluation may perform: a bound that does not depend on the machine's load."""
VALUE_MAX = 16_000
"""Characters of a string (or items, or printed characters of a list) one operation may build."""
OUTPUT_MAX = 100_000
"""Characters one evaluation may produce in all (what is shown is cut at ``RENDERED_MAX``)."""
INT_BITS_MAX = 4096
"""Bits of an integer a template may compute (about 1,200 digits: more than any call needs)."""
FLOAT_CHARS = 330
"""Characters a float may print as (``'%f' % 1e308``)."""


class TooExpensive(SecurityError):
    """An evaluation went beyond its budget; ``str()`` says which limit, in English."""


class Clock:
    """The CPU deadline of one evaluation, or shared by all the evaluations of one runner move.

    Read every :data:`CLOCK_EVERY` steps, and first read then: the time runs from the first look, so an
    ordinary step (a few dozen steps in all) never pays for a system call, and what ran before the first
    look is at most :data:`CLOCK_EVERY` bounded steps. Once it has run out, every evaluation sharing it
    is refused as it starts.
    """

    __slots__ = ("deadline", "seconds", "spent")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline: float | None = None
        self.spent = False

    def check(self) -> None:
        now = time.thread_time()
        if self.deadline is None:
            self.deadline = now + self.seconds
        elif self.spent or now > self.deadline:
            self.spent = True
            raise TooExpensive(f"more than {self.seconds:g} s of computing")


class Budget:
    """What one evaluation has left; see the module notes."""

    __slots__ = ("chars", "clock", "missing", "steps")

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.steps = 0
        self.chars = 0
        self.missing = 0
        """Missing values printed (placeholders): a prefill with any is not used."""

    def tick(self, chars: int = 0) -> None:
        self.steps += 1
        if chars:
            self.chars += chars
            if self.chars > OUTPUT_MAX:
                raise TooExpensive(f"more than {OUTPUT_MAX} characters of output")
        if self.steps > STEPS_MAX:
            raise TooExpensive(f"more than {STEPS_MAX} operations")
        if self.steps % CLOCK_EVERY == 0:
            self.clock.check()


_CURRENT: ContextVar[Budget | None] = ContextVar("script_budget", default=None)


class budget:  # noqa: N801 - used as a function: ``with budget.budget():``
    """A fresh budget for one evaluation, or for one runner move (whose evaluations then share its
    clock, so a chain of branches cannot add up past it). Refused at once when that clock has run out."""

    __slots__ = ("current", "token")

    def __init__(self, seconds: float = TIME_MAX) -> None:
        outer = _CURRENT.get()
        if outer is not None:
            if outer.clock.spent:
                raise TooExpensive(f"more than {outer.clock.seconds:g} s of computing")
            self.current = Budget(outer.clock)
        else:
            self.current = Budget(Clock(seconds))
        self.token: Any = None

    def __enter__(self) -> Budget:
        self.token = _CURRENT.set(self.current)
        return self.current

    def __exit__(self, *_exc: object) -> None:
        _CURRENT.reset(self.token)


def tick(chars: int = 0) -> None:
    """Count one step (and ``chars`` produced) against the current budget; outside one, nothing."""
    current = _CURRENT.get()
    if current is not None:
        current.tick(chars)


def note_missing() -> None:
    current = _CURRENT.get()
    if current is not None:
        current.missing += 1


def weight(value: Any, limit: int = VALUE_MAX) -> int:
    """About how many characters ``value`` prints as; counting stops once past ``limit``.

    Cheap whatever the value: a list is walked only until its weight passes ``limit``.
    """
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return value.bit_length() * 31 // 100 + 2
    if isinstance(value, float):
        return FLOAT_CHARS
    if isinstance(value, Mapping):
        total = 2
        for key in value:
            total += weight(key, limit) + weight(value[key], limit) + 4
            if total > limit:
                return total
        return total
    if isinstance(value, list | tuple | set | frozenset):
        total = 2
        for item in value:
            total += weight(item, limit) + 4
            if total > limit:
                return total
        return total
    return 24


def bounded(value: Any, what: str = "a value") -> Any:
    """``value`` if it weighs at most :data:`VALUE_MAX`; :class:`TooExpensive` otherwise."""
    if weight(value) > VALUE_MAX:
        raise TooExpensive(f"{what} longer than {VALUE_MAX} characters")
    return value


def check_size(estimate: int, what: str) -> None:
    if estimate > VALUE_MAX:
        raise TooExpensive(f"{what} would be {estimate} characters, more than {VALUE_MAX}")


def power(left: Any, right: Any) -> None:
    """Refuse ``left ** right`` whose result would have more than :data:`INT_BITS_MAX` bits."""
    big = isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1
    if big and (abs(left).bit_length() - 1) * right > INT_BITS_MAX:
        raise TooExpensive(f"a number of more than {INT_BITS_MAX} bits")


def product(left: Any, right: Any) -> None:
    """Refuse ``left * right`` that would build a long text or list, or a huge number."""
    if isinstance(left, int) and isinstance(right, int):
        if abs(left).bit_length() + abs(right).bit_length() > INT_BITS_MAX:
            raise TooExpensive(f"a number of more than {INT_BITS_MAX} bits")
        return
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int) and times > 0:
            check_size(times * max(weight(seq), 1), "a repeated text or list")


def concatenation(*parts: Any) -> None:
    check_size(sum(weight(p) for p in parts), "a joined text or list")


def replacement(text: str, old: str, new: str, count: int = -1) -> None:
    """Refuse ``text.replace(old, new)`` whose result would be too long (counted before replacing)."""
    occurrences = len(text) + 1 if old == "" else text.count(old)
    if count is not None and count >= 0:
        occurrences = min(occurrences, count)
    check_size(len(text) + occurrences * max(len(new) - len(old), 0), "a replaced text")


def joined(items: Iterable[Any], separator: str) -> None:
    total = 0
    for item in items:
        total += weight(item) + len(separator)
        check_size(total, "a joined text")


_FORMAT_SPEC = re.compile(r"^(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?$", re.DOTALL)
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([a-zA-Z%])")


def _widest(args: Iterable[Any]) -> int:
    return max((weight(a) for a in args), default=0)


def format_call(source: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Refuse ``source.format(...)`` whose widths, precisions or arguments would build a long text."""
    widest = _widest((*args, *kwargs.values()))
    estimate = 0
    try:
        parsed = list(string.Formatter().parse(source))
    except ValueError:
        return  # not a valid format: Python refuses it without building anything
    for literal, name, given, _conversion in parsed:
        estimate += len(literal)
        if name is None:
            continue
        spec = given or ""
        match = _FORMAT_SPEC.match(spec)
        if "{" in spec or match is None:
            raise TooExpensive("a format width or precision taken from a value")
        width, precision = int(match[1] or 0), int(match[2] or 0)
        estimate += max(width, widest + precision + 40)
    check_size(estimate, "a formatted text")


def percent_format(source: str, args: Any) -> None:
    """Refuse ``source % args`` whose widths, precisions or arguments would build a long text."""
    values = args.values() if isinstance(args, Mapping) else args if isinstance(args, tuple) else (args,)
    widest = _widest(values)
    estimate = len(source)
    for match in _PERCENT_SPEC.finditer(source):
        if match[1] == "*" or match[2] == "*":
            raise TooExpensive("a format width or precision taken from a value")
        width, precision = int(match[1] or 0), int(match[2] or 0)
        estimate += max(width, widest + precision + 40)
    check_size(estimate, "a formatted text")
