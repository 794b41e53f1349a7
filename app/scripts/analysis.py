"""What the linter needs to know about one template or expression, worked out once per distinct text.

A big script has hundreds of templates but far fewer distinct ``{{ ... }}`` expressions
(``greeting()``, ``contact.name`` recur on every step), and Jinja's parser costs about 0.1 ms per
template: parsing each expression once, cached, is what keeps a 500-node lint under 100 ms. A template
made only of text and ``{{ ... }}`` is split into its expressions; one with ``{% %}`` or ``{# #}``, or
whose split does not parse, is parsed whole (so the error message is Jinja's own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import TemplateSyntaxError, nodes

from app.scripts import templates

Finding = tuple[str, int]
"""A message and the line (1-based, inside the template) it is about."""
Reference = tuple[str, tuple[str, ...], int]
"""``root``, the keys after it, the line: ``("answers", ("city",), 2)``."""
_EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_FORBIDDEN_TAGS = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)


@dataclass(frozen=True)
class Analysis:
    syntax: Finding | None = None
    """Why the text does not compile; when set, the other fields are empty."""
    problems: tuple[Finding, ...] = ()
    references: tuple[Reference, ...] = ()

    def shifted(self, lines: int) -> Analysis:
        if not lines:
            return self
        return Analysis(
            (self.syntax[0], self.syntax[1] + lines) if self.syntax else None,
            tuple((m, n + lines) for m, n in self.problems),
            tuple((r, c, n + lines) for r, c, n in self.references),
        )


EMPTY = Analysis()


def analyse(source: str, *, expression: bool) -> Analysis:
    if expression:
        return _parsed(source, True)
    if "{" not in source:
        return EMPTY
    if "{%" in source or "{#" in source or "{{" in _EXPRESSION.sub("", source):
        return _parsed(source, False)
    problems: list[Finding] = []
    references: list[Reference] = []
    for match in _EXPRESSION.finditer(source):
        part = _parsed(match.group(1), True)
        if part.syntax:
            return _parsed(source, False)
        part = part.shifted(source.count("\n", 0, match.start()) + match.group(1).count("\n", 0))
        problems += part.problems
        references += part.references
    return Analysis(None, tuple(problems), tuple(references))


@lru_cache(maxsize=4096)
def tree_of(source: str, expression: bool) -> nodes.Template:
    """The parsed tree (cached: the linter's rules read the same branch conditions more than once)."""
    return templates.parse(source, expression=expression)


@lru_cache(maxsize=16384)
def _parsed(source: str, expression: bool) -> Analysis:
    try:
        tree = tree_of(source, expression)
    except TemplateSyntaxError as exc:
        return Analysis(syntax=(f"template does not compile: {exc.message}", exc.lineno or 1))
    return Analysis(None, tuple(_problems(tree)), tuple(templates.attribute_chains(tree)))


def _problems(tree: nodes.Template) -> list[Finding]:
    found = [
        (f"{name!r} is not allowed: names starting with '_' are outside a script's data", lineno)
        for name, lineno in templates.private_names(tree)
    ]
    for tag in tree.find_all(_FORBIDDEN_TAGS):
        found.append(("a script template cannot extend, include or import other templates", tag.lineno))
    for flt in tree.find_all(nodes.Filter):
        if flt.name not in templates.ENV.filters:
            allowed = ", ".join(sorted(templates.FILTERS))
            found.append((f"unknown filter {flt.name!r} (allowed: {allowed})", flt.lineno))
    for loop in tree.find_all(nodes.For):
        if loop.recursive:
            found.append(("recursive loops are not allowed in a script", loop.lineno))
    for test in tree.find_all(nodes.Test):
        if test.name not in templates.ENV.tests:
            found.append((f"unknown test {test.name!r}", test.lineno))
    return found
