"""The Connect UI: the page a connect session's ``connect_link`` opens (``GET /connect?session_token=...``).

It lists the integrations the session may use. OAuth-style integrations (OAuth 2, OAuth 1, GitHub App, MCP) get a
button that starts ``/oauth/connect/{key}``, with inputs for the connection settings the user must give (a
subdomain, a hostname). API key, Basic, client-credentials and no-auth integrations get a form posted to
``POST /connect/forms/{key}``, which runs the same checks and storage as the ``/api-auth`` routes (the provider verifies
the credentials first) and answers the callback page the frontend SDK listens to, or the form again with the error.
Plain HTML forms: the page works without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, ValidationError
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.api import credential_routes
from gateway.api.endpoint import Call, Handler, NoInput
from gateway.auth.callback_page import TEMPLATES, success_page
from gateway.auth.connect_sessions import find_session
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.tables import ConnectSession, Integration

OAUTH_MODES = ("OAUTH2", "OAUTH1", "APP", "MCP_OAUTH2")
#: Credential modes the page collects: the route handler, its body model and the fields it takes (with defaults).
FORM_MODES: dict[str, tuple[Handler, type[BaseModel], dict[str, dict[str, Any]]]] = {
    "API_KEY": (
        credential_routes.api_key,
        credential_routes.ApiKeyBody,
        {"apiKey": {"title": "API key", "secret": True}},
    ),
    "BASIC": (
        credential_routes.basic,
        credential_routes.BasicBody,
        {"username": {"title": "Username"}, "password": {"title": "Password", "secret": True}},
    ),
    "OAUTH2_CC": (
        credential_routes.oauth2_client_credentials,
        credential_routes.ClientCredentialsBody,
        {"client_id": {"title": "Client ID"}, "client_secret": {"title": "Client secret", "secret": True}},
    ),
    "NONE": (credential_routes.unauthenticated, NoInput, {}),
}


@dataclass
class Choice:
    """One integration as the page shows it."""

    key: str
    name: str
    mode: str
    settings: list[tuple[str, dict[str, Any]]]  # connection_config fields the user types
    credentials: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    error: str | None = None
    values: dict[str, str] = field(default_factory=dict)  # what the user typed (secrets never echoed)

    @property
    def oauth(self) -> bool:
        return self.mode in OAUTH_MODES

    @property
    def supported(self) -> bool:
        return self.oauth or self.mode in FORM_MODES


def _choice(gateway: Gateway, integration: Integration) -> Choice:
    entry = gateway.catalog.get(integration.provider) or {}
    mode = str(entry.get("auth_mode") or "")
    config = entry.get("connection_config") or {}
    settings = [(name, spec) for name, spec in config.items() if isinstance(spec, dict) and not spec.get("automated")]
    declared = entry.get("credentials") or {}
    defaults = FORM_MODES[mode][2] if mode in FORM_MODES else {}
    credentials = [(name, {**spec, **(declared.get(name) or {})}) for name, spec in defaults.items()]
    name = integration.display_name or entry.get("display_name") or integration.unique_key
    return Choice(integration.unique_key, str(name), mode, settings, credentials)


async def _session_and_choices(gateway: Gateway, token: str) -> tuple[ConnectSession, list[Choice]]:
    async with gateway.sessions() as session:
        row = await find_session(session, token)
        integrations = list((await session.exec(select(Integration).order_by(Integration.unique_key))).all())
    allowed = [row.reconnect_integration] if row.reconnect_integration else row.allowed_integrations
    return row, [_choice(gateway, i) for i in integrations if allowed is None or i.unique_key in allowed]


def _page(token: str, choices: list[Choice], status: int = 200) -> HTMLResponse:
    html = TEMPLATES.get_template("connect.html").render(token=token, choices=choices)
    return HTMLResponse(html, status_code=status)


def _error_page(exc: GatewayError) -> HTMLResponse:
    html = TEMPLATES.get_template("connect.html").render(token="", choices=[], fatal=exc.message)
    return HTMLResponse(html, status_code=exc.status_code)


async def connect_page(request: Request) -> Response:
    gateway: Gateway = request.app.state.gateway
    token = request.query_params.get("session_token", "")
    try:
        _, choices = await _session_and_choices(gateway, token)
    except GatewayError as exc:
        return _error_page(exc)
    return _page(token, choices)


async def connect_submit(request: Request) -> Response:
    """A credential form: run the ``/api-auth`` route for the integration's mode with what the user typed."""
    gateway: Gateway = request.app.state.gateway
    token, key = request.query_params.get("session_token", ""), request.path_params["integration"]
    try:
        _, choices = await _session_and_choices(gateway, token)
    except GatewayError as exc:
        return _error_page(exc)
    choice = next((c for c in choices if c.key == key), None)
    if choice is None or choice.mode not in FORM_MODES:
        refused = GatewayError(403, "integration_not_allowed", f"{key!r} cannot be connected with a form here")
        return _error_page(refused)
    declared = request.headers.get("content-length", "")
    if not declared.isascii() or not declared.isdigit() or int(declared) > gateway.settings.max_body_bytes:
        too_big = GatewayError(413, "request_too_large", "Send the form with a Content-Length within the body limit")
        return _error_page(too_big)
    form = await request.form(max_files=0, max_fields=200)
    typed = {name: str(value) for name, value in form.multi_items() if isinstance(value, str)}
    handler, body_model, _ = FORM_MODES[choice.mode]
    query = [("connect_session_token", token)]
    settings = [(f"params[{name}]", typed.get(f"params[{name}]", "")) for name, _ in choice.settings]
    query += [(name, value) for name, value in settings if value]
    scope = {**request.scope, "query_string": urlencode(query).encode(), "path_params": {"integration": key}}
    try:
        secrets = {name: typed.get(f"credentials[{name}]", "") for name, _ in choice.credentials}
        body = body_model.model_validate({k: v for k, v in secrets.items() if v or k == "password"})
        await handler(Call(Request(scope, request.receive), body, None))
    except ValidationError as exc:
        missing = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
        titles = dict(choice.credentials)
        choice.error = "Fill in " + ", ".join(str(titles.get(m, {}).get("title") or m) for m in missing)
    except GatewayError as exc:
        choice.error = exc.message
    else:
        return success_page(choice.name)
    choice.values = {name: typed.get(f"params[{name}]", "") for name, _ in choice.settings}
    return _page(token, choices, status=400)


def connect_routes() -> list[BaseRoute]:
    return [
        Route("/connect", connect_page, methods=["GET"], include_in_schema=False),
        Route("/connect/forms/{integration}", connect_submit, methods=["POST"], include_in_schema=False),
    ]
