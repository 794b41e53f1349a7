"""Which engine checks the wire models in this process: pydantic, or the light one (:mod:`app.wire.light`).

The server (FastAPI needs real pydantic models) and the test processes use pydantic. The desktop asks
for the light engine before it imports any model (:func:`use_light`), which keeps pydantic out of its
memory. ``RINGDESK_WIRE=pydantic`` in the environment keeps pydantic anyway (a support switch: the
two must behave alike, and this is how to check a suspicion); ``RINGDESK_WIRE=light`` chooses the
light engine in any process (how its tests run a process on it).
"""

from __future__ import annotations

import os
import sys

ENVIRONMENT = "RINGDESK_WIRE"
_chosen: dict[str, bool] = {}
"""``{"light": ...}`` once decided."""


def use_light() -> bool:
    """Check the wire models with the light engine in this process, unless the environment says
    ``pydantic``. Must come before the first model is imported; says whether it took."""
    if os.environ.get(ENVIRONMENT) == "pydantic":
        return False
    if "app.wire.schema" in sys.modules and not light():
        raise RuntimeError("the wire models were already imported with pydantic")
    _chosen["light"] = True
    return True


def light() -> bool:
    """Whether this process uses the light engine (decided at the first model's import)."""
    if "light" not in _chosen:
        _chosen["light"] = os.environ.get(ENVIRONMENT) == "light"
    return _chosen["light"]
