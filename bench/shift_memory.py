"""What a desktop's memory is made of, read during the screen-pop bench's shift (:mod:`bench.desktop_calls`):
whether RSS that grows over a shift is memory kept (Python objects, Qt objects, C allocations) or memory
malloc holds free, and where Python's growth comes from.

glibc only for the C heap (``mallinfo2``, ``malloc_trim``); elsewhere those figures are left out.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import tempfile
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QObject


def live_types() -> Counter[str]:
    """The objects the garbage collector tracks, counted by type (qualified name)."""
    return Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects())


class _MallInfo2(ctypes.Structure):
    """glibc's ``struct mallinfo2`` (2.33+): every field a ``size_t``."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _libc() -> Any:
    """The C library, when it is glibc with ``mallinfo2`` (None elsewhere: the heap figures are left out)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
    except (OSError, AttributeError):
        return None
    return libc


LIBC = _libc()


def heap() -> dict[str, float]:
    """The C heap (MB): what malloc hands out (``in_use``: Python's arenas, Qt's objects, SQLite's pages...)
    and what it holds free inside its arenas (``free``). RSS that grows with ``free`` and not with
    ``in_use`` is fragmentation, not memory kept."""
    if LIBC is None:
        return {}
    info = LIBC.mallinfo2()
    mb = 1024 * 1024
    return {"in_use": (info.uordblks + info.hblkhd) / mb, "free": info.fordblks / mb}


def qt_objects(window: QObject | None) -> dict[str, int]:
    """Widgets alive, QObjects under the application and ``window``, and Qt objects with a Python
    wrapper anywhere (per-call ones never deleted grow these)."""
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication
    from shiboken6 import Shiboken

    app = QApplication.instance()
    return {
        "widgets": len(QApplication.allWidgets()),
        "objects": (len(app.findChildren(QObject)) if app else 0)
        + (len(window.findChildren(QObject)) if window else 0),
        "wrappers": len(Shiboken.getAllValidWrappers()),
    }


def _status_mb(*fields: str) -> dict[str, float]:
    """Fields of ``/proc/self/status`` (MB): ``RssAnon`` (the heaps) and ``RssFile`` (libraries' pages
    touched so far: code run for the first time maps more of them, a cost paid once)."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in fields:
            values[name] = int(rest.split()[0]) / 1024
    return values


def python_small_objects() -> dict[str, float]:
    """Python's small-object allocator (MB): its arenas (1 MiB each, mapped by pymalloc itself, outside
    malloc's heap) and the bytes in live blocks inside them. From ``sys._debugmallocstats``, which can
    only print to the C stderr."""
    with tempfile.TemporaryFile() as out:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        lines = out.read().decode().splitlines()
    figures = {}
    for line in lines:
        name, _, value = line.rpartition("=")
        if "bytes/arena" in name:
            figures["py_arenas"] = int(value.replace(",", "")) / 1024 / 1024
        elif name.strip() == "# bytes in allocated blocks":
            figures["py_blocks"] = int(value.replace(",", "")) / 1024 / 1024
    return figures


def memory(window: QObject | None) -> dict[str, float]:
    """RSS (anonymous and file-backed), the C heap, Python's arenas, Python's traced memory when
    tracemalloc runs (``python -X tracemalloc``) and Qt's objects, after a full collection.

    RSS is read last, so that what the other readings allocate is in it at every reading alike. The
    first reading is taken before the shift and thrown away: listing Qt's objects gives each a Python
    wrapper, which stays (~1 MB of small objects, counted as the shift's growth when it was first done
    after the base RSS was read)."""
    gc.collect()
    figures: dict[str, float] = {
        "threads": len(os.listdir("/proc/self/task")),  # (each has a stack, and may get a malloc arena)
        **qt_objects(window),
        **python_small_objects(),
    }
    if tracemalloc.is_tracing():
        figures["traced"] = tracemalloc.get_traced_memory()[0] / 1024 / 1024
    figures.update(heap())
    rss = _status_mb("VmRSS", "RssAnon", "RssFile")
    return {"rss": rss["VmRSS"], "rss_anon": rss["RssAnon"], "rss_file": rss["RssFile"], **figures}


def light() -> dict[str, float]:
    """RSS (anonymous and file-backed), the C heap and Python's arenas, after a full collection: the
    figures that allocate next to nothing to read (no Qt object listed, no timer watched), so they can
    stand beside the shift's headline RSS in every run."""
    gc.collect()
    figures = {**python_small_objects(), **heap()}
    rss = _status_mb("VmRSS", "RssAnon", "RssFile")
    return {"rss": rss["VmRSS"], "rss_anon": rss["RssAnon"], "rss_file": rss["RssFile"], **figures}


def caches() -> dict[str, int]:
    """How full each bounded cache on a call's path is (entries), whatever module loaded it: a cache
    that fills over the shift's first half shows here beside the memory it takes."""
    import functools

    found: dict[str, int] = {}
    re_module = sys.modules.get("re")
    if re_module is not None:
        found["re (compiled patterns)"] = len(getattr(re_module, "_cache", {}))
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith(("app.", "ui.", "urllib.", "httpx", "phonenumbers")):
            continue
        for name, value in list(getattr(module, "__dict__", {}).items()):
            if (
                isinstance(value, functools._lru_cache_wrapper)
                and getattr(value, "__module__", "") == module_name
            ):
                found[f"{module_name}.{name}"] = value.cache_info().currsize
    return found


def growth(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    """Each figure's change from ``before`` to ``after``."""
    return {k: round(after[k] - before[k], 3) for k in after}
