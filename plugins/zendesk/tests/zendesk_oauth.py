"""Zendesk's token endpoint (``POST /oauth/tokens``) for the fake: code and refresh grants, rotating refresh tokens.

Since 2025-04-30 Zendesk issues refresh tokens; ``expires_in`` (300 < s < 172800) and ``refresh_token_expires_in``
may be asked for; a refresh deletes the previous access and refresh token. ``fake.access_ttl`` None answers without
``expires_in``, as tokens issued before then (which never expire).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

if TYPE_CHECKING:
    from fake_zendesk import FakeZendesk

INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the "
    "authorization request, or was issued to another client."
)


def oauth_error(status: int, code: str, description: str) -> JSONResponse:
    return JSONResponse({"error": code, "error_description": description}, status)


async def token_endpoint(fake: FakeZendesk, request: Request) -> Response:
    """``POST /oauth/tokens``: code and refresh grants; each refresh deletes the previous token pair."""
    params = await fake.read_params(request)
    if not fake.client_ok(request, params):
        return oauth_error(401, "invalid_client", "Client authentication failed.")
    grant = params.get("grant_type")
    if grant == "authorization_code":
        code = fake.redeem(params.get("code"), "code")
        if code is None or params.get("redirect_uri") != code.data.get("redirect_uri"):
            return oauth_error(400, "invalid_grant", INVALID_GRANT)
        subject = str(code.data.get("user_id") or next(u.id for u in fake.users.values() if u.role == "admin"))
        scopes = str(code.data.get("scope") or "read write").split()
    elif grant == "refresh_token":
        old = fake.redeem(params.get("refresh_token"), "refresh")
        if old is None:
            return oauth_error(400, "invalid_grant", INVALID_GRANT)
        fake.tokens.pop(old.value, None)
        fake.tokens.pop(str(old.data.get("access")), None)
        subject, scopes = old.subject, old.scopes
    else:
        return oauth_error(400, "unsupported_grant_type", f"The grant type {grant} is not supported")
    asked = params.get("expires_in")
    if asked is not None and not (asked.isdigit() and 300 < int(asked) < 172800):
        return oauth_error(400, "invalid_request", "expires_in must be more than 300 and less than 172800")
    ttl = int(asked) if asked else fake.access_ttl
    fake.grants[grant] += 1
    access = fake.issue_token(subject=subject, scopes=scopes, expires_in=ttl)
    answer: dict[str, Any] = {"access_token": access, "token_type": "bearer", "scope": " ".join(scopes)}
    refresh_ttl = int(params.get("refresh_token_expires_in") or 30 * 86400)
    answer["refresh_token"] = fake.issue_token(
        kind="refresh", subject=subject, scopes=scopes, expires_in=refresh_ttl, access=access
    )
    if ttl is not None:
        answer.update(expires_in=ttl, refresh_token_expires_in=refresh_ttl)
    return JSONResponse(answer)
