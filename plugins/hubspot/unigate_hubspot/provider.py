"""The HubSpot provider class, serving OAuth ``hubspot`` and private-app ``hubspot-private-app`` connections."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.provider import Action, ErrorResolution, Provider, ProviderContext, Resource, Sync, UpstreamError
from unigate_hubspot.actions import MergeCompanies, MergeContacts
from unigate_hubspot.activities import HubSpotNotes, HubSpotTasks
from unigate_hubspot.common import check, rate_limit_wait
from unigate_hubspot.crm import HubSpotCompanies, HubSpotContacts, HubSpotDeals
from unigate_hubspot.pipelines import HubSpotPipelines, HubSpotUsers


class HubSpotProvider(Provider):
    """HubSpot CRM (``https://api.hubapi.com``) through an OAuth app or a private app's access token."""

    catalog_keys = ("hubspot", "hubspot-private-app")
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "crm/contacts": HubSpotContacts,
        "crm/companies": HubSpotCompanies,
        "crm/deals": HubSpotDeals,
        "crm/pipelines": HubSpotPipelines,
        "crm/users": HubSpotUsers,
        "crm/notes": HubSpotNotes,
        "crm/tasks": HubSpotTasks,
    }
    actions: ClassVar[Mapping[str, type[Action[Any, Any]]]] = {
        "merge-contacts": MergeContacts,
        "merge-companies": MergeCompanies,
    }
    syncs: ClassVar[Mapping[str, Sync]] = {  # incremental ones search by hs_lastmodifieddate (lastmodifieddate)
        "contacts": Sync("crm/contacts", description="Contacts changed since the last run"),
        "companies": Sync("crm/companies", description="Companies changed since the last run"),
        "deals": Sync("crm/deals", description="Deals changed since the last run"),
        "notes": Sync("crm/notes", description="Notes changed since the last run"),
        "tasks": Sync("crm/tasks", description="Tasks changed since the last run"),
        "pipelines": Sync("crm/pipelines", incremental=False, frequency="every 6h"),
        "users": Sync("crm/users", incremental=False, frequency="every 6h"),
    }

    async def post_connection(self, ctx: ProviderContext) -> None:
        """Record the account's id (the token answer's ``hub_id``) as ``portalId``, read from the account details."""
        if ctx.connection_config.get("portalId"):
            return
        response = await ctx.http.get("/account-info/v3/details")
        check(ctx, response, "reading the account's details")
        portal = response.json().get("portalId")
        if isinstance(portal, int) and not isinstance(portal, bool):
            ctx.connection_config["portalId"] = str(portal)

    def classify_error(self, error: UpstreamError) -> ErrorResolution | None:
        """A 429 waits for its policy's window: a second, ten seconds, or (the daily budget) an hour, which is more
        than any retry budget, so the caller gets the 429 at once."""
        if error.status != 429:
            return None
        try:
            body = json.loads(error.body or b"{}")
        except ValueError:
            body = {}
        wait = rate_limit_wait(429, error.headers, body if isinstance(body, dict) else {})
        return ErrorResolution("wait_and_retry", "rate_limited", "HubSpot rate limit", wait_seconds=wait)
