"""What the desktop process does before it imports anything else, to keep its idle memory down (issue
5: under 120 MB after login). Imported first by :mod:`ui.main`; modules imported before it are not
covered.

**PySide6 keeps no module's source.** PySide6 (6.x) replaces ``__import__`` with a hook that, for every
module imported after it, asks whether the module's source mentions ``PySide6`` (to scope
``from __feature__ import snake_case``). It asks through :func:`inspect.getsource`, and that goes
through :mod:`linecache`, which keeps every file it read: in the desktop that was the full text of ~760
modules, 32 MB of Python strings, for the life of the process (a fifth of the idle desktop). Clearing
the cache afterwards gives almost nothing back (the freed lines are scattered over memory arenas that
stay in use), so the source is dropped as each import is checked instead. The hook's answer is
unchanged; if a PySide6 release no longer has the private function, nothing is patched.

**...and reads as little as it can** (issue 15: the true cold start). The question is only whether the
word "PySide6" appears in the file. The standard library never says it, so its modules (a third of what
the desktop imports) are answered without reading anything; for the others the file is read as bytes
and searched, without ``inspect``, ``tokenize`` or ``linecache``. Anything else (no ``.py`` file, an
unreadable one) goes to PySide6's own check as before. ``tests/unit/test_desktop_footprint.py`` compares
both answers for every module the desktop loads.

**No httpx command line.** ``import httpx`` tries to load its optional CLI (``httpx._main``), which
imports click and pygments before failing on rich: 2.3 MB that stay loaded whenever those two happen to
be installed (uvicorn and pytest bring them; the bundle would pick them up too). The desktop never runs
the httpx CLI, so that module is marked absent and httpx uses its own fallback.
"""

from __future__ import annotations

import linecache
import os
import sys
import sysconfig
from collections.abc import Callable
from types import ModuleType

import PySide6  # noqa: F401  (installs the import hook patched here)

_HTTPX_CLI = "httpx._main"
_FEATURE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


_STDLIB = tuple(
    os.path.join(os.path.realpath(sysconfig.get_paths()[key]), "") for key in ("stdlib", "platstdlib")
)
_SITE = ("site-packages", "dist-packages")


def is_stdlib(module: ModuleType) -> bool:
    """A module of Python's standard library (by where its file is): it never mentions PySide6."""
    spec = getattr(module, "__spec__", None)
    if module.__name__ in sys.builtin_module_names or spec is None:
        return module.__name__ in sys.builtin_module_names
    origin = spec.origin or ""
    if origin == "frozen":
        return True
    if any(part in origin for part in _SITE):
        return False
    return os.path.realpath(origin).startswith(_STDLIB)


def _says_pyside(module: ModuleType) -> bool | None:
    """Whether the module's ``.py`` file contains "PySide6"; ``None`` when that cannot be told cheaply."""
    if is_stdlib(module):
        return False
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return None
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return None


def forget_checked_sources() -> bool:
    """Make PySide6's per-import check read as little as it can and keep nothing it read (see the
    module docstring); ``False`` when there is nothing to patch (another PySide6 release). Idempotent."""
    feature = sys.modules.get(_FEATURE)
    check: Callable[[ModuleType], bool] | None = getattr(feature, _CHECK, None)
    if feature is None or check is None:
        return False
    if getattr(check, "_forgets_sources", False):
        return True

    def uses_pyside(module: ModuleType) -> bool:
        answer = _says_pyside(module)
        if answer is not None:
            return answer
        cached = set(linecache.cache)
        try:
            return check(module)
        finally:
            for name in linecache.cache.keys() - cached:
                linecache.cache.pop(name, None)

    uses_pyside._forgets_sources = True  # type: ignore[attr-defined]
    uses_pyside.original = check  # type: ignore[attr-defined]  # PySide6 own check: the tests compare
    setattr(feature, _CHECK, uses_pyside)
    # What PySide6's own check read before this patch (while PySide6 itself was imported: ``enum``,
    # ``sysconfig``'s data, ``shiboken6``; ~3,000 lines, 0.3 MB) goes too: freed this early, the
    # imports that follow reuse the memory (issue 15). linecache is only a cache: a traceback reads again.
    linecache.clearcache()
    return True


def skip_httpx_cli() -> None:
    """Make ``import httpx`` skip its command-line module (``None`` in :data:`sys.modules` is the
    import system's "absent"). No effect once httpx is imported."""
    if "httpx" not in sys.modules and _HTTPX_CLI not in sys.modules:
        sys.modules[_HTTPX_CLI] = None  # type: ignore[assignment]


forget_checked_sources()
skip_httpx_cli()
