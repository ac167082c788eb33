"""The test authorization server behaves like a real one: checked with plain httpx, no Unigate code."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.oauth_server import OAuthServer, OAuthServerError, run_oauth_server

CALLBACK = "http://127.0.0.1:9/oauth/callback"
APP = {"client_id": "app", "client_secret": "app-secret", "redirect_uris": [CALLBACK]}
M2M = {"client_id": "m2m", "client_secret": "m2m-secret", "grant_types": ["client_credentials"]}


@pytest.fixture(scope="module")
def server() -> Iterator[OAuthServer]:
    with run_oauth_server([APP, M2M], access_token_ttl=60) as running:
        yield running


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(server: OAuthServer, state: str, challenge: str | None, scope: str = "read write") -> str:
    params = {"response_type": "code", "client_id": "app", "redirect_uri": CALLBACK, "scope": scope, "state": state}
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return f"{server.authorization_endpoint}?{urlencode(params)}"


def query(location: str) -> dict[str, str]:
    assert location.startswith(CALLBACK + "?"), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def authorize(server: OAuthServer, scope: str = "read write") -> tuple[str, str]:
    """A code and its verifier, after the user approved."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(16)
    result = query(await server.consent(authorize_url(server, state, challenge, scope)))
    assert result["state"] == state and result["iss"] == server.issuer
    return result["code"], verifier


async def token(server: OAuthServer, basic: bool = True, **form: str) -> httpx.Response:
    client_id, secret = str(APP["client_id"]), str(APP["client_secret"])
    async with httpx.AsyncClient(timeout=10) as http:
        if basic:
            return await http.post(server.token_endpoint, data=form, auth=(client_id, secret))
        return await http.post(server.token_endpoint, data={**form, "client_id": client_id, "client_secret": secret})


async def exchange(server: OAuthServer, code: str, verifier: str, basic: bool = False) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier}
    return await token(server, basic, **form)


def error_of(response: httpx.Response) -> Any:
    return response.json()["error"]


def test_discovery(server: OAuthServer) -> None:
    assert server.issuer.startswith("http://127.0.0.1:")
    assert server.metadata["code_challenge_methods_supported"] == ["S256"]
    assert server.token_endpoint == f"{server.issuer}/token"
    assert server.introspection_endpoint == f"{server.issuer}/token/introspection"
    assert {"client_secret_basic", "client_secret_post"} <= set(
        server.metadata["token_endpoint_auth_methods_supported"]
    )


