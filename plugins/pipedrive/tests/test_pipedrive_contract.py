"""Unigate's provider contract, applied to both Pipedrive catalog entries (OAuth and API token) against the fake."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_pipedrive
from fake_pipedrive import FakePipedrive
from pipedrive_world import seeded
from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.contract import ContractWorld, ProviderContractTests, credential_import, oauth_import

LISTS = {"/crm/contacts": 4, "/crm/companies": 3, "/crm/deals": 3, "/crm/notes": 3, "/crm/tasks": 3}


def short_rate_limit_of(fake: FakePipedrive) -> Any:
    def short_rate_limit(request: Request) -> Response:
        return fake.rate_limit_response(request, reset=1)

    return short_rate_limit


class TestPipedriveOAuthContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_pipedrive
    catalog_key: ClassVar[str] = "pipedrive"

    @contextmanager
    def contract_world(self) -> Iterator[ContractWorld]:
        fake, admin = seeded()
        with fake.run():
            token = fake.api_token(admin)
            if self.catalog_key == "pipedrive-api-key":
                connect = credential_import({"type": "API_KEY", "apiKey": token})
            else:
                connect = oauth_import(token, api_domain=fake.base_url)
            yield ContractWorld(
                fake=fake,
                **connect,
                lists=LISTS,
                missing="/crm/deals/999",
                short_rate_limit=short_rate_limit_of(fake),
                catalog={"proxy": {"base_url": fake.base_url + "/api"}},
            )


class TestPipedriveApiKeyContract(TestPipedriveOAuthContract):
    catalog_key: ClassVar[str] = "pipedrive-api-key"
