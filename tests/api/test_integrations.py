from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.conftest import error_of

GITHUB = {
    "provider": "github",
    "unique_key": "github-prod",
    "credentials": {
        "type": "OAUTH2",
        "client_id": "Iv1.abc",
        "client_secret": "shh-client-secret",
        "scopes": "repo",
    },
}


async def create(client: httpx.AsyncClient, body: dict[str, Any] = GITHUB) -> httpx.Response:
    return await client.post("/integrations", json=body)


async def test_create_then_list_get_update_delete(client: httpx.AsyncClient) -> None:
    created = await create(client)
    assert created.status_code == 200
    data = created.json()["data"]
    assert data["unique_key"] == "github-prod" and data["provider"] == "github"
    assert data["display_name"] == "GitHub"
    assert "credentials" not in data and "shh-client-secret" not in created.text

    listed = (await client.get("/integrations")).json()["data"]
    assert [i["unique_key"] for i in listed] == ["github-prod"]
    assert "shh-client-secret" not in str(listed)

    plain = await client.get("/integrations/github-prod")
    assert "shh-client-secret" not in plain.text
    secret = (await client.get("/integrations/github-prod", params={"include": "credentials,webhook"})).json()["data"]
    assert secret["credentials"]["client_secret"] == "shh-client-secret"
    assert secret["credentials"]["scopes"] == "repo"
    assert secret["webhook_url"] == "http://127.0.0.1:3003/webhook/github-prod"

    patched = await client.patch("/integrations/github-prod", json={"unique_key": "gh", "display_name": "Our GitHub"})
    assert patched.status_code == 200 and patched.json()["data"]["display_name"] == "Our GitHub"
    assert (await client.get("/integrations/github-prod")).status_code == 404
    assert (await client.delete("/integrations/gh")).json() == {"success": True}
    assert (await client.get("/integrations")).json() == {"data": []}


async def test_scopes_default_to_catalog_default_scopes(client: httpx.AsyncClient) -> None:
    body = {
        "provider": "jira",
        "unique_key": "jira",
        "credentials": {"type": "OAUTH2", "client_id": "c", "client_secret": "s"},
    }
    assert (await create(client, body)).status_code == 200
    got = (await client.get("/integrations/jira", params={"include": "credentials"})).json()["data"]
    assert "offline_access" in got["credentials"]["scopes"].split(",")


async def test_scope_list_is_accepted(client: httpx.AsyncClient) -> None:
    body = {**GITHUB, "credentials": {**GITHUB["credentials"], "scopes": ["repo", "read:user"]}}  # type: ignore[dict-item]
    assert (await create(client, body)).status_code == 200
    got = (await client.get("/integrations/github-prod", params={"include": "credentials"})).json()["data"]
    assert got["credentials"]["scopes"] == "repo,read:user"


async def test_duplicate_unique_key_is_409(client: httpx.AsyncClient) -> None:
    await create(client)
    again = await create(client)
    assert again.status_code == 409
    error = error_of(again)
    assert error["code"] == "duplicate_provider_config" and "unique_key" in error["message"]


