from __future__ import annotations

import httpx

from gateway.app import all_endpoints


async def test_openapi_describes_every_route_and_body(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    for endpoint in all_endpoints():
        operation = spec["paths"][endpoint.documented_path][endpoint.method.lower()]
        assert operation["summary"] == endpoint.summary
        if endpoint.body is not None:
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.rsplit("/", 1)[1] in spec["components"]["schemas"]
        if not endpoint.public:
            assert "401" in operation["responses"]
    create = spec["components"]["schemas"]["CreateIntegration"]
    assert {"provider", "unique_key"} <= set(create["required"])
    params = {p["name"] for p in spec["paths"]["/connections/{connection_id}"]["get"]["parameters"]}
    assert {"connection_id", "provider_config_key", "refresh_token"} <= params
    for path, model in (("/teams", "Team"), ("/contacts/{id}", "Contact"), ("/tickets", "Ticket")):
        ok = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        envelope = spec["components"]["schemas"][ok.rsplit("/", 1)[1]]
        assert f"#/components/schemas/{model}" in str(envelope), (path, envelope)
    assert "remote_status" in spec["components"]["schemas"]["Ticket"]["properties"]


async def test_docs_page_uses_local_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # no CDN: every asset URL is relative
    script = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
