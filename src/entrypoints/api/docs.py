"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) served from this machine, never from a CDN.

FastAPI's own docs pages load their JavaScript and CSS from a CDN, so on a machine without
internet they are blank. This follows FastAPI's documented recipe "Custom Docs UI Static Assets
(Self-Hosting)": the app is created with ``docs_url=None, redoc_url=None`` and these routes render
``get_swagger_ui_html`` / ``get_redoc_html`` pointing at files served by the app itself.

The files come from the ``fastapi-offline`` package (MIT), which ships the swagger-ui-dist
bundle, its CSS and ReDoc's standalone bundle as package data; only its ``static`` folder is
used, not its ``FastAPIOffline`` factory. ReDoc's Google Fonts link is turned off as well.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_ASSETS_URL = "/docs-assets"
DOCS_ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js")


def docs_assets_dir() -> Path:
    """The folder of Swagger UI and ReDoc assets shipped by ``fastapi-offline``."""
    return Path(str(files("fastapi_offline") / "static"))


def install_offline_docs(app: FastAPI, *, favicon_url: str | None = None) -> None:
    """Add ``/docs``, its OAuth2 redirect and ``/redoc`` to ``app`` (created with both URLs None)."""
    if app.docs_url is not None or app.redoc_url is not None:
        raise ValueError("create the app with docs_url=None and redoc_url=None first")
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=docs_assets_dir()), name="docs-assets")

    def asset(request: Request, name: str) -> str:
        return f"{request.scope.get('root_path', '')}{DOCS_ASSETS_URL}/{name}"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{redirect_url}",
            swagger_js_url=asset(request, "swagger-ui-bundle.js"),
            swagger_css_url=asset(request, "swagger-ui.css"),
            swagger_favicon_url=favicon_url or asset(request, "favicon.png"),
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    @app.get(redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=asset(request, "redoc.standalone.js"),
            redoc_favicon_url=favicon_url or asset(request, "favicon.png"),
            with_google_fonts=False,
        )
