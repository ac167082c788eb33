"""The Connect UI: the page a connect session's ``connect_link`` opens (``GET /connect?session_token=...``).

It lists the integrations the session may use, with their logos (and, past six, a search box and category links),
and the right form for each auth mode (``gateway.api.connect_choices``). Credential forms post to
``POST /connect/forms/{key}``, which checks each field (``gateway.api.connect_fields``), then runs the same route
handler as the API (the provider verifies the credentials) and answers the success screen, or the form again with
each field's error and the provider's message, secrets never echoed. Plain HTML forms: the page works without
JavaScript; ``/connect/static/connect.js`` adds the OAuth popup and the ``@nangohq/frontend`` iframe protocol
(``GET /connect/`` waits for the parent's ``session_token`` message; see docs/connect-ui.md).
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from gateway.api.connect_choices import FORM_MODES, SEARCH_FROM, STATIC, Choice, categories_of, choice_for, matching
from gateway.api.connect_fields import assign_error, check
from gateway.api.connect_theme import Theme
from gateway.api.endpoint import Call
from gateway.auth.callback_page import TEMPLATES
from gateway.auth.connect_sessions import check_allowed, find_session
from gateway.errors import GatewayError
from gateway.runtime import Gateway
from gateway.store.connections import find_connection
from gateway.store.tables import ConnectSession, Integration


def _headers(nonce: str) -> dict[str, str]:
    """Scripts only from this server, styles from it or with the response's nonce; the token never leaves it."""
    policy = (
        f"default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' https: data:; "
        "connect-src 'self'; base-uri 'none'; frame-ancestors *"
    )
    return {
        "Content-Security-Policy": policy,
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    gateway: Gateway = request.app.state.gateway
    nonce = secrets.token_urlsafe(16)
    html = TEMPLATES.get_template(template).render(theme=Theme.of(gateway.settings), nonce=nonce, **context)
    return HTMLResponse(html, status_code=status, headers=_headers(nonce))


async def _session_and_choices(gateway: Gateway, token: str) -> tuple[ConnectSession, list[Choice]]:
    async with gateway.sessions() as session:
        row = await find_session(session, token)
        integrations = list((await session.exec(select(Integration).order_by(Integration.unique_key))).all())
    allowed = [row.reconnect_integration] if row.reconnect_integration else row.allowed_integrations
    chosen = [i for i in integrations if allowed is None or i.unique_key in allowed]
    return row, [choice_for(gateway.catalog, i) for i in chosen]


def _page(request: Request, row: ConnectSession, token: str, choices: list[Choice], status: int = 200) -> HTMLResponse:
    query, category = request.query_params.get("q", "")[:100], request.query_params.get("category", "")[:64]
    searchable = len(choices) >= SEARCH_FROM
    shown = matching(choices, query, category) if searchable else choices
    return render(
        request,
        "connect.html",
        status,
        token=token,
        choices=shown,
        total=len(choices),
        searchable=searchable,
        query=query,
        category=category,
        categories=categories_of(choices) if searchable else [],
        failed=next((c for c in choices if c.error), None),
        reconnect=row.reconnect_connection_id,
    )


def _error_page(request: Request, exc: GatewayError) -> HTMLResponse:
    return render(request, "connect.html", exc.status_code, token="", choices=[], fatal=exc.message)


async def connect_page(request: Request) -> Response:
    gateway: Gateway = request.app.state.gateway
    token = request.query_params.get("session_token", "")
    try:
        row, choices = await _session_and_choices(gateway, token)
    except GatewayError as exc:
        return _error_page(request, exc)
    return _page(request, row, token, choices)


async def embedded_page(request: Request) -> Response:
    """``GET /connect/``, where ``openConnectUI`` points its iframe: the page, or a shell awaiting the token."""
    if request.query_params.get("session_token"):
        return await connect_page(request)
    return render(request, "connect_shell.html")


async def _run_form(request: Request, choice: Choice, token: str, typed: dict[str, str]) -> str:
    """Run the mode's API route handler with what was typed; the new connection's id."""
    mode = FORM_MODES[choice.mode]
    query = [("connect_session_token", token)]
    query += [(f.input_name, f.value) for f in choice.settings if f.value]
    scope = {**request.scope, "query_string": urlencode(query).encode(), "path_params": {"integration": choice.key}}
    given = {f.name: f.value or str(f.spec.get("default_value") or "") for f in choice.credentials}
    body = mode.body.model_validate({k: v for k, v in given.items() if v})
    answer = await mode.handler(Call(Request(scope, request.receive), body, None))
    return str(json.loads(bytes(answer.body))["connectionId"])


async def connect_submit(request: Request) -> Response:
    """A credential form: check the fields, then run the route of the integration's mode with them."""
    gateway: Gateway = request.app.state.gateway
    token, key = request.query_params.get("session_token", ""), request.path_params["integration"]
    try:
        row, choices = await _session_and_choices(gateway, token)
    except GatewayError as exc:
        return _error_page(request, exc)
    choice = next((c for c in choices if c.key == key), None)
    if choice is None or choice.mode not in FORM_MODES:
        refused = GatewayError(403, "integration_not_allowed", f"{key!r} cannot be connected with a form here")
        return _error_page(request, refused)
    declared = request.headers.get("content-length", "")
    if not declared.isascii() or not declared.isdigit() or int(declared) > gateway.settings.max_body_bytes:
        too_big = GatewayError(413, "request_too_large", "Send the form with a Content-Length within the body limit")
        return _error_page(request, too_big)
    form = await request.form(max_files=0, max_fields=200)
    typed = {name: str(value) for name, value in form.multi_items() if isinstance(value, str)}
    choice.error = check(choice.fields, typed)
    choice.error_type = "invalid_body" if choice.error else None
    if choice.error is None:
        try:
            connection_id = await _run_form(request, choice, token, typed)
        except ValidationError:
            choice.error, choice.error_type = "Fill in every required field", "invalid_body"
        except GatewayError as exc:
            choice.error, choice.error_type = exc.message, exc.code
            assign_error(choice.fields, exc.message)
        else:
            return _done(request, token, choice, connection_id)
    return _page(request, row, token, choices, status=400)


def _done(request: Request, token: str, choice: Choice, connection_id: str) -> HTMLResponse:
    event = {"type": "connect", "payload": {"providerConfigKey": choice.key, "connectionId": connection_id}}
    return render(request, "connect_done.html", token=token, choice=choice, connection_id=connection_id, event=event)


async def connect_done(request: Request) -> Response:
    """The success screen after an OAuth popup: shown only for a connection this session just wrote."""
    gateway: Gateway = request.app.state.gateway
    query = request.query_params
    token, key, connection_id = (
        query.get("session_token", ""),
        query.get("integration", ""),
        query.get("connection_id", ""),
    )
    try:
        row, choices = await _session_and_choices(gateway, token)
        check_allowed(row, key, connection_id if row.reconnect_connection_id else None)
        async with gateway.sessions() as session:
            found = await find_connection(session, key, connection_id)
        end_user = str((row.end_user or {}).get("id") or "") or None
        if found is None or found[0].updated_at < row.created_at or (end_user and found[0].end_user_id != end_user):
            raise GatewayError(404, "unknown_connection", "This session has not connected that account")
    except GatewayError as exc:
        return _error_page(request, exc)
    choice = next(c for c in choices if c.key == key)
    return _done(request, token, choice, connection_id)


def connect_routes() -> list[BaseRoute]:
    return [
        Mount("/connect/static", app=StaticFiles(directory=STATIC), name="connect-static"),
        Route("/connect", connect_page, methods=["GET"], include_in_schema=False),
        Route("/connect/", embedded_page, methods=["GET"], include_in_schema=False),
        Route("/connect/done", connect_done, methods=["GET"], include_in_schema=False),
        Route("/connect/forms/{integration}", connect_submit, methods=["POST"], include_in_schema=False),
    ]
