"""Unigate's provider contract, applied to both Asana catalog entries (OAuth and personal access token)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_asana
from fake_asana import API, FakeAsana
from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.contract import ContractWorld, ProviderContractTests, credential_import, oauth_import


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
    for n in range(3):
        fake.add_attachment(task, f"file-{n}.pdf", 1000 + n)

    def short_rate_limit(request: Request) -> Response:
        return fake.rate_limit_response(request, retry_after=1)

    with fake.run():
        pat = {"type": "API_KEY", "apiKey": fake.pat_for(ada)}
        connect = credential_import(pat) if personal_token else oauth_import(fake.oauth_token_for(ada))
        yield ContractWorld(
            fake=fake,
            **connect,
            lists={
                f"/tickets?collection_id={launch.gid}": 5,
                "/collections": 4,  # the workspace and its three projects
                "/users": 3,
                "/tags": 3,
                f"/tickets/{task.gid}/comments": 3,
                f"/attachments?ticket_id={task.gid}": 3,
            },
            missing="/tickets/1204999999999999",
            short_rate_limit=short_rate_limit,
            catalog={"proxy": {"base_url": fake.base_url + API}},
        )


class TestAsanaContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_asana
    catalog_key: ClassVar[str] = "asana"

    def contract_world(self) -> Any:
        return asana_world(personal_token=self.catalog_key == "asana-pat")


class TestAsanaPatContract(TestAsanaContract):
    catalog_key: ClassVar[str] = "asana-pat"
