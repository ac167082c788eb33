"""Zendesk's token endpoint (``POST /oauth/tokens``) for the fake: code and refresh grants, rotating refresh tokens.

Since 2025-04-30 Zendesk issues refresh tokens; ``expires_in`` (300 < s < 172800) and ``refresh_token_expires_in``
may be asked for; a refresh deletes the previous access and refresh token. ``fake.access_ttl`` None answers without
``expires_in``, as tokens issued before then (which never expire).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.fake_errors import oauth_error
from gateway.testing.token_endpoint import Grant, Refusal, TokenEndpoint

if TYPE_CHECKING:
    from fake_zendesk import FakeZendesk

INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the "
    "authorization request, or was issued to another client."
)
REFUSALS: dict[Refusal, tuple[int, str, str | None]] = {
    "invalid_code": (400, "invalid_grant", INVALID_GRANT),
    "invalid_refresh_token": (400, "invalid_grant", INVALID_GRANT),
    "unsupported": (400, "unsupported_grant_type", "The grant type {grant} is not supported"),
}


class ZendeskTokens(TokenEndpoint):
    """``POST /oauth/tokens``: code and refresh grants; each refresh deletes the previous token pair."""

    token_type = "bearer"
    default_scopes = ("read", "write")

    def __init__(self, fake: FakeZendesk) -> None:
        super().__init__(fake, refusals=REFUSALS)
        self.zendesk = fake

    def default_subject(self) -> str:
        return str(next(u.id for u in self.zendesk.users.values() if u.role == "admin"))

    def check(self, request: Request, grant: Grant) -> Response | None:
        if grant.type == "refresh_token":
            self.fake.tokens.pop(grant.spent.value, None)
            self.fake.tokens.pop(str(grant.spent.data.get("access")), None)
        asked = grant.params.get("expires_in")
        if asked is not None and not (asked.isdigit() and 300 < int(asked) < 172800):
            return oauth_error(400, "invalid_request", "expires_in must be more than 300 and less than 172800")
        return None

    def access_lifetime(self, grant: Grant) -> int | None:
        asked = grant.params.get("expires_in")
        return int(asked) if asked else self.zendesk.access_ttl

    def body(self, grant: Grant) -> dict[str, Any]:
        access = self.issue_access(grant)
        answer: dict[str, Any] = {"access_token": access, "token_type": "bearer", "scope": " ".join(grant.scopes)}
        refresh_ttl = int(grant.params.get("refresh_token_expires_in") or 30 * 86400)
        answer["refresh_token"] = self.issue_refresh_token(grant, refresh_ttl, access=access)
        ttl = self.access_lifetime(grant)
        if ttl is not None:
            answer.update(expires_in=ttl, refresh_token_expires_in=refresh_ttl)
        return answer
