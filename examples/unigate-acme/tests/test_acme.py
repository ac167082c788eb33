"""The example plugin in use: it takes over GitHub's ticket mapping and serves a provider of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import unigate_acme
import unigate_github
from fake_acme_tasks import FakeAcmeTasks
from fake_github import FakeGitHub
from unigate_acme import AcmeGitHub, AcmeTasksProvider

from gateway.testing.contract import ContractWorld, ProviderContractTests
from gateway.testing.kit import make_gateway

REPO = "octo/hello"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    fake.add_user("octo")
    repo = fake.add_repo("octo", "hello")
    fake.add_issue(repo, "Printer on fire", user="octo", labels=["bug", "priority:urgent"])
    fake.add_issue(repo, "Typo", user="octo")
    with fake.run():
        yield fake


@contextmanager
def acme_tasks() -> Iterator[FakeAcmeTasks]:
    fake = FakeAcmeTasks()
    fake.issue_token(value="acme-key")
    for n in range(1, 6):
        fake.add_task(f"Task {n}", done=n == 3, updated_day=n)
    with fake.run():
        yield fake


@pytest.fixture
async def api(tmp_path: Path, github: FakeGitHub) -> AsyncIterator[httpx.AsyncClient]:
    with acme_tasks() as tasks:
        tasks_url = tasks.base_url
        override = tmp_path / "override.yaml"
        override.write_text(
            f"github:\n  proxy:\n    base_url: {github.base_url}\nacme-tasks:\n  proxy:\n    base_url: {tasks_url}\n"
        )
        plugins = [unigate_github, unigate_acme]
        async with make_gateway(plugins=plugins, providers_files=[override], allow_private_hosts=True) as (gw, client):
            registration = gw.providers.registrations["github"]
            assert type(registration.provider) is AcmeGitHub and registration.replaced is not None
            for provider, key, credentials in (
                ("github", "gh", {"type": "OAUTH2", "access_token": github.token_for("octo"), "no_expiration": True}),
                ("acme-tasks", "acme", {"type": "API_KEY", "apiKey": "acme-key"}),
            ):
                await client.post("/integrations", json={"provider": provider, "unique_key": key})
                created = await client.post(
                    "/connections", json={"provider_config_key": key, "connection_id": "c1", "credentials": credentials}
                )
                assert created.status_code == 201, created.text
            yield client


def headers(key: str) -> dict[str, str]:
    return {"Connection-Id": "c1", "Provider-Config-Key": key}


async def test_github_tickets_carry_priority_from_labels(api: httpx.AsyncClient) -> None:
    tickets = (await api.get("/tickets", params={"collection_id": REPO}, headers=headers("gh"))).json()["data"]
    by_name = {t["name"]: t for t in tickets}
    assert by_name["Printer on fire"]["priority"] == "URGENT"
    assert by_name["Printer on fire"]["remote_priority"] == "priority:urgent"
    assert by_name["Typo"]["priority"] is None


async def test_setting_a_priority_writes_the_label(api: httpx.AsyncClient, github: FakeGitHub) -> None:
    created = await api.post(
        "/tickets", headers=headers("gh"), json={"name": "Slow page", "collections": [REPO], "priority": "HIGH"}
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    assert body["data"]["priority"] == "HIGH" and "priority:high" in body["data"]["tags"]
    assert "warnings" not in body or not [w for w in body["warnings"] if w["field"] == "priority"]
    ticket = body["data"]["id"].replace("#", "%23")
    lowered = await api.patch(f"/tickets/{ticket}", headers=headers("gh"), json={"priority": "LOW"})
    assert lowered.json()["data"]["priority"] == "LOW"
    assert [t for t in lowered.json()["data"]["tags"] if t.startswith("priority:")] == ["priority:low"]


async def test_new_provider_serves_tickets_with_pages(api: httpx.AsyncClient) -> None:
    seen, params = [], {"page_size": 2}
    for _ in range(5):
        page = (await api.get("/tickets", params=params, headers=headers("acme"))).json()
        seen += [(t["id"], t["status"]) for t in page["data"]]
        if page["next_cursor"] is None:
            break
        params = {"page_size": 2, "cursor": page["next_cursor"]}
    assert seen == [("t1", "OPEN"), ("t2", "OPEN"), ("t3", "CLOSED"), ("t4", "OPEN"), ("t5", "OPEN")]
    unsupported = await api.post("/tickets", headers=headers("acme"), json={"name": "x", "collections": []})
    assert unsupported.status_code == 501 and "acme-tasks" in unsupported.json()["error"]["message"]


class TestAcmeTasksContract(ProviderContractTests):
    plugin = unigate_acme
    catalog_key = "acme-tasks"

    @contextmanager
    def contract_world(self) -> Iterator[ContractWorld]:
        with acme_tasks() as fake:
            yield ContractWorld(
                fake=fake,
                connection={"credentials": {"type": "API_KEY", "apiKey": "acme-key"}},
                lists={"/tickets": 5},
                missing="/tickets/t404",
                short_rate_limit=lambda request: fake.rate_limit_response(request, retry_after=1),
            )


def test_provider_classes_are_registered_by_the_plugin() -> None:
    assert AcmeTasksProvider.catalog_key == "acme-tasks" and issubclass(AcmeGitHub, unigate_github.GitHubProvider)
