"""The Attio provider class, serving OAuth ``attio`` and access-token ``attio-api-key`` connections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.provider import Provider, Resource, Sync
from unigate_attio.activities import AttioNotes, AttioTasks, AttioUsers
from unigate_attio.deals import AttioDeals, AttioPipelines
from unigate_attio.people import AttioCompanies, AttioContacts


class AttioProvider(Provider):
    """Attio's REST API v2 (``https://api.attio.com``): records of the people, companies and deals objects, notes,
    tasks and workspace members."""

    catalog_keys = ("attio", "attio-api-key")
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "crm/contacts": AttioContacts,
        "crm/companies": AttioCompanies,
        "crm/deals": AttioDeals,
        "crm/pipelines": AttioPipelines,
        "crm/users": AttioUsers,
        "crm/notes": AttioNotes,
        "crm/tasks": AttioTasks,
    }
    # Attio keeps no modification time on records, notes or tasks (only created_at) and filters on none: every
    # sync lists everything and marks what is gone as deleted
    syncs: ClassVar[Mapping[str, Sync]] = {
        "contacts": Sync("crm/contacts", incremental=False, description="All people; deleted ones detected"),
        "companies": Sync("crm/companies", incremental=False, description="All companies; deleted ones detected"),
        "deals": Sync("crm/deals", incremental=False, description="All deals; deleted ones detected"),
        "notes": Sync("crm/notes", incremental=False, description="All notes; deleted ones detected"),
        "tasks": Sync("crm/tasks", incremental=False, description="All tasks; deleted ones detected"),
        "pipelines": Sync("crm/pipelines", incremental=False, frequency="every 6h"),
        "users": Sync("crm/users", incremental=False, frequency="every 6h"),
    }
