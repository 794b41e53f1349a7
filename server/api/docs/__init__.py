"""The interactive API documentation (``/docs``), when ``api_docs`` is on: Swagger UI served from
this server, its files from the ``swagger-ui-py`` package, so the page loads nothing from a CDN and
runs under a ``script-src 'self'`` policy (the page's own start-up script is a file, not inline)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

HERE = Path(__file__).resolve().parent
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
"""


def swagger_ui_files() -> Path:
    """The folder holding ``swagger-ui-bundle.js`` and ``swagger-ui.css`` (``swagger-ui-py``)."""
    frozen = getattr(sys, "_MEIPASS", None)  # the PyInstaller bundle ships them as data
    if frozen is not None:
        return Path(frozen) / "swagger_ui" / "static"
    spec = importlib.util.find_spec("swagger_ui")  # located, not imported (it pulls in jinja2, yaml)
    if spec is None or spec.origin is None:
        raise RuntimeError("api_docs needs the swagger-ui-py package (pip install swagger-ui-py)")
    return Path(spec.origin).parent / "static"


def add_docs(api: FastAPI) -> None:
    """Serve ``/docs`` (the page), ``/docs/start.js`` and ``/docs/assets/...`` (Swagger UI)."""
    page = PAGE.format(title=f"{api.title} API")

    @api.get("/docs", include_in_schema=False)
    def docs_page() -> HTMLResponse:
        return HTMLResponse(page)

    @api.get("/docs/start.js", include_in_schema=False)
    def docs_start() -> FileResponse:
        return FileResponse(HERE / "start.js", media_type="text/javascript")

    api.mount("/docs/assets", StaticFiles(directory=swagger_ui_files()), name="docs-assets")