async def test_rename_onto_existing_key_is_409(client: httpx.AsyncClient) -> None:
    await create(client)
    await create(client, {**GITHUB, "unique_key": "other"})
    response = await client.patch("/integrations/other", json={"unique_key": "github-prod"})
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"unique_key": "x"}, "provider"),
        ({"provider": "github"}, "unique_key"),
        ({"provider": "github", "unique_key": "has space"}, "unique_key"),
        ({"provider": 5, "unique_key": "x"}, "provider"),
        ({"provider": "github", "unique_key": "x", "colour": "red"}, "colour"),
        (
            {"provider": "github", "unique_key": "x", "credentials": {"type": "OAUTH2", "client_id": "a"}},
            "credentials.OAUTH2.client_secret",
        ),
        ({"provider": "github", "unique_key": "x", "credentials": {"type": "PASSWORD"}}, "credentials"),
    ],
)
async def test_bad_body_names_the_field(client: httpx.AsyncClient, body: dict[str, Any], field: str) -> None:
    response = await create(client, body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_body"
    assert field in error["message"]
    assert (await client.get("/integrations")).json() == {"data": []}


async def test_unknown_provider_is_400_naming_provider(client: httpx.AsyncClient) -> None:
    response = await create(client, {"provider": "githib", "unique_key": "x"})
    assert response.status_code == 400
    assert "provider: 'githib' is not in the catalog" in error_of(response)["message"]


async def test_credentials_must_match_the_auth_mode(client: httpx.AsyncClient) -> None:
    wrong_type = {**GITHUB, "credentials": {"type": "OAUTH1", "client_id": "a", "client_secret": "b"}}
    response = await create(client, wrong_type)
    assert response.status_code == 400 and "send credentials of type OAUTH2" in error_of(response)["message"]
    api_key_provider = {
        "provider": "linear-api-key",
        "unique_key": "lin",
        "credentials": GITHUB["credentials"],
    }
    response = await create(client, api_key_provider)
    assert response.status_code == 400 and "remove credentials" in error_of(response)["message"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"{not json", "invalid_json"),
        (b"", "invalid_body"),
        (b"[1, 2]", "invalid_body"),
        (b"\xff\xfe", "invalid_json"),
        (b'{"provider": "github", "unique_key": "x", "custom": {"a": NaN}}', "invalid_json"),
        (b'{"provider": "github", "unique_key": "x", "custom": {"a": Infinity}}', "invalid_json"),
    ],
)
async def test_malformed_json_is_400(client: httpx.AsyncClient, raw: bytes, code: str) -> None:
    response = await client.post("/integrations", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert error_of(response)["code"] == code


async def test_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    body = {"provider": "github", "unique_key": "x", "custom": {"blob": "x" * 2_000_000}}
    response = await client.post("/integrations", json=body)
    assert response.status_code == 413
    assert "UNIGATE_MAX_BODY_BYTES" in error_of(response)["message"]


async def test_unknown_integration_is_404(client: httpx.AsyncClient) -> None:
    for method in ("GET", "DELETE"):
        response = await client.request(method, "/integrations/missing")
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    response = await client.patch("/integrations/missing", json={"display_name": "x"})
    assert response.status_code == 404


async def test_bad_include_parameter_is_400(client: httpx.AsyncClient) -> None:
    await create(client)
    response = await client.get("/integrations/github-prod", params={"includes": "credentials"})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_query_params" and "includes" in error["message"]


async def test_nul_characters_are_refused_not_stored(client: httpx.AsyncClient) -> None:
    for body in (
        {"provider": "github", "unique_key": "x", "display_name": "a\u0000b"},
        {"provider": "github", "unique_key": "x", "custom": {"k\u0000": "v"}},
    ):
        response = await client.post("/integrations", json=body)
        assert response.status_code == 400, response.text
        assert "NUL" in error_of(response)["message"]
    assert (await client.get("/integrations")).json() == {"data": []}


async def test_patch_racing_delete_is_404_or_200_never_500(client: httpx.AsyncClient) -> None:
    for round_ in range(20):
        key = f"race-{round_}"
        assert (await create(client, {"provider": "github", "unique_key": key})).status_code == 200
        patch = {"display_name": "renamed", "custom": {"k": "v"}}
        *patched, deleted = await asyncio.gather(
            client.patch(f"/integrations/{key}", json=patch),
            client.patch(f"/integrations/{key}", json=patch),
            client.delete(f"/integrations/{key}"),
        )
        assert deleted.status_code == 200, deleted.text
        for response in patched:
            assert response.status_code in (200, 404), response.text
            if response.status_code == 404:
                assert error_of(response)["code"] == "not_found"
        assert (await client.get(f"/integrations/{key}")).status_code == 404
    assert (await client.get("/integrations")).json() == {"data": []}


@pytest.mark.parametrize("declared", ["\u00b2".encode("latin-1"), b"9" * 5000])
async def test_unparseable_content_length_is_not_a_500(client: httpx.AsyncClient, declared: bytes) -> None:
    """Servers in front normally refuse these; the app itself must not fail on them either."""
    response = await client.post("/integrations", content=b"{}", headers={"content-length": declared})
    assert response.status_code in (400, 413), response.text
    assert (await client.get("/integrations")).json() == {"data": []}
