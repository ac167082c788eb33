"""The page a provider redirects the end user's browser to: it tells the opener (and Connect UI) the outcome.

It posts ``{type: "nango_oauth_callback_success"}`` or ``{type: "nango_oauth_callback_error", payload:
{message, errorType}}`` to ``window.opener`` and on ``BroadcastChannel("nango-oauth-callback")``, as Nango's
frontend and Connect UI expect, and closes itself on success.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def success_page(provider_name: str, connection_id: str | None = None) -> HTMLResponse:
    named = f" (connection {connection_id})" if connection_id else ""
    html = TEMPLATES.get_template("oauth_callback.html").render(
        title="Connected",
        detail=f"Your {provider_name} account is connected{named}.",
        error=False,
        message={"type": "nango_oauth_callback_success"},
    )
    return HTMLResponse(html, status_code=200)


def error_page(error_type: str, message: str, status_code: int = 400) -> HTMLResponse:
    html = TEMPLATES.get_template("oauth_callback.html").render(
        title="Connection failed",
        detail=message,
        error=True,
        message={"type": "nango_oauth_callback_error", "payload": {"message": message, "errorType": error_type}},
    )
    return HTMLResponse(html, status_code=status_code)
