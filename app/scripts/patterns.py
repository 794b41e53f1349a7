"""The ``pattern`` of a text field, run with RE2: time linear in the answer, whatever the pattern.

Why RE2 (``google-re2``) and not Python's ``re``: a pattern is an admin's regular expression run on
every answer on the operator's GUI thread, and ``re`` backtracks: ``(a+)+b`` takes seconds on 30
characters and doubles with each one more. RE2 has no backtracking, so no pattern can stall an answer;
the price is that backreferences (``\\1``) and lookaround (``(?=``) are not available, which the linter
reports when a pattern uses them.

Patterns are written in Python's syntax, which RE2 shares for everything else, with one difference
smoothed over here: in RE2 ``\\d`` and ``\\w`` are ASCII only, while a Russian answer needs ``\\w`` to
match ``Ж``. :func:`translate` rewrites them to their Unicode meanings (``\\p{Nd}``, ``[\\p{L}\\p{N}_]``)
so a pattern means what it means in Python.

The linter also warns about nested quantifiers (``(a+)+``): harmless with RE2, but the classic
catastrophic pattern anywhere else, and always a simpler pattern in disguise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import re2  # type: ignore[import-untyped]

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors come back as exceptions; RE2's own logging would go to stderr

_CLASS_OUTSIDE = {"d": r"\p{Nd}", "D": r"\P{Nd}", "w": r"[\p{L}\p{N}_]", "W": r"[^\p{L}\p{N}_]"}
_CLASS_INSIDE = {"d": r"\p{Nd}", "w": r"\p{L}\p{N}_"}


class PatternError(ValueError):
    """A pattern RE2 cannot run; the message says why."""


def translate(source: str) -> str:
    """``source`` with ``\\d``, ``\\w`` (and their negations outside ``[...]``) meaning what Python means."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source):
            letter = source[i + 1]
            table = _CLASS_INSIDE if in_class else _CLASS_OUTSIDE
            if letter in table:
                out.append(table[letter])
            elif in_class and letter in "DW":
                raise PatternError(f"\\{letter} inside [...] is not supported; write the characters allowed")
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            if source[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if source[i + 1 : i + 2] == "]":  # a ']' first in a class is a literal
                out.append("]")
                i += 1
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        i += 1
    return "".join(out)


@lru_cache(maxsize=1024)
def compiled(source: str) -> Any:
    """The RE2 program for ``source``; :class:`PatternError` when RE2 cannot run it."""
    try:
        return re2.compile(translate(source), _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(reason) from None


def full_match(source: str, text: str) -> bool:
    return compiled(source).fullmatch(text) is not None


def nested_quantifiers(source: str) -> bool:
    """Whether a group repeated without bound in ``source`` holds another unbounded repeat (``(a+)+``,
    ``(\\w+\\s?)*``): the shape that backtracking engines take exponential time on."""
    try:
        tree = re._parser.parse(source)  # type: ignore[attr-defined]
    except (re.error, RecursionError):
        return False
    return any(_repeats(items, inside=False) for items in [tree])


_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


def _repeats(items: Any, *, inside: bool) -> bool:
    for op, argument in items:
        if str(op) in _REPEATS:
            _low, high, sub = argument
            unbounded = high == re._constants.MAXREPEAT  # type: ignore[attr-defined]
            if unbounded and inside:
                return True
            if _repeats(sub, inside=inside or unbounded):
                return True
        else:
            for child in _children(argument):
                if _repeats(child, inside=inside):
                    return True
    return False


def _children(argument: Any) -> Iterator[Any]:
    """Sub-patterns inside a group, a branch or a lookaround (the parser's nested lists)."""
    if isinstance(argument, re._parser.SubPattern):  # type: ignore[attr-defined]
        yield argument
    elif isinstance(argument, tuple | list):
        for item in argument:
            yield from _children(item)
