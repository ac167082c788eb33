"""The Pipedrive provider class, serving OAuth ``pipedrive`` and API-token ``pipedrive-api-key`` connections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.provider import Action, Provider, Resource, Sync
from unigate_pipedrive.actions import MergeOrganizations, MergePersons
from unigate_pipedrive.activities import PipedriveNotes, PipedriveTasks
from unigate_pipedrive.people import PipedriveCompanies, PipedriveContacts
from unigate_pipedrive.sales import PipedriveDeals, PipedrivePipelines, PipedriveUsers


class PipedriveProvider(Provider):
    """Pipedrive (``${api_domain}/api``): v2 lists (cursor, ``updated_since``) where they exist, v1 elsewhere."""

    catalog_keys = ("pipedrive", "pipedrive-api-key")
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "crm/contacts": PipedriveContacts,
        "crm/companies": PipedriveCompanies,
        "crm/deals": PipedriveDeals,
        "crm/pipelines": PipedrivePipelines,
        "crm/users": PipedriveUsers,
        "crm/notes": PipedriveNotes,
        "crm/tasks": PipedriveTasks,
    }
    actions: ClassVar[Mapping[str, type[Action[Any, Any]]]] = {
        "merge-persons": MergePersons,
        "merge-organizations": MergeOrganizations,
    }
    syncs: ClassVar[Mapping[str, Sync]] = {  # incremental ones list v2 with ``updated_since``
        "contacts": Sync("crm/contacts", description="Persons changed since the last run"),
        "companies": Sync("crm/companies", description="Organizations changed since the last run"),
        "deals": Sync("crm/deals", description="Deals changed since the last run"),
        "tasks": Sync("crm/tasks", description="Activities changed since the last run"),
        "notes": Sync("crm/notes", incremental=False, description="Every note (v1 lists have no update filter)"),
        "pipelines": Sync("crm/pipelines", incremental=False, frequency="every 6h"),
        "users": Sync("crm/users", incremental=False, frequency="every 6h"),
    }
