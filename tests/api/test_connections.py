from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.conftest import error_of

EXPIRES = "2030-01-01T00:00:00Z"
OAUTH = {
    "type": "OAUTH2",
    "access_token": "gho_access",
    "refresh_token": "ghr_refresh",
    "expires_at": EXPIRES,
    "raw": {"token_type": "bearer"},
}


@pytest.fixture
async def integrations(client: httpx.AsyncClient) -> None:
    for body in (
        {"provider": "github", "unique_key": "github-prod"},
        {"provider": "linear-api-key", "unique_key": "linear"},
        {"provider": "zendesk-api-token", "unique_key": "zendesk"},
    ):
        assert (await client.post("/integrations", json=body)).status_code == 200


def import_body(connection_id: str = "user-1", **extra: Any) -> dict[str, Any]:
    return {
        "provider_config_key": "github-prod",
        "connection_id": connection_id,
        "credentials": OAUTH,
        **extra,
    }


@pytest.mark.usefixtures("integrations")
async def test_import_get_list_patch_delete(client: httpx.AsyncClient) -> None:
    body = import_body(
        metadata={"plan": "pro"},
        connection_config={"owner": "acme"},
        end_user={"id": "u1", "email": "u1@example.com"},
        tags={"team": "core"},
    )
    created = await client.post("/connections", json=body)
    assert created.status_code == 201, created.text
    got = (await client.get("/connections/user-1", params={"provider_config_key": "github-prod"})).json()
    assert got["provider"] == "github" and got["connection_config"] == {"owner": "acme"}
    assert got["metadata"] == {"plan": "pro"} and got["tags"] == {"team": "core"}
    assert got["end_user"] == {"id": "u1", "email": "u1@example.com"}
    assert got["credentials"] == {
        "type": "OAUTH2",
        "access_token": "gho_access",
        "expires_at": EXPIRES,
        "raw": {"token_type": "bearer"},
    }
    assert got["last_fetched_at"] is not None and got["errors"] == []
    with_refresh = await client.get(
        "/connections/user-1", params={"provider_config_key": "github-prod", "refresh_token": "true"}
    )
    assert with_refresh.json()["credentials"]["refresh_token"] == "ghr_refresh"

    listed = (await client.get("/connections")).json()["connections"]
    assert [c["connection_id"] for c in listed] == ["user-1"]
    assert "credentials" not in listed[0] and "gho_access" not in str(listed)

    patched = await client.patch(
        "/connections/user-1",
        params={"provider_config_key": "github-prod"},
        json={"tags": {"team": "growth"}, "end_user": {"id": "u2"}},
    )
    assert patched.json() == {"success": True}
    got = (await client.get("/connections/user-1", params={"provider_config_key": "github-prod"})).json()
    assert got["tags"] == {"team": "growth"} and got["end_user"] == {"id": "u2"}

    deleted = await client.delete("/connections/user-1", params={"provider_config_key": "github-prod"})
    assert deleted.json() == {"success": True}
    again = await client.delete("/connections/user-1", params={"provider_config_key": "github-prod"})
    assert again.status_code == 404 and error_of(again)["code"] == "unknown_connection"


