"""Unigate's provider contract, applied to both Salesforce catalog entries against the fake org."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_salesforce
from salesforce_world import seeded

from gateway.testing.contract import ContractWorld, ProviderContractTests, oauth_import

LISTS = {
    "/crm/contacts": 4,
    "/crm/companies": 3,
    "/crm/deals": 3,
    "/crm/notes": 3,
    "/crm/tasks": 3,
    "/crm/users": 3,
}


class TestSalesforceContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_salesforce
    catalog_key: ClassVar[str] = "salesforce"

    @contextmanager
    def contract_world(self) -> Iterator[ContractWorld]:
        fake, admin = seeded()
        with fake.run():
            yield ContractWorld(
                fake=fake,
                **oauth_import(fake.session(admin), instance_url=fake.base_url),
                lists=LISTS,
                missing="/crm/deals/006999999999999AAA",
                short_rate_limit=fake.concurrent_limit_response,
                catalog={"display_name": "Salesforce"},  # the catalog's base URL: the connection's instance_url
            )


class TestSalesforceSandboxContract(TestSalesforceContract):
    catalog_key: ClassVar[str] = "salesforce-sandbox"
