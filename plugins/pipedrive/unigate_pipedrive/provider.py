"""The Pipedrive provider class, serving OAuth ``pipedrive`` and API-token ``pipedrive-api-key`` connections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.provider import Provider, Resource
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
