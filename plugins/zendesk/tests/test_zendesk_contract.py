"""Unigate's provider contract, applied to both Zendesk catalog entries (OAuth and API token) against the fake."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import unigate_zendesk
from fake_zendesk import FakeZendesk
from starlette.requests import Request
from starlette.responses import Response
from zendesk_shapes import ZComment, ZUser, html_of, stamp

from gateway.testing.contract import ContractWorld, ProviderContractTests, credential_import, oauth_import

LISTS = {
    "/tickets": 5,
    "/tickets/1/comments": 3,
    "/attachments?ticket_id=2": 3,
    "/users": 3,
    "/contacts": 3,
    "/teams": 3,
    "/accounts": 3,
    "/tags": 3,
}


def seeded() -> tuple[FakeZendesk, ZUser]:
    """3 agents, 3 end-users, 3 groups, 3 organizations, 5 tickets (3 tags), 3 comments on #1, 3 attachments on #2."""
    fake = FakeZendesk()
    groups = [fake.add_group(name) for name in ("Support", "Billing", "Escalations")]
    orgs = [fake.add_organization(name, [f"{name.lower()}.com"]) for name in ("Acme", "Globex", "Initech")]
    admin = fake.add_user("Ada Admin", "admin", default_group_id=groups[0].id)
    fake.add_user("Alan Agent", "agent", default_group_id=groups[1].id)
    fake.add_user("Grace Agent", "agent", default_group_id=groups[2].id)
    customers = [fake.add_user(f"Customer {n}", "end-user", organization_id=orgs[n].id) for n in range(3)]
    for n in range(5):
        fake.add_ticket(f"Issue {n}", customers[n % 3], f"Details {n}", tags=[f"tag-{n % 3}"])
    for n in range(3):
        fake.add_attachment(fake.tickets[2], f"screenshot-{n}.png", "image/png", 1024 * (n + 1))
    for n in range(2):
        text = f"Follow-up {n}"
        fake.tickets[1].comments.append(ZComment(1000 + n, admin.id, text, html_of(text), n == 0, stamp(), 0))
    return fake, admin


def short_rate_limit_of(fake: FakeZendesk) -> Any:
    def short_rate_limit(request: Request) -> Response:
        return fake.rate_limit_response(request, retry_after=1)

    return short_rate_limit


class TestZendeskOAuthContract(ProviderContractTests):
    plugin: ClassVar[Any] = unigate_zendesk
    catalog_key: ClassVar[str] = "zendesk"

    @contextmanager
    def contract_world(self) -> Iterator[ContractWorld]:
        fake, admin = seeded()
        if self.catalog_key == "zendesk-api-token":
            username, token = fake.api_token_for(admin)
            basic = {"type": "BASIC", "username": username, "password": token}
            connect = credential_import(basic, subdomain="acme")
        else:
            connect = oauth_import(fake.oauth_token_for(admin), subdomain="acme")
        with fake.run():
            yield ContractWorld(
                fake=fake, **connect, lists=LISTS, missing="/tickets/999", short_rate_limit=short_rate_limit_of(fake)
            )


class TestZendeskApiTokenContract(TestZendeskOAuthContract):
    catalog_key: ClassVar[str] = "zendesk-api-token"
