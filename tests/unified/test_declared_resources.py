"""Resources a plugin declares are mounted from the declaration alone: routes with the secret-key check, connection
headers, typed parameters, signed cursors and error mapping; they appear in /openapi.json and the reference; a
built-in model's subclass adds its fields to the built-in routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.testing.kit import make_gateway
from tests.unified import notebook_plugin

NOTEBOOK = {"Connection-Id": "ann", "Provider-Config-Key": "nb"}
PLAIN = {"Connection-Id": "bob", "Provider-Config-Key": "plain"}


@pytest.fixture
async def api() -> AsyncIterator[httpx.AsyncClient]:
    async with make_gateway(plugins=[notebook_plugin]) as (_, client):
        for provider, key, user in (("notebook", "nb", "ann"), ("plain-notebook", "plain", "bob")):
            made = await client.post("/integrations", json={"provider": provider, "unique_key": key})
            assert made.status_code == 200, made.text
            imported = await client.post(
                "/connections",
                json={
                    "provider_config_key": key,
                    "connection_id": user,
                    "credentials": {"type": "API_KEY", "apiKey": "k"},
                },
            )
            assert imported.status_code == 201, imported.text
        yield client


async def _create(api: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    answer = await api.post("/notes", json=body, headers=NOTEBOOK)
    assert answer.status_code == 201, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


async def test_a_declared_resource_is_served_list_get_create_update_delete(api: httpx.AsyncClient) -> None:
    first = await _create(api, title="Groceries")
    await _create(api, title="Garden", color="blue")
    await _create(api, title="Gifts")
    assert first == {**first, "id": "1", "title": "Groceries", "color": "yellow", "provider": "notebook"}
    assert first["remote_data"] is None  # only with include_remote_data=true

    page = await api.get("/notes", params={"page_size": 2}, headers=NOTEBOOK)
    assert page.status_code == 200, page.text
    assert [n["title"] for n in page.json()["data"]] == ["Groceries", "Garden"]
    rest = await api.get("/notes", params={"cursor": page.json()["next_cursor"]}, headers=NOTEBOOK)
    assert [n["title"] for n in rest.json()["data"]] == ["Gifts"] and rest.json()["next_cursor"] is None

    got = await api.get("/notes/2", params={"include_remote_data": "true"}, headers=NOTEBOOK)
    assert got.json()["data"]["color"] == "blue" and got.json()["data"]["remote_data"] == {"n": "2"}
    patched = await api.patch("/notes/2", json={"title": "Orchard"}, headers=NOTEBOOK)
    assert patched.status_code == 200 and patched.json()["data"]["title"] == "Orchard"
    deleted = await api.delete("/notes/2", headers=NOTEBOOK)
    assert deleted.status_code == 204 and deleted.content == b""
    gone = await api.get("/notes/2", headers=NOTEBOOK)
    assert gone.status_code == 404 and gone.json()["error"] == {"code": "not_found", "message": "No note '2'"}


async def test_its_own_filters_are_typed_and_kept_in_the_cursor(api: httpx.AsyncClient) -> None:
    for title, color in (("Blue sky", "blue"), ("Blue sea", "blue"), ("Sun", "yellow"), ("Blue whale", "blue")):
        await _create(api, title=title, color=color)
    page = await api.get("/notes", params={"color": "blue", "page_size": 2}, headers=NOTEBOOK)
    assert [n["title"] for n in page.json()["data"]] == ["Blue sky", "Blue sea"]
    rest = await api.get("/notes", params={"cursor": page.json()["next_cursor"]}, headers=NOTEBOOK)
    assert [n["title"] for n in rest.json()["data"]] == ["Blue whale"]  # the cursor kept color=blue
    other = await api.get("/notes", params={"cursor": page.json()["next_cursor"], "color": "yellow"}, headers=NOTEBOOK)
    assert other.status_code == 400 and other.json()["error"]["code"] == "invalid_cursor"
    contains = await api.get("/notes", params={"title_contains": "sea"}, headers=NOTEBOOK)
    assert [n["title"] for n in contains.json()["data"]] == ["Blue sea"]
    bad = await api.get("/notes", params={"color": "green"}, headers=NOTEBOOK)
    assert bad.status_code == 400
    assert bad.json()["error"]["errors"][0]["path"] == ["color"] and "blue" in bad.json()["error"]["message"]


async def test_bad_input_is_refused_naming_the_field(api: httpx.AsyncClient) -> None:
    empty = await api.post("/notes", json={"title": ""}, headers=NOTEBOOK)
    assert empty.status_code == 400 and empty.json()["error"]["errors"][0]["path"] == ["title"]
    extra = await api.post("/notes", json={"title": "x", "ink": "red"}, headers=NOTEBOOK)
    assert extra.status_code == 400 and extra.json()["error"]["errors"][0]["path"] == ["ink"]
    unknown_param = await api.get("/notes", params={"colour": "blue"}, headers=NOTEBOOK)
    assert unknown_param.status_code == 400 and "colour" in unknown_param.json()["error"]["message"]
    no_headers = await api.get("/notes")
    assert no_headers.status_code == 400 and no_headers.json()["error"]["code"] == "invalid_headers"
    no_key = await api.get("/notes", headers={**NOTEBOOK, "Authorization": ""})
    assert no_key.status_code == 401
    stranger = await api.get("/notes", headers={**NOTEBOOK, "Connection-Id": "mallory"})
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "unknown_connection"


async def test_a_provider_without_the_resource_answers_501(api: httpx.AsyncClient) -> None:
    answer = await api.get("/notes", headers=PLAIN)
    assert answer.status_code == 501
    assert answer.json()["error"]["message"] == "Provider 'plain-notebook' does not support listing notes"
    not_declared = await api.get("/notes", params={"collection_id": "c"}, headers=NOTEBOOK)
    assert not_declared.status_code == 200  # collection_id is declared by Notes
    refused = await api.delete("/tickets/1", headers=NOTEBOOK)
    assert refused.status_code == 405  # no provider deletes tickets: no route


async def test_a_nested_resource_is_listed_under_its_parent(api: httpx.AsyncClient) -> None:
    await _create(api, title="Pins")
    pins = await api.get("/notes/1/pins", headers=NOTEBOOK)
    assert pins.status_code == 200, pins.text
    assert [p["id"] for p in pins.json()["data"]] == ["1-0", "1-1", "1-2", "1-3"]
    assert {p["note"] for p in pins.json()["data"]} == {"1"}


async def test_a_subclass_of_a_built_in_model_adds_its_fields(api: httpx.AsyncClient) -> None:
    ticket = await api.get("/tickets/7", headers=NOTEBOOK)
    assert ticket.status_code == 200 and ticket.json()["data"]["reactions"] == 3
    created = await api.post(
        "/tickets", json={"name": "New", "milestone": "v1"}, params={"include_remote_data": "true"}, headers=NOTEBOOK
    )
    assert created.status_code == 201, created.text
    assert created.json()["data"]["remote_data"] == {"milestone": "v1"}
    plain = await api.post("/tickets", json={"name": "New", "milestone": "v1"}, headers=PLAIN)
    assert plain.status_code == 400 and plain.json()["error"]["errors"][0]["path"] == ["milestone"]
    assert (await api.post("/tickets", json={"name": "New"}, headers=PLAIN)).status_code == 201
    typo = await api.post("/tickets", json={"name": "New", "milestones": "v1"}, headers=NOTEBOOK)
    assert typo.status_code == 400 and typo.json()["error"]["errors"][0]["path"] == ["milestones"]


async def test_openapi_describes_the_declared_routes(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/openapi.json")).json()
    paths, schemas = spec["paths"], spec["components"]["schemas"]
    assert set(paths["/notes"]) == {"get", "post"} and set(paths["/notes/{id}"]) == {"get", "patch", "delete"}
    assert set(paths["/notes/{id}/pins"]) == {"get"}
    listing = paths["/notes"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert {"Connection-Id", "Provider-Config-Key", "page_size", "cursor", "color", "title_contains"} <= set(params)
    assert params["Connection-Id"]["in"] == "header" and params["Connection-Id"]["required"]
    assert params["color"]["description"] == "Only notes of this colour"
    assert listing["summary"] == "List Notes (pages of a notebook)" and listing["security"] == [{"secretKey": []}]
    note = schemas["Memo"]
    assert note["properties"]["title"] == {"description": "The note's title", "title": "Title", "type": "string"}
    assert "Color" in str(note["properties"]["color"]) and "blue" in str(schemas["Color"])
    body = paths["/notes"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/MemoCreate")
    assert set(paths["/notes/{id}"]["delete"]["responses"]) >= {"204", "401", "404", "501"}
    ticket = schemas["Ticket"]["properties"]
    assert "reactions" in ticket and "added by" in ticket["reactions"]["description"]
    assert "milestone" in schemas["TicketCreate"]["properties"]
    docs = await api.get("/docs")
    assert docs.status_code == 200


async def test_the_reference_shows_routes_and_field_types(api: httpx.AsyncClient) -> None:
    data = (await api.get("/integrations/nb/reference")).json()["data"]
    resources = {r["name"]: r for r in data["resources"]}
    assert {(o["operation"], o["method"], o["path"]) for o in resources["notes"]["operations"]} == {
        ("list", "GET", "/notes"),
        ("get", "GET", "/notes/{id}"),
        ("create", "POST", "/notes"),
        ("update", "PATCH", "/notes/{id}"),
        ("delete", "DELETE", "/notes/{id}"),
    }
    assert resources["pins"]["operations"] == [{"operation": "list", "method": "GET", "path": "/notes/{id}/pins"}]
    assert resources["tickets"]["model"] == "ReactingTicket" and "reactions" in resources["tickets"]["fields"]
    page = await api.get("/reference/notebook")
    assert page.status_code == 200
    assert "<code>Color</code>" in page.text and "The paper&#39;s colour" in page.text
    assert "DELETE</span> <code>/notes/{id}</code>" in page.text
    assert "reactions" in page.text and "no route yet" not in page.text