@pytest.mark.usefixtures("integrations")
async def test_import_of_each_credential_type(client: httpx.AsyncClient) -> None:
    api_key = {
        "provider_config_key": "linear",
        "connection_id": "l1",
        "credentials": {"type": "API_KEY", "apiKey": "lin_api_123"},
    }
    basic = {
        "provider_config_key": "zendesk",
        "connection_id": "z1",
        "connection_config": {"subdomain": "acme"},
        "credentials": {"type": "BASIC", "username": "me@acme.com/token", "password": "zd-token"},
    }
    for body in (api_key, basic):
        response = await client.post("/connections", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["credentials"] == body["credentials"]


@pytest.mark.usefixtures("integrations")
async def test_reimport_overrides_the_connection(client: httpx.AsyncClient) -> None:
    await client.post("/connections", json=import_body())
    second = await client.post("/connections", json=import_body(credentials={**OAUTH, "access_token": "new"}))
    assert second.status_code == 200
    got = (await client.get("/connections/user-1", params={"provider_config_key": "github-prod"})).json()
    assert got["credentials"]["access_token"] == "new"
    assert len((await client.get("/connections")).json()["connections"]) == 1


@pytest.mark.usefixtures("integrations")
async def test_generated_connection_id(client: httpx.AsyncClient) -> None:
    body = import_body()
    del body["connection_id"]
    response = await client.post("/connections", json=body)
    assert response.status_code == 201
    assert len(response.json()["connection_id"]) == 36


@pytest.mark.usefixtures("integrations")
async def test_list_filters(client: httpx.AsyncClient) -> None:
    await client.post("/connections", json=import_body("a", end_user={"id": "alice"}, tags={"env": "prod"}))
    await client.post("/connections", json=import_body("b", end_user={"id": "bob"}, tags={"env": "dev"}))
    await client.post(
        "/connections",
        json={
            "provider_config_key": "linear",
            "connection_id": "c",
            "credentials": {"type": "API_KEY", "apiKey": "k"},
        },
    )

    async def ids(**params: str) -> list[str]:
        response = await client.get("/connections", params=params)
        assert response.status_code == 200, response.text
        return sorted(c["connection_id"] for c in response.json()["connections"])

    assert await ids() == ["a", "b", "c"]
    assert await ids(connectionId="a") == ["a"]
    assert await ids(endUserId="bob") == ["b"]
    assert await ids(integrationId="linear") == ["c"]
    assert await ids(integrationId="linear,github-prod") == ["a", "b", "c"]
    assert await ids(search="ALI") == ["a"]
    assert await ids(**{"tags[env]": "prod"}) == ["a"]
    assert await ids(limit="2", page="1") == ["a"]


@pytest.mark.usefixtures("integrations")
async def test_search_matches_percent_underscore_and_backslash_literally(client: httpx.AsyncClient) -> None:
    for connection_id, end_user in (
        ("a_b", "plain"),
        ("axb", "plain"),
        ("p1", "50%off"),
        ("p2", "50xoff"),
        ("p3", "back\\slash"),
        ("p4", "backslash"),
    ):
        created = await client.post("/connections", json=import_body(connection_id, end_user={"id": end_user}))
        assert created.status_code == 201, created.text

    async def found(search: str) -> list[str]:
        response = await client.get("/connections", params={"search": search})
        assert response.status_code == 200, response.text
        return sorted(c["connection_id"] for c in response.json()["connections"])

    assert await found("a_b") == ["a_b"]
    assert await found("_") == ["a_b"]
    assert await found("%") == ["p1"]
    assert await found("0%O") == ["p1"]
    assert await found("\\") == ["p3"]
    assert await found("k\\s") == ["p3"]
    assert await found("%%") == [] and await found("__") == []
    assert await found("x") == ["axb", "p2"]


@pytest.mark.usefixtures("integrations")
@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"provider_config_key": None}, "provider_config_key"),
        ({"credentials": {"type": "OAUTH2"}}, "access_token"),
        ({"credentials": {"type": "OAUTH2", "access_token": "t"}}, "credentials.expires_at"),
        ({"credentials": {**OAUTH, "expires_at": "2030-01-01T00:00:00"}}, "expires_at"),
        ({"credentials": {**OAUTH, "expires_at": "next tuesday"}}, "expires_at"),
        ({"credentials": {"type": "MAGIC"}}, "credentials"),
        ({"credentials": {"type": "API_KEY", "apiKey": "k"}}, "credentials.type"),
        ({"connection_id": "has space"}, "connection_id"),
        ({"connection_id": 12}, "connection_id"),
        ({"metadata": []}, "metadata"),
        ({"tags": {"a": 1}}, "tags.a"),
        ({"end_user": {"email": "x@y.z"}}, "end_user.id"),
    ],
)
async def test_bad_import_names_the_field(client: httpx.AsyncClient, patch: dict[str, Any], field: str) -> None:
    body = {**import_body(), **patch}
    body = {k: v for k, v in body.items() if v is not None}
    response = await client.post("/connections", json=body)
    assert response.status_code == 400, response.text
    assert field in error_of(response)["message"]
    assert (await client.get("/connections")).json() == {"connections": []}


