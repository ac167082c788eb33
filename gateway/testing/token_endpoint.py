"""A configurable OAuth 2 token endpoint for provider fakes: code exchange and refresh (RFC 6749 §4.1.3, §6).

Settings are class attributes; they and the hooks (provider quirks: answer fields, error shapes, extra checks) can
be replaced per instance (``TokenEndpoint(fake, access_ttl=7200, extra=lambda grant: {...})``) or in a subclass.
Every accepted grant is counted in ``fake.grants``; a spent, expired or revoked code or refresh token is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.testing.fake_errors import oauth_error
from gateway.testing.fake_upstream import FakeUpstream, Token

Refusal = Literal["invalid_client", "invalid_code", "redirect_uri_mismatch", "invalid_refresh_token", "unsupported"]


@dataclass
class Grant:
    """A token request the endpoint accepted: its type, for whom and what, and the code or refresh token spent."""

    type: str
    subject: str
    scopes: list[str]
    params: dict[str, str]
    spent: Token


class TokenEndpoint:
    """``POST`` handler (``endpoint``) issuing the fake's access and refresh tokens."""

    access_ttl: int | None = 3600  # seconds; None: access tokens never expire and answers carry no expires_in
    refresh_ttl: int | None = None
    rotate_refresh: bool = True  # a refresh spends its token and answers a new one; False: it stays valid
    issue_refresh: bool = True  # answer refresh tokens at all
    access_prefix: str = ""
    refresh_prefix: str = ""
    access_data: Mapping[str, Any] = {}  # kept on each access token issued (``Token.data``)
    token_type: str = "Bearer"
    default_grant_type: str | None = None  # the grant when the request names none
    redirect_uri_optional: bool = False  # True: the code's redirect_uri is compared only when the request sends one
    subject_param: str = "user_id"  # the authorize parameter naming the approving user (else ``default_subject``)
    default_scopes: tuple[str, ...] = ()  # granted when the authorize request asked for none
    scope_separators: str = " "
    answer_scope: bool = True  # False: answers carry no ``scope``
    refusals: ClassVar[Mapping[Refusal, tuple[int, str, str | None]]] = {
        "invalid_client": (401, "invalid_client", "Client authentication failed."),
        "invalid_code": (400, "invalid_grant", "The authorization code is invalid, expired or already used."),
        "redirect_uri_mismatch": (400, "invalid_grant", "The authorization code is invalid, expired or already used."),
        "invalid_refresh_token": (400, "invalid_grant", "The refresh token is invalid, expired or revoked."),
        "unsupported": (400, "unsupported_grant_type", "Grant type {grant!r} is not supported."),
    }

    def __init__(self, fake: FakeUpstream, **settings: Any) -> None:
        for name, value in settings.items():
            if name.startswith("_") or name == "endpoint" or not hasattr(type(self), name):
                raise TypeError(f"TokenEndpoint has no setting or hook {name!r}")
            setattr(self, name, self.merged_refusals(value) if name == "refusals" else value)
        self.fake = fake

    def merged_refusals(
        self, given: Mapping[Refusal, tuple[int, str, str | None]]
    ) -> dict[Refusal, tuple[int, str, str | None]]:
        """``given`` over the defaults; a redirect_uri mismatch is refused as an invalid code unless given its own."""
        merged = {**type(self).refusals, **given}
        if "invalid_code" in given and "redirect_uri_mismatch" not in given:
            merged["redirect_uri_mismatch"] = given["invalid_code"]
        return merged

    async def endpoint(self, request: Request) -> Response:
        """The route handler: authenticate the client, accept the grant, count it and answer the tokens."""
        params = await self.fake.read_params(request)
        if not self.fake.client_ok(request, params):
            return self.refuse(request, "invalid_client", params)
        grant_type = params.get("grant_type", self.default_grant_type)
        if grant_type == "authorization_code":
            code = self.fake.redeem(params.get("code"), "code")
            if code is None:
                return self.refuse(request, "invalid_code", params)
            sent = params.get("redirect_uri")
            if (sent or not self.redirect_uri_optional) and sent != code.data.get("redirect_uri"):
                return self.refuse(request, "redirect_uri_mismatch", params)
            subject, scopes = self.code_grant(code)
            grant = Grant(grant_type, subject, scopes, params, code)
        elif grant_type == "refresh_token":
            previous = self.spend_refresh(params.get("refresh_token"))
            if previous is None:
                return self.refuse(request, "invalid_refresh_token", params)
            grant = Grant(grant_type, previous.subject, list(previous.scopes), params, previous)
        else:
            return self.refuse(request, "unsupported", params)
        refused = self.check(request, grant)
        if refused is not None:
            return refused
        self.fake.grants[grant_type] += 1
        return self.answer(request, self.body(grant))

    # -- hooks ----------------------------------------------------------------------------------------------------
    def default_subject(self) -> str:
        """Who approved a code whose authorize request named nobody (``subject_param``)."""
        return "default"

    def code_grant(self, code: Token) -> tuple[str, list[str]]:
        """Subject and scopes of a code: the authorize request's ``subject_param`` and ``scope``, or the defaults."""
        subject = str(code.data.get(self.subject_param) or self.default_subject())
        return subject, self.parse_scopes(str(code.data.get("scope") or "")) or list(self.default_scopes)

    def parse_scopes(self, text: str) -> list[str]:
        parts = [text]
        for separator in self.scope_separators:
            parts = [piece for part in parts for piece in part.split(separator)]
        return [part for part in parts if part]

    def spend_refresh(self, value: str | None) -> Token | None:
        """The valid refresh token ``value``, spent if they rotate; ``None`` if unknown, expired or revoked."""
        if self.rotate_refresh:
            return self.fake.redeem(value, "refresh")
        token = self.fake.tokens.get(value or "")
        return token if token is not None and token.kind == "refresh" and token.state == "valid" else None

    def check(self, request: Request, grant: Grant) -> Response | None:
        """A provider's further refusal of an otherwise valid grant (``None``: accepted)."""
        return None

    def access_lifetime(self, grant: Grant) -> int | None:
        return self.access_ttl

    def answers_refresh(self, grant: Grant) -> bool:
        """Whether the answer carries a refresh token: always on a code, on a refresh only if they rotate."""
        return self.issue_refresh and (grant.type == "authorization_code" or self.rotate_refresh)

    def issue_access(self, grant: Grant) -> str:
        expires_in = self.access_lifetime(grant)
        data = dict(self.access_data)
        return self.fake.issue_token(
            subject=grant.subject, scopes=grant.scopes, expires_in=expires_in, prefix=self.access_prefix, **data
        )

    def issue_refresh_token(self, grant: Grant, expires_in: int | None = None, **data: Any) -> str:
        lifetime = self.refresh_ttl if expires_in is None else expires_in
        return self.fake.issue_token(
            kind="refresh",
            subject=grant.subject,
            scopes=grant.scopes,
            expires_in=lifetime,
            prefix=self.refresh_prefix,
            **data,
        )

    def body(self, grant: Grant) -> dict[str, Any]:
        """The answer's fields: ``access_token``, ``token_type``, ``expires_in``, ``refresh_token`` and ``scope``."""
        answer: dict[str, Any] = {"access_token": self.issue_access(grant), "token_type": self.token_type}
        expires_in = self.access_lifetime(grant)
        if expires_in is not None:
            answer["expires_in"] = expires_in
        if self.answers_refresh(grant):
            answer["refresh_token"] = self.issue_refresh_token(grant)
        if self.answer_scope:
            answer["scope"] = " ".join(grant.scopes)
        return {**answer, **self.extra(grant)}

    def extra(self, grant: Grant) -> dict[str, Any]:
        """Provider-specific fields added to (or replacing some of) ``body``."""
        return {}

    def answer(self, request: Request, body: dict[str, Any]) -> Response:
        return JSONResponse(body)

    def refuse(self, request: Request, reason: Refusal, params: dict[str, str]) -> Response:
        """The provider's error answer; by default ``refusals[reason]`` as an OAuth error (``{grant}`` filled in)."""
        status, error, description = self.refusals[reason]
        grant = params.get("grant_type")
        return oauth_error(status, error, None if description is None else description.format(grant=grant))