async def test_code_flow_refresh_rotation_and_reuse_detection(server: OAuthServer) -> None:
    code, verifier = await authorize(server, "openid offline_access read write")
    first = await exchange(server, code, verifier, basic=False)
    assert first.status_code == 200, first.text
    tokens = first.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 60 and tokens["id_token"]
    assert tokens["scope"] == "read write"  # the access token's scope: the API resource's scopes only
    info = await server.introspect(tokens["access_token"], "app", "app-secret")
    assert info["active"] and info["sub"] == "user-1" and info["client_id"] == "app"
    assert info["scope"] == "read write" and info["aud"] == server.resource

    refreshed = await token(server, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()
    assert new["refresh_token"] != tokens["refresh_token"] and new["access_token"] != tokens["access_token"]
    assert (await server.introspect(new["access_token"], "app", "app-secret"))["active"]

    reused = await token(server, basic=False, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert reused.status_code == 400 and error_of(reused) == "invalid_grant"
    # Reuse detection revoked the whole grant, the rotated refresh token included.
    assert (await server.introspect(new["refresh_token"], "app", "app-secret")) == {"active": False}
    revoked = await token(server, grant_type="refresh_token", refresh_token=new["refresh_token"])
    assert revoked.status_code == 400 and error_of(revoked) == "invalid_grant"


async def test_code_reuse_is_rejected_and_revokes_its_tokens(server: OAuthServer) -> None:
    code, verifier = await authorize(server)
    tokens = (await exchange(server, code, verifier)).json()
    again = await exchange(server, code, verifier)
    assert again.status_code == 400 and error_of(again) == "invalid_grant"
    assert (await server.introspect(tokens["access_token"], "app", "app-secret")) == {"active": False}
    refreshed = await token(server, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 400 and error_of(refreshed) == "invalid_grant"


async def test_refresh_token_without_offline_access(server: OAuthServer) -> None:
    code, verifier = await authorize(server, "read")
    tokens = (await exchange(server, code, verifier)).json()
    assert tokens["scope"] == "read" and tokens["refresh_token"] and "id_token" not in tokens


async def test_denial_returns_access_denied_with_state(server: OAuthServer) -> None:
    _, challenge = pkce_pair()
    result = query(await server.consent(authorize_url(server, "st-1", challenge), approve=False))
    assert result["error"] == "access_denied" and result["state"] == "st-1" and "code" not in result


async def test_unknown_user_cannot_log_in(server: OAuthServer) -> None:
    with pytest.raises(OAuthServerError, match="got 403"):
        await server.consent(authorize_url(server, "st-3", pkce_pair()[1]), login="nobody")


async def test_request_without_a_known_scope_is_denied(server: OAuthServer) -> None:
    # oidc-provider ends an authorization that grants no scope with access_denied (e.g. comma-separated scopes).
    result = query(await server.consent(authorize_url(server, "st-4", pkce_pair()[1], scope="read,write")))
    assert result["error"] == "access_denied" and result["state"] == "st-4"


async def test_wrong_code_verifier_is_invalid_grant(server: OAuthServer) -> None:
    code, _ = await authorize(server)
    response = await exchange(server, code, pkce_pair()[0])
    assert response.status_code == 400 and error_of(response) == "invalid_grant"


async def test_pkce_is_required(server: OAuthServer) -> None:
    result = query(await server.consent(authorize_url(server, "st-2", None)))
    assert result["error"] == "invalid_request" and result["state"] == "st-2"


async def test_wrong_client_secret_is_invalid_client(server: OAuthServer) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(server.token_endpoint, data={"grant_type": "client_credentials"}, auth=("m2m", "x"))
    assert response.status_code == 401 and error_of(response) == "invalid_client"


async def test_client_credentials(server: OAuthServer) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.post(
            server.token_endpoint,
            data={
                "grant_type": "client_credentials",
                "scope": "read",
                "client_id": "m2m",
                "client_secret": "m2m-secret",
            },
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == "read" and body["expires_in"] == 60 and "refresh_token" not in body
    info = await server.introspect(body["access_token"], "m2m", "m2m-secret")
    assert info["active"] and info["client_id"] == "m2m" and info["aud"] == server.resource


async def test_stats_count_token_requests_by_grant_type(server: OAuthServer) -> None:
    server.reset_stats()
    code, verifier = await authorize(server)
    tokens = (await exchange(server, code, verifier)).json()
    refreshes = [
        token(server, grant_type="refresh_token", refresh_token=tokens["refresh_token"]),
        token(server, grant_type="refresh_token", refresh_token="not-a-token"),
    ]
    assert sorted(r.status_code for r in await asyncio.gather(*refreshes)) == [200, 400]
    assert server.stats() == {"authorization_code": 1, "refresh_token": 2, "client_credentials": 0}
    assert server.stats("success") == {"authorization_code": 1, "refresh_token": 1, "client_credentials": 0}
    assert server.stats("error") == {"authorization_code": 0, "refresh_token": 1, "client_credentials": 0}


async def test_access_tokens_expire() -> None:
    with run_oauth_server([M2M], access_token_ttl=3) as short:
        async with httpx.AsyncClient(timeout=10) as http:
            form = {"grant_type": "client_credentials", "scope": "write"}
            body = (await http.post(short.token_endpoint, data=form, auth=("m2m", "m2m-secret"))).json()
        assert body["expires_in"] == 3
        assert (await short.introspect(body["access_token"], "m2m", "m2m-secret"))["active"]
        await asyncio.sleep(4.2)  # whole seconds from a floored issue time; 3 s leaves room on a busy machine
        assert (await short.introspect(body["access_token"], "m2m", "m2m-secret")) == {"active": False}


async def test_jwt_access_tokens() -> None:
    with run_oauth_server([M2M], access_token_ttl=30, access_token_format="jwt") as jwt_server:
        async with httpx.AsyncClient(timeout=10) as http:
            form = {"grant_type": "client_credentials", "scope": "read write"}
            body = (await http.post(jwt_server.token_endpoint, data=form, auth=("m2m", "m2m-secret"))).json()
            payload = body["access_token"].split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            assert claims["aud"] == jwt_server.resource and claims["scope"] == "read write"
            assert claims["exp"] - claims["iat"] == 30 and claims["client_id"] == "m2m"
            # oidc-provider refuses to introspect its own structured (JWT) tokens.
            response = await http.post(
                jwt_server.introspection_endpoint, data={"token": body["access_token"]}, auth=("m2m", "m2m-secret")
            )
            assert response.status_code == 400 and error_of(response) == "unsupported_token_type"
