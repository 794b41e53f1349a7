"""What templates are given to read: records of data, and the placeholder a missing value becomes.

* Data reaches templates as :class:`Record` objects whose attributes are their keys and nothing else
  (a plain ``dict`` would expose ``.items`` and ``.pop``).
* A missing value renders as :class:`Placeholder` text ``[city?]``: the operator sees that the CRM
  has no city and can ask, instead of reading "you live in ." aloud. Unsafe access is not a missing
  value: it raises :class:`TemplateRefused`, which rendering turns into a visible ``[refused: ...]``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from jinja2 import ChainableUndefined
from jinja2.exceptions import SecurityError

STR_METHODS = frozenset(
    {"upper", "lower", "title", "capitalize", "strip", "lstrip", "rstrip", "startswith", "endswith",
     "split", "replace", "isdigit"}
)  # fmt: skip


class TemplateRefused(SecurityError):
    """A template tried to reach something outside the data it was given."""


class Record:
    """Read-only data for templates: ``record.key`` and ``record['key']`` and nothing else.

    ``None`` values are left out, so a field the CRM left empty is "missing" and renders as a
    placeholder rather than as ``None``. Nested mappings become records too.
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = {k: _wrap(v) for k, v in data.items() if v is not None and v != ""}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return "[…]"


def _wrap(value: Any) -> Any:
    if isinstance(value, Mapping):
        return Record(value)
    if isinstance(value, list | tuple):
        return [_wrap(v) for v in value]
    return value


class Placeholder(ChainableUndefined):
    """A missing value: renders ``[name?]``, is false in a condition, never raises on output.

    Arithmetic, filters and string methods on a missing value give the same placeholder back (the
    sandbox sees to operators and filters), so ``{{ contact.city|upper }} и далее`` renders
    ``[city?] и далее`` rather than losing the whole text to an error.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)  # protocol probes (copy, pickle) must not get a value
        if self._undefined_exception is SecurityError or name in STR_METHODS:
            return self  # a refused value stays refused; contact.city.upper() stays [city?]
        return Placeholder(name=name)  # contact.custom.tariff with no custom at all: [tariff?]

    def __getitem__(self, key: Any) -> Any:
        if self._undefined_exception is SecurityError or not isinstance(key, str):
            return self  # contact.city[0]: still the missing city
        if key.startswith("_"):
            raise KeyError(key)
        return Placeholder(name=key)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._undefined_exception is SecurityError:
            raise TemplateRefused(self._undefined_hint or "this is not allowed in a script")
        return self

    def __str__(self) -> str:
        if self._undefined_exception is SecurityError:
            raise TemplateRefused(self._undefined_hint or "this is not allowed in a script")
        return f"[{self._undefined_name or '?'}?]" if isinstance(self._undefined_name, str) else "[?]"

    def __bool__(self) -> bool:
        if self._undefined_exception is SecurityError:
            raise TemplateRefused(self._undefined_hint or "this is not allowed in a script")
        return False

    @property
    def missing(self) -> bool:
        """A plain missing value (not a refused one), which operations pass through unchanged."""
        return self._undefined_exception is not SecurityError


def missing_in(values: Any) -> Placeholder | None:
    """The first missing value among ``values`` (what an operation on it gives back); a refused one
    raises :class:`TemplateRefused` instead: it never turns into a placeholder."""
    for value in values:
        if isinstance(value, Placeholder):
            if not value.missing:
                raise TemplateRefused(value._undefined_hint or "this is not allowed in a script")
            return value
    return None
