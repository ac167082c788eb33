"""HubSpot's token endpoint (``POST /oauth/v1/token``, form-encoded, client credentials in the body) for the fake.

Access tokens last 30 minutes (``expires_in: 1800``); the answer carries ``hub_id`` (the account's portal id); a
refresh answers a new access token and the same refresh token, which stays valid (HubSpot does not rotate them).
Refusals are HubSpot's own shape: ``{"status": "BAD_REFRESH_TOKEN", "message", "correlationId"}``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.testing.token_endpoint import Grant, Refusal, TokenEndpoint

if TYPE_CHECKING:
    from fake_hubspot import FakeHubSpot

STATUSES: dict[Refusal, tuple[int, str, str]] = {
    "invalid_client": (400, "BAD_CLIENT_ID", "missing or unknown client id"),
    "invalid_code": (400, "BAD_AUTH_CODE", "missing or unknown auth code"),
    "redirect_uri_mismatch": (400, "BAD_REDIRECT_URI", "redirect_uri does not match the one the code was issued for"),
    "invalid_refresh_token": (400, "BAD_REFRESH_TOKEN", "missing or invalid refresh token"),
    "unsupported": (400, "BAD_GRANT_TYPE", "grant_type must be authorization_code or refresh_token"),
}


class HubSpotTokens(TokenEndpoint):
    """Code and refresh grants: 30-minute access tokens, ``hub_id`` in every answer, refresh tokens kept."""

    access_ttl = 1800
    rotate_refresh = False
    token_type = "bearer"
    default_scopes = ("oauth",)

    def __init__(self, fake: FakeHubSpot) -> None:
        super().__init__(fake)
        self.hubspot = fake

    def body(self, grant: Grant) -> dict[str, Any]:
        from fake_hubspot import PORTAL_ID

        refresh = grant.spent.value if grant.type == "refresh_token" else self.issue_refresh_token(grant)
        return {
            "token_type": "bearer",
            "refresh_token": refresh,
            "access_token": self.issue_access(grant),
            "expires_in": self.access_ttl,
            "hub_id": PORTAL_ID,
        }

    def refuse(self, request: Request, reason: Refusal, params: dict[str, str]) -> Response:
        status, code, message = STATUSES[reason]
        return JSONResponse({"status": code, "message": message, "correlationId": str(uuid.uuid4())}, status)
