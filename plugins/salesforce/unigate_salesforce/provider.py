"""The Salesforce provider class, serving the ``salesforce`` and ``salesforce-sandbox`` OAuth connections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.provider import ErrorResolution, Provider, Resource, Sync, UpstreamError
from unigate_salesforce.activities import SalesforceNotes, SalesforceTasks, SalesforceUsers
from unigate_salesforce.deals import SalesforceDeals, SalesforcePipelines
from unigate_salesforce.errors import limit_wait
from unigate_salesforce.people import SalesforceCompanies, SalesforceContacts


class SalesforceProvider(Provider):
    """Salesforce's REST API (v60.0) at the org's ``instance_url``, which the token answer names."""

    catalog_keys = ("salesforce", "salesforce-sandbox")
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "crm/contacts": SalesforceContacts,
        "crm/companies": SalesforceCompanies,
        "crm/deals": SalesforceDeals,
        "crm/pipelines": SalesforcePipelines,
        "crm/users": SalesforceUsers,
        "crm/notes": SalesforceNotes,
        "crm/tasks": SalesforceTasks,
    }
    syncs: ClassVar[Mapping[str, Sync]] = {  # incremental ones list by SystemModstamp > the last run
        "contacts": Sync("crm/contacts", description="Contacts changed since the last run"),
        "companies": Sync("crm/companies", description="Accounts changed since the last run"),
        "deals": Sync("crm/deals", description="Opportunities changed since the last run"),
        "tasks": Sync("crm/tasks", description="Tasks changed since the last run"),
        "notes": Sync("crm/notes", description="Notes changed since the last run"),
        "users": Sync("crm/users", incremental=False, frequency="every 6h", description="The org's users"),
        "pipelines": Sync("crm/pipelines", incremental=False, frequency="every 6h", description="Opportunity stages"),
    }

    def classify_error(self, error: UpstreamError) -> ErrorResolution | None:
        """403 ``REQUEST_LIMIT_EXCEEDED`` is a rate limit: the concurrent one waits a second, the rolling 24-hour
        budget an hour (more than any retry budget, so the caller gets the 429 at once)."""
        if error.status is None:
            return None
        wait = limit_wait(error.status, error.headers, error.body)
        if wait is None:
            return None
        return ErrorResolution("wait_and_retry", "rate_limited", "Salesforce API request limit", wait_seconds=wait)
