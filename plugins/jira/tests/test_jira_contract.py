"""Unigate's provider contract, applied to the Jira plugin against its fake."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_jira
from fake_jira import FakeJira
from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.contract import ContractWorld, ProviderContractTests


class TestJiraContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_jira
    catalog_key: ClassVar[str] = "jira"

    @contextmanager
    def contract_world(self) -> Iterator[ContractWorld]:
        fake = FakeJira()
        mia, bob, ann = (fake.add_account(name) for name in ("Mia Krystof", "Bob Smith", "Ann Lee"))
        for key, name in (("KAN", "Kanban"), ("OPS", "Operations"), ("WEB", "Website")):
            fake.add_project(key, name, mia)
        for n in range(5):
            fake.add_issue("KAN", f"Task {n}", bob, labels=[f"label-{n % 3}"])

        def short_rate_limit(request: Request) -> Response:
            return fake.rate_limit_response(request, retry_after=1)

        with fake.run():
            yield ContractWorld(
                fake=fake,
                connection={
                    "credentials": {"type": "OAUTH2", "access_token": fake.oauth_token_for(mia), "no_expiration": True},
                    "connection_config": {"cloudId": fake.cloud_id},
                },
                integration={"credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"}},
                lists={"/tickets": 5, "/collections": 3, "/users": 3, "/tags": 3},
                missing="/tickets/KAN-404",
                short_rate_limit=short_rate_limit,
            )