async def test_import_into_unknown_integration_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post("/connections", json=import_body())
    assert response.status_code == 404
    assert error_of(response)["code"] == "unknown_provider_config"


@pytest.mark.usefixtures("integrations")
async def test_get_needs_provider_config_key(client: httpx.AsyncClient) -> None:
    await client.post("/connections", json=import_body())
    response = await client.get("/connections/user-1")
    assert response.status_code == 400
    assert "provider_config_key" in error_of(response)["message"]
    wrong = await client.get("/connections/user-1", params={"provider_config_key": "linear"})
    assert wrong.status_code == 404 and error_of(wrong)["code"] == "unknown_connection"


@pytest.mark.usefixtures("integrations")
async def test_unknown_list_parameter_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/connections", params={"colour": "red"})
    assert response.status_code == 400 and "colour" in error_of(response)["message"]
    response = await client.get("/connections", params={"limit": "5000"})
    assert response.status_code == 400 and "limit" in error_of(response)["message"]


@pytest.mark.usefixtures("integrations")
async def test_deleting_integration_deletes_its_connections(client: httpx.AsyncClient) -> None:
    await client.post("/connections", json=import_body())
    await client.delete("/integrations/github-prod")
    assert (await client.get("/connections")).json() == {"connections": []}


async def test_nul_in_url_is_400(client: httpx.AsyncClient) -> None:
    for url in (
        "/connections/a%00b?provider_config_key=gh",
        "/connections/a?provider_config_key=g%00h",
        "/integrations/x%00y",
    ):
        response = await client.get(url)
        assert response.status_code == 400, (url, response.text)
        assert error_of(response)["code"] == "invalid_uri_params"


