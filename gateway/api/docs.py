"""``/openapi.json``, ``/docs`` (Swagger UI served from the installed package, no CDN) and ``/health``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import swagger_ui_bundle
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from gateway.api.endpoint import Call, Endpoint
from gateway.api.openapi import build_openapi
from gateway.api.responses import Json

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
ASSETS_PATH = "/docs/assets"


class Health(BaseModel):
    result: str


async def health(call: Call[Any, Any]) -> Response:
    return Json({"result": "ok"})


def documentation_routes(endpoints: list[Endpoint]) -> list[BaseRoute]:
    """The routes that describe the API; ``endpoints`` is every endpoint the app serves."""
    cache: dict[str, Any] = {}

    async def openapi(request: Request) -> Response:
        if "spec" not in cache:
            public_url = request.app.state.gateway.settings.resolved_public_url
            cache["spec"] = build_openapi(endpoints, public_url)
        return Json(cache["spec"])

    async def docs(request: Request) -> Response:
        html = TEMPLATES.get_template("docs.html").render(assets=ASSETS_PATH, spec_url="/openapi.json")
        return HTMLResponse(html)

    return [
        Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False),
        Route("/docs", docs, methods=["GET"], include_in_schema=False),
        Mount(ASSETS_PATH, app=StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets"),
    ]


ENDPOINTS = [
    Endpoint("GET", "/health", health, "Liveness check", "health", response=Health, public=True),
]
