"""Rendering dashboard pages: the Jinja2 templates under ``gateway/templates/dashboard`` and the headers every page
carries (never cached, never framed, scripts and styles only from the package's own static files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = Environment(loader=FileSystemLoader(PACKAGE / "templates"), autoescape=select_autoescape(["html"]))
STATIC_DIR = PACKAGE / "static"
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def render(template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    html = TEMPLATES.get_template(f"dashboard/{template}").render(**context)
    return HTMLResponse(html, status_code=status, headers={**HEADERS, **(headers or {})})


def problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    """A page saying what went wrong (403, 404, 413...) and where to go next."""
    return render("problem.html", status, headers, title=title, detail=detail)
