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

from gateway.testing.contract import ContractWorld, ProviderContractTests, credential_import, oauth_import


@contextmanager
def jira_world(basic: bool) -> Iterator[ContractWorld]:
    fake = FakeJira()
    mia, bob, _ = (fake.add_account(name) for name in ("Mia Krystof", "Bob Smith", "Ann Lee"))
    for key, name in (("KAN", "Kanban"), ("OPS", "Operations"), ("WEB", "Website")):
        fake.add_project(key, name, mia)
    issues = [fake.add_issue("KAN", f"Task {n}", bob, labels=[f"label-{n % 3}"]) for n in range(5)]
    for n in range(3):
        fake.add_attachment(issues[0], f"log-{n}.txt", "text/plain", 100 + n, bob)

    def short_rate_limit(request: Request) -> Response:
        return fake.rate_limit_response(request, retry_after=1)

    with fake.run():
        if basic:
            email, _, token = base64.b64decode(fake.api_token_for(mia)).decode().partition(":")
            connect = credential_import({"type": "BASIC", "username": email, "password": token}, subdomain="acme")
        else:
            connect = oauth_import(fake.oauth_token_for(mia), cloudId=fake.cloud_id)
        yield ContractWorld(
            fake=fake,
            **connect,
            lists={"/tickets": 5, "/collections": 3, "/users": 3, "/tags": 3, "/attachments?ticket_id=KAN-1": 3},
            missing="/tickets/KAN-404",
            short_rate_limit=short_rate_limit,
        )


class TestJiraContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_jira
    catalog_key: ClassVar[str] = "jira"

    def contract_world(self) -> Any:
        return jira_world(basic=self.catalog_key == "jira-basic")


class TestJiraBasicContract(TestJiraContract):
    catalog_key: ClassVar[str] = "jira-basic"