@pytest.mark.usefixtures("integrations")
@pytest.mark.parametrize("subdomain", ["evil.com/x?", "a.b@evil.com", "../", "%2e%2e", "acme\nx", "", "evil.com:443"])
async def test_hostile_connection_config_is_refused(client: httpx.AsyncClient, subdomain: str) -> None:
    body = {
        "provider_config_key": "zendesk",
        "connection_id": "z1",
        "connection_config": {"subdomain": subdomain},
        "credentials": {"type": "BASIC", "username": "me", "password": "pw"},
    }
    response = await client.post("/connections", json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_connection_config"
    assert error["message"].startswith("connection_config.subdomain:")
    assert (await client.get("/connections")).json() == {"connections": []}


@pytest.mark.usefixtures("integrations")
async def test_patch_or_get_racing_delete_is_404_or_200_never_500(client: httpx.AsyncClient) -> None:
    key = {"provider_config_key": "linear"}
    for round_ in range(20):
        cid = f"race-{round_}"
        body = {**key, "connection_id": cid, "credentials": {"type": "API_KEY", "apiKey": "k"}}
        assert (await client.post("/connections", json=body)).status_code == 201
        patched, fetched, deleted = await asyncio.gather(
            client.patch(f"/connections/{cid}", params=key, json={"tags": {"team": "a"}}),
            client.get(f"/connections/{cid}", params=key),
            client.delete(f"/connections/{cid}", params=key),
        )
        assert deleted.status_code in (200, 404), deleted.text
        for response in (patched, fetched):
            assert response.status_code in (200, 404), response.text
            if response.status_code == 404:
                assert error_of(response)["code"] == "unknown_connection"
        assert (await client.get(f"/connections/{cid}", params=key)).status_code == 404
    assert (await client.get("/connections")).json() == {"connections": []}


@pytest.mark.parametrize(
    ("key", "credentials", "field"),
    [
        ("github-prod", {**OAUTH, "access_token": "gho_a\r\nX-Injected: 1"}, "access_token"),
        ("github-prod", {**OAUTH, "access_token": "gho_a\rb"}, "access_token"),
        ("github-prod", {**OAUTH, "refresh_token": "ghr\nb"}, "refresh_token"),
        ("linear", {"type": "API_KEY", "apiKey": "lin_api\n"}, "apiKey"),
        ("zendesk", {"type": "BASIC", "username": "me\r\n", "password": "pw"}, "username"),
        ("zendesk", {"type": "BASIC", "username": "me", "password": "p\nw"}, "password"),
    ],
)
async def test_token_with_a_line_break_is_refused_at_import(
    client: httpx.AsyncClient, key: str, credentials: dict[str, Any], field: str
) -> None:
    body: dict[str, Any] = {"provider_config_key": key, "connection_id": "c1", "credentials": credentials}
    if key == "zendesk":
        body["connection_config"] = {"subdomain": "acme"}
    response = await client.post("/connections", json=body)
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "invalid_body"
    assert f"credentials.{credentials['type']}.{field}: " in error["message"]
    assert "line break" in error["message"] and "\n" not in error["message"]
    assert (await client.get("/connections")).json() == {"connections": []}


@pytest.mark.usefixtures("integrations")
async def test_token_with_nul_is_refused_at_import(client: httpx.AsyncClient) -> None:
    response = await client.post("/connections", json=import_body(credentials={**OAUTH, "access_token": "a\x00b"}))
    assert response.status_code == 400, response.text
    assert "NUL" in error_of(response)["message"]
    assert (await client.get("/connections")).json() == {"connections": []}


async def test_free_form_token_with_a_line_break_is_refused(client: httpx.AsyncClient) -> None:
    """TWO_STEP (and JWT, CUSTOM...) credentials are free-form; the token fields sent in headers are checked."""
    assert (await client.post("/integrations", json={"provider": "personio", "unique_key": "two"})).status_code == 200
    credentials = {"type": "TWO_STEP", "token": "t\r\nX: 1", "private_key": "-----BEGIN-----\nkeeps\nlines\n"}
    body = {"provider_config_key": "two", "connection_id": "c1", "credentials": credentials}
    response = await client.post("/connections", json=body)
    assert response.status_code == 400, response.text
    assert "credentials.TWO_STEP: Value error, token: contains a line break" in error_of(response)["message"]
    assert (await client.get("/connections")).json() == {"connections": []}
    credentials["token"] = "t-ok"  # other fields (a PEM key) keep their lines
    assert (await client.post("/connections", json=body)).status_code == 201


@pytest.mark.parametrize(
    "base_url",
    ["https://git.acme.io/./admin", "https://git.acme.io/gitlab/../../admin", "https://git.acme.io/%2e%2e"],
)
async def test_whole_base_url_with_dot_segments_is_refused(client: httpx.AsyncClient, base_url: str) -> None:
    assert (await client.post("/integrations", json={"provider": "gitlab-pat", "unique_key": "gl"})).is_success
    body = {
        "provider_config_key": "gl",
        "connection_id": "g1",
        "connection_config": {"base_url": base_url},
        "credentials": {"type": "API_KEY", "apiKey": "glpat-1"},
    }
    response = await client.post("/connections", json=body)
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "invalid_connection_config"
    assert error["message"].startswith("connection_config.base_url:") and ". or .. path segment" in error["message"]
    assert (await client.get("/connections")).json() == {"connections": []}
    body["connection_config"] = {"base_url": "https://git.acme.io/gitlab"}
    assert (await client.post("/connections", json=body)).status_code == 201
