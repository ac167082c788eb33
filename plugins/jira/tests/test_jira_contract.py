"""Unigate's provider contract, applied to the Jira plugin's two catalog entries against its fake."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_jira
from fake_jira import FakeJira
from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.contract import ContractWorld, ProviderContractTests


@contextmanager
def jira_world(basic: bool) -> Iterator[ContractWorld]:
    fake = FakeJira()
    mia, bob, _ = (fake.add_account(name) for name in ("Mia Krystof", "Bob Smith", "Ann Lee"))
    for key, name in (("KAN", "Kanban"), ("OPS", "Operations"), ("WEB", "Website")):
        fake.add_project(key, name, mia)
    for n in range(5):
        fake.add_issue("KAN", f"Task {n}", bob, labels=[f"label-{n % 3}"])

    def short_rate_limit(request: Request) -> Response:
        return fake.rate_limit_response(request, retry_after=1)

    with fake.run():
        if basic:
            email, _, token = base64.b64decode(fake.api_token_for(mia)).decode().partition(":")
            credentials = {"type": "BASIC", "username": email, "password": token}
            connection = {"credentials": credentials, "connection_config": {"subdomain": "acme"}}
            integration: dict[str, Any] = {}
        else:
            credentials = {"type": "OAUTH2", "access_token": fake.oauth_token_for(mia), "no_expiration": True}
            connection = {"credentials": credentials, "connection_config": {"cloudId": fake.cloud_id}}
            integration = {"credentials": {"type": "OAUTH2", "client_id": "cid", "client_secret": "secret"}}
        yield ContractWorld(
            fake=fake,
            connection=connection,
            integration=integration,
            lists={"/tickets": 5, "/collections": 3, "/users": 3, "/tags": 3},
            missing="/tickets/KAN-404",
            short_rate_limit=short_rate_limit,
        )


class TestJiraContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_jira
    catalog_key: ClassVar[str] = "jira"

    def contract_world(self) -> Any:
        return jira_world(basic=False)


class TestJiraBasicContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_jira
    catalog_key: ClassVar[str] = "jira-basic"

    def contract_world(self) -> Any:
        return jira_world(basic=True)
