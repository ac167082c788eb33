"""An API protected by the test authorization server: it accepts a bearer token only while introspection says
it is active, as a resource server would."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.oauth_server import OAuthServer


def protected_api(server: OAuthServer, client_id: str, client_secret: str, denied: set[str]) -> Any:
    """``denied`` holds tokens the API stops accepting (as after a password change), whatever the server says."""

    async def me(request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token in denied:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.post(
                server.introspection_endpoint, data={"token": token}, auth=(client_id, client_secret)
            )
        claims = answer.json()
        if not claims.get("active"):
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        return JSONResponse({"sub": claims.get("sub"), "scope": claims.get("scope")})

    return Starlette(routes=[Route("/api/me", me)])
