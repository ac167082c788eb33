"""Unigate's provider contract, applied to both Asana catalog entries (OAuth and personal access token)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_asana
from fake_asana import API, FakeAsana
from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.contract import ContractWorld, ProviderContractTests


@contextmanager
def asana_world(personal_token: bool) -> Iterator[ContractWorld]:
    fake = FakeAsana()
    acme = fake.add_workspace("Acme")
    ada, grace, alan = (fake.add_user(name, acme) for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"))
    launch = fake.add_project(acme, "Launch", ada)
    fake.add_project(acme, "Website", grace)
    fake.add_project(acme, "Support", alan)
    for name in ("bug", "feature", "customer"):
        fake.add_tag(acme, name)
    task = None
    for n in range(5):
        task = fake.add_task(ada, f"Task {n}", launch)
    assert task is not None
    fake.add_story(task, ada, "added to Launch", "added_to_project")
    for n in range(3):
        fake.add_story(task, grace, f"Comment {n}")

    def short_rate_limit(request: Request) -> Response:
        return fake.rate_limit_response(request, retry_after=1)

    with fake.run():
        if personal_token:
            credentials: dict[str, Any] = {"type": "API_KEY", "apiKey": fake.pat_for(ada)}
            integration: dict[str, Any] = {}
        else:
            credentials = {"type": "OAUTH2", "access_token": fake.oauth_token_for(ada), "no_expiration": True}
            integration = {"credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"}}
        yield ContractWorld(
            fake=fake,
            connection={"credentials": credentials},
            integration=integration,
            lists={
                f"/tickets?collection_id={launch.gid}": 5,
                "/collections": 4,  # the workspace and its three projects
                "/users": 3,
                "/tags": 3,
                f"/tickets/{task.gid}/comments": 3,
            },
            missing="/tickets/1204999999999999",
            short_rate_limit=short_rate_limit,
            catalog={"proxy": {"base_url": fake.base_url + API}},
        )


class TestAsanaContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_asana
    catalog_key: ClassVar[str] = "asana"

    def contract_world(self) -> Any:
        return asana_world(personal_token=False)


class TestAsanaPatContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_asana
    catalog_key: ClassVar[str] = "asana-pat"

    def contract_world(self) -> Any:
        return asana_world(personal_token=True)
