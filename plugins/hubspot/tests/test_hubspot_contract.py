"""Unigate's provider contract, applied to both HubSpot catalog entries (OAuth and private app) against the fake."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_hubspot
from fake_hubspot import FakeHubSpot
from starlette.requests import Request
from starlette.responses import Response

from gateway.testing.contract import ContractWorld, ProviderContractTests, credential_import, oauth_import

LISTS = {
    "/crm/contacts": 5,
    "/crm/contacts?modified_after=2024-01-01T00:00:00Z": 5,  # through search
    "/crm/companies": 3,
    "/crm/companies?contact_id=1004": 3,  # through the first contact's v4 associations
    "/crm/deals": 5,
    "/crm/deals?status=OPEN": 3,
    "/crm/pipelines": 3,
    "/crm/users": 3,
    "/crm/notes": 3,
    "/crm/tasks": 3,
}


def seeded() -> FakeHubSpot:
    """3 owners (ids 1001-1003), 3 pipelines, 5 contacts (1004-1008), 3 companies linked to the first contact, 5 deals
    (3 open), 3 notes, 3 tasks."""
    fake = FakeHubSpot()
    owners = [fake.add_owner(first, "Seller") for first in ("Ada", "Alan", "Grace")]
    fake.add_pipeline("renewals", "Renewals", (("r-open", "Open", "0.5", False), ("r-won", "Renewed", "1.0", True)))
    fake.add_pipeline("partners", "Partners", (("p-open", "Talking", "0.3", False), ("p-lost", "Gone", "0.0", True)))
    fake.add_custom_property("contacts", "favourite_colour")
    contacts = [
        fake.add("contacts", firstname=f"C{n}", email=f"c{n}@example.com", hubspot_owner_id=owners[n % 3].id)
        for n in range(5)
    ]
    companies = [fake.add("companies", name=f"Co {n}", domain=f"co{n}.example") for n in range(3)]
    for company in companies:
        fake.link(contacts[0], company)
    for n, stage in enumerate(("appointmentscheduled", "closedwon", "closedlost", "r-open", "qualifiedtobuy")):
        fake.add(
            "deals", dealname=f"Deal {n}", dealstage=stage, pipeline="renewals" if stage == "r-open" else "default"
        )
    for n in range(3):
        fake.link(
            fake.add("notes", hs_note_body=f"<p>Note {n}</p>", hs_timestamp="2024-03-01T09:00:00.000Z"), contacts[n]
        )
        fake.add(
            "tasks", hs_task_subject=f"Call {n}", hs_task_status="NOT_STARTED", hs_timestamp="2024-03-02T09:00:00Z"
        )
    return fake


def short_rate_limit_of(fake: FakeHubSpot) -> Any:
    def short_rate_limit(request: Request) -> Response:
        return fake.rate_limit_response(request, policy="SECONDLY")

    return short_rate_limit


class TestHubSpotOAuthContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_hubspot
    catalog_key: ClassVar[str] = "hubspot"

    @contextmanager
    def contract_world(self) -> Iterator[ContractWorld]:
        fake = seeded()
        if self.catalog_key == "hubspot-private-app":
            connect = credential_import({"type": "API_KEY", "apiKey": fake.private_app_token()})
        else:
            connect = oauth_import(fake.oauth_token(), portalId="62515")
        with fake.run():
            yield ContractWorld(
                fake=fake,
                **connect,
                lists=LISTS,
                missing="/crm/contacts/999999",
                short_rate_limit=short_rate_limit_of(fake),
            )


class TestHubSpotPrivateAppContract(TestHubSpotOAuthContract):
    catalog_key: ClassVar[str] = "hubspot-private-app"
