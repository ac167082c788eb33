"""Unigate's provider contract, applied to the Linear plugin's two catalog entries against its fake."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_linear
from fake_linear import FakeLinear
from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.contract import ContractWorld, ProviderContractTests, credential_import, oauth_import


@contextmanager
def linear_world(api_key: bool) -> Iterator[ContractWorld]:
    fake = FakeLinear()
    ada, grace, alan = (fake.add_user(name) for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"))
    eng = fake.add_team("ENG", "Engineering")
    fake.add_team("OPS", "Operations")
    fake.add_project("Launch")
    for name in ("bug", "feature", "customer"):
        fake.add_label(name, team=eng)
    issue = None
    for n in range(5):
        issue = fake.add_issue(eng, f"Issue {n}", ada)
    assert issue is not None
    for n in range(3):
        fake.add_comment(issue, f"Comment {n}", grace)
        fake.add_attachment(issue, f"PR #{n}", f"https://github.com/acme/app/pull/{n}", grace)

    def short_rate_limit(request: Request) -> Response:
        return fake.rate_limit_response(request, reset_in=1)

    with fake.run():
        key = {"type": "API_KEY", "apiKey": fake.api_key_for(alan)}
        connect = credential_import(key) if api_key else oauth_import(fake.oauth_token_for(alan))
        yield ContractWorld(
            fake=fake,
            **connect,
            lists={
                "/tickets": 5,
                "/collections": 3,
                "/users": 3,
                "/tags": 3,
                f"/tickets/{issue['identifier']}/comments": 3,
                f"/attachments?ticket_id={issue['identifier']}": 3,
            },
            missing="/tickets/ENG-404",
            short_rate_limit=short_rate_limit,
        )


class TestLinearContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_linear
    catalog_key: ClassVar[str] = "linear"

    def contract_world(self) -> Any:
        return linear_world(api_key=self.catalog_key == "linear-api-key")


class TestLinearApiKeyContract(TestLinearContract):
    catalog_key: ClassVar[str] = "linear-api-key"
