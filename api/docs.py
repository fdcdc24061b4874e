"""The API's documentation page: Swagger UI from ``/static/vendor/swagger-ui`` (vendored by
web/build.mjs, no CDN), so ``/api/v1/docs`` works offline. ``create_app`` installs it, and
the OpenAPI document it reads, only when ``AIM_API_DOCS`` is on."""

from __future__ import annotations

from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>AIM API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script id="swagger-init" src="/static/docs/swagger-init.js" data-openapi="{openapi_url}"></script>
</body>
</html>
"""


def install(app: FastAPI, docs_url: str) -> None:
    page = PAGE.format(openapi_url=escape(app.openapi_url or "", quote=True))

    @app.get(docs_url, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)
