from __future__ import annotations

import httpx

from tests.conftest import error_of


async def test_list_and_get(client: httpx.AsyncClient) -> None:
    listed = (await client.get("/providers")).json()["data"]
    names = [p["name"] for p in listed]
    assert "github" in names and names == sorted(names)
    github = (await client.get("/providers/github")).json()["data"]
    assert github["name"] == "github" and github["auth_mode"] == "OAUTH2"
    assert github["proxy"]["base_url"] == "https://api.github.com"


async def test_search(client: httpx.AsyncClient) -> None:
    found = (await client.get("/providers", params={"search": "GitHub"})).json()["data"]
    assert found and all("github" in (p["name"] + p["display_name"]).lower() for p in found)


async def test_unknown_provider_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/providers/githib")
    assert response.status_code == 404 and error_of(response)["code"] == "unknown_provider"


async def test_entries_carry_the_connect_form_schema(client: httpx.AsyncClient) -> None:
    zendesk = (await client.get("/providers/zendesk")).json()["data"]
    field = zendesk["connection_config"]["subdomain"]
    assert field["type"] == "string" and field["title"] and field["pattern"]
    api_key = (await client.get("/providers/linear-api-key")).json()["data"]
    assert api_key["credentials"]["apiKey"]["secret"] is True
