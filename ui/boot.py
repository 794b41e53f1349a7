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
unchanged (its own check still runs); if a PySide6 release no longer has the private function, nothing
is patched.

**No httpx command line.** ``import httpx`` tries to load its optional CLI (``httpx._main``), which
imports click and pygments before failing on rich: 2.3 MB that stay loaded whenever those two happen to
be installed (uvicorn and pytest bring them; the bundle would pick them up too). The desktop never runs
the httpx CLI, so that module is marked absent and httpx uses its own fallback.
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from types import ModuleType

import PySide6  # noqa: F401  (installs the import hook patched here)

_HTTPX_CLI = "httpx._main"
_FEATURE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


def forget_checked_sources() -> bool:
    """Make PySide6's per-import check drop the source it caches; ``False`` when there is nothing to
    patch (another PySide6 release). Idempotent."""
    feature = sys.modules.get(_FEATURE)
    check: Callable[[ModuleType], bool] | None = getattr(feature, _CHECK, None)
    if feature is None or check is None:
        return False
    if getattr(check, "_forgets_sources", False):
        return True

    def uses_pyside(module: ModuleType) -> bool:
        cached = set(linecache.cache)
        try:
            return check(module)
        finally:
            for name in linecache.cache.keys() - cached:
                linecache.cache.pop(name, None)

    uses_pyside._forgets_sources = True  # type: ignore[attr-defined]
    setattr(feature, _CHECK, uses_pyside)
    return True


def skip_httpx_cli() -> None:
    """Make ``import httpx`` skip its command-line module (``None`` in :data:`sys.modules` is the
    import system's "absent"). No effect once httpx is imported."""
    if "httpx" not in sys.modules and _HTTPX_CLI not in sys.modules:
        sys.modules[_HTTPX_CLI] = None  # type: ignore[assignment]


forget_checked_sources()
skip_httpx_cli()
