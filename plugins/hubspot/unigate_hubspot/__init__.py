"""Unigate's HubSpot provider: CRM contacts, companies, deals, deal pipelines, owners, notes and tasks.

Unified ids are HubSpot's numeric object ids (pipelines and stages: HubSpot's ids, ``default``, ``closedwon``;
users: owner ids). Two catalog entries share the resources: ``hubspot`` (OAuth, 30-minute access tokens refreshed by
the gateway) and ``hubspot-private-app`` (a private app's access token).
"""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_hubspot.activities import HubSpotNotes, HubSpotTasks
from unigate_hubspot.crm import HubSpotCompanies, HubSpotContacts, HubSpotDeals
from unigate_hubspot.objects import HubSpotObjects
from unigate_hubspot.pipelines import HubSpotPipelines, HubSpotUsers
from unigate_hubspot.provider import HubSpotProvider

__all__ = [
    "HubSpotCompanies",
    "HubSpotContacts",
    "HubSpotDeals",
    "HubSpotNotes",
    "HubSpotObjects",
    "HubSpotPipelines",
    "HubSpotProvider",
    "HubSpotTasks",
    "HubSpotUsers",
]


@hookimpl
def register_providers(register: Any) -> None:
    register(HubSpotProvider)
