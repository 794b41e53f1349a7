"""Who is posting: a source (a PBX without an adapter, a website) names itself by its key.

``X-Source-Key`` carries the key; the server's ``source_keys`` setting (``name:key,...``) maps it to
the source's name, so a website's key cannot post as the PBX. 503 when no source is configured, 401
for a missing or wrong key. Keys are compared in constant time.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, status

from server.api.deps import SettingsDep


def get_source(
    settings: SettingsDep,
    x_source_key: Annotated[str | None, Header(max_length=256, description="the source's key")] = None,
) -> str:
    sources = settings.sources()
    if not sources:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "no sources configured: set source_keys")
    if not x_source_key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "send the source's key as X-Source-Key")
    found = None
    for key, name in sources.items():
        if secrets.compare_digest(key.encode(), x_source_key.encode()):
            found = name
    if found is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown source key")
    return found


SourceDep = Annotated[str, Depends(get_source)]
