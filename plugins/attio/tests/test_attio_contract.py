"""Unigate's provider contract, applied to both Attio catalog entries (OAuth and access token) against the fake."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_attio
from attio_world import seeded
from fake_attio import FakeAttio
from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.contract import ContractWorld, ProviderContractTests, credential_import, oauth_import

LISTS = {
    "/crm/contacts": 4,
    "/crm/companies": 3,
    "/crm/deals": 3,
    "/crm/notes": 3,
    "/crm/tasks": 3,
}


def short_rate_limit_of(fake: FakeAttio) -> Any:
    def short_rate_limit(request: Request) -> Response:
        return fake.rate_limit_response(request, wait=1)

    return short_rate_limit


class TestAttioOAuthContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_attio
    catalog_key: ClassVar[str] = "attio"

    @contextmanager
    def contract_world(self) -> Iterator[ContractWorld]:
        fake, admin = seeded()
        with fake.run():
            token = fake.issue_token(subject=admin["id"]["workspace_member_id"])
            if self.catalog_key == "attio-api-key":
                connect = credential_import({"type": "API_KEY", "apiKey": token})
            else:
                connect = oauth_import(token)
            yield ContractWorld(
                fake=fake,
                **connect,
                lists=LISTS,
                missing=f"/crm/deals/{uuid.uuid4()}",
                short_rate_limit=short_rate_limit_of(fake),
            )


class TestAttioApiKeyContract(TestAttioOAuthContract):
    catalog_key: ClassVar[str] = "attio-api-key"
