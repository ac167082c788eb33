"""The shared fake token endpoint and error answers, driven over HTTP as a gateway (or a plugin's test) would."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.testing.fake_errors import json_error, rate_limited
from gateway.testing.fake_upstream import FakeUpstream, TokenState
from gateway.testing.token_endpoint import TokenEndpoint

CALLBACK = "http://127.0.0.1/callback"


class FakeNotes(FakeUpstream):
    """``GET /me`` behind tokens from ``POST /oauth/token``; errors ``{"fault": ...}``, rate limit with Retry-After."""

    public_paths = ("/oauth/",)

    def __init__(self, **token_settings: Any) -> None:
        super().__init__()
        self.tokens_endpoint = TokenEndpoint(self, default_subject=lambda: "ada", **token_settings)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/oauth/authorize", self.authorize),
            Route("/oauth/token", self.tokens_endpoint.endpoint, methods=["POST"]),
            Route("/me", self.me),
        ]

    def unauthorized_response(self, request: Request, state: TokenState) -> Response:
        return json_error(401, {"fault": f"token {state}"}, {"www-authenticate": "Bearer"})

    def rate_limit_response(self, request: Request) -> Response:
        return rate_limited({"fault": "slow down"}, retry_after=7)

    async def me(self, request: Request) -> Response:
        token = request.state.token
        return JSONResponse({"subject": token.subject, "scopes": token.scopes})


@pytest.fixture
def notes() -> Iterator[tuple[FakeNotes, httpx.Client]]:
    fake = FakeNotes(access_ttl=120, refresh_ttl=3600, default_scopes=("notes",))
    with fake.run() as url, httpx.Client(base_url=url) as client:
        yield fake, client


def client_form(**params: str) -> dict[str, str]:
    return {"client_id": FakeUpstream.client_id, "client_secret": FakeUpstream.client_secret, **params}


def code_for(client: httpx.Client, **params: str) -> str:
    approved = client.get("/oauth/authorize", params={"redirect_uri": CALLBACK, "state": "s", **params})
    assert approved.status_code == 302
    return httpx.URL(approved.headers["location"]).params["code"]


def exchange(client: httpx.Client, code: str) -> httpx.Response:
    form = client_form(grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    return client.post("/oauth/token", data=form)


def refresh(client: httpx.Client, token: str) -> httpx.Response:
    return client.post("/oauth/token", data=client_form(grant_type="refresh_token", refresh_token=token))


def test_code_exchange_issues_tokens_with_the_configured_lifetime(notes: tuple[FakeNotes, httpx.Client]) -> None:
    fake, client = notes
    answer = exchange(client, code_for(client, scope="notes read", user_id="grace")).json()
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 120 and answer["scope"] == "notes read"
    expires_at = fake.tokens[answer["access_token"]].expires_at
    assert expires_at is not None and 115 < expires_at - time.time() <= 120
    me = client.get("/me", headers={"authorization": f"Bearer {answer['access_token']}"})
    assert me.json() == {"subject": "grace", "scopes": ["notes", "read"]}
    assert fake.grants["authorization_code"] == 1


def test_a_code_is_single_use_and_bound_to_its_redirect_uri(notes: tuple[FakeNotes, httpx.Client]) -> None:
    fake, client = notes
    code = code_for(client)
    wrong = client.post("/oauth/token", data=client_form(grant_type="authorization_code", code=code))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert exchange(client, code).status_code == 400  # refused once: spent
    fresh = exchange(client, code_for(client)).json()
    me = client.get("/me", headers={"authorization": f"Bearer {fresh['access_token']}"}).json()
    assert me == {"subject": "ada", "scopes": ["notes"]}  # the defaults when authorize named no one and no scope
    assert fake.grants["authorization_code"] == 1


def test_refresh_rotates_and_a_spent_or_revoked_refresh_token_is_refused(
    notes: tuple[FakeNotes, httpx.Client],
) -> None:
    fake, client = notes
    first = exchange(client, code_for(client)).json()
    second = refresh(client, first["refresh_token"])
    assert second.status_code == 200 and second.json()["refresh_token"] != first["refresh_token"]
    assert refresh(client, first["refresh_token"]).json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token is invalid, expired or revoked.",
    }
    fake.revoke_token(second.json()["refresh_token"])
    assert refresh(client, second.json()["refresh_token"]).status_code == 400
    assert fake.grants == {"authorization_code": 1, "refresh_token": 1}


def test_non_rotating_refresh_tokens_stay_valid_until_revoked() -> None:
    fake = FakeNotes(rotate_refresh=False, access_ttl=None)
    with fake.run() as url, httpx.Client(base_url=url) as client:
        granted = exchange(client, code_for(client)).json()
        assert "expires_in" not in granted
        for _ in range(2):
            again = refresh(client, granted["refresh_token"]).json()
            assert "refresh_token" not in again and again["access_token"] != granted["access_token"]
        fake.revoke_token(granted["refresh_token"])
        assert refresh(client, granted["refresh_token"]).status_code == 400
        assert fake.grants["refresh_token"] == 2


def test_bad_clients_and_unknown_grants_are_refused(notes: tuple[FakeNotes, httpx.Client]) -> None:
    fake, client = notes
    bad_client = client.post("/oauth/token", data={**client_form(grant_type="refresh_token"), "client_secret": "x"})
    assert bad_client.status_code == 401 and bad_client.json()["error"] == "invalid_client"
    unknown = client.post("/oauth/token", data=client_form(grant_type="password"))
    assert unknown.json() == {
        "error": "unsupported_grant_type",
        "error_description": "Grant type 'password' is not supported.",
    }
    assert not fake.grants


def test_settings_are_checked() -> None:
    with pytest.raises(TypeError, match="no setting or hook 'acces_ttl'"):
        TokenEndpoint(FakeNotes(), acces_ttl=5)


def test_error_helpers_answer_the_providers_shapes(notes: tuple[FakeNotes, httpx.Client]) -> None:
    fake, client = notes
    anonymous = client.get("/me")
    assert anonymous.status_code == 401 and anonymous.json() == {"fault": "token missing"}
    assert anonymous.headers["www-authenticate"] == "Bearer"
    token = fake.issue_token()
    fake.fail_next()
    limited = client.get("/me", headers={"authorization": f"Bearer {token}"})
    assert (limited.status_code, limited.headers["retry-after"], limited.json()) == (429, "7", {"fault": "slow down"})
    bare = rate_limited(retry_after=None, text="Retry later\n")
    assert bare.status_code == 429 and "retry-after" not in bare.headers and bare.body == b"Retry later\n"
    assert bare.headers["content-type"] == "text/plain; charset=utf-8"


def test_given_refusals_replace_the_defaults_and_a_redirect_mismatch_follows_invalid_code() -> None:
    fake = FakeNotes(refusals={"invalid_code": (403, "invalid_grant", "Bad code")})
    with fake.run() as url, httpx.Client(base_url=url) as client:
        form = client_form(grant_type="authorization_code", code=code_for(client))  # no redirect_uri
        mismatch = client.post("/oauth/token", data=form)
        assert (mismatch.status_code, mismatch.json()["error_description"]) == (403, "Bad code")
        kept = refresh(client, "nope").json()["error_description"]
        assert kept == "The refresh token is invalid, expired or revoked."
