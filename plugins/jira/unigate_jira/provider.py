"""The ``jira`` (OAuth 2.0 3LO) and ``jira-basic`` (site URL, API token) provider classes and their resources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from gateway.provider import Provider, ProviderContext, ProviderError, Resource
from unigate_jira.attachments import JiraAttachments
from unigate_jira.comments import JiraComments
from unigate_jira.common import api, check
from unigate_jira.projects import JiraCollections
from unigate_jira.tickets import JiraTickets
from unigate_jira.users import JiraTags, JiraUsers


class JiraProvider(Provider):
    """Jira Cloud (platform REST v3) through an Atlassian OAuth 2.0 (3LO) connection on ``api.atlassian.com``."""

    catalog_key = "jira"
    resources: ClassVar[Mapping[str, type[Resource]]] = {
        "tickets": JiraTickets,
        "comments": JiraComments,
        "attachments": JiraAttachments,
        "collections": JiraCollections,
        "users": JiraUsers,
        "tags": JiraTags,
    }

    async def post_connection(self, ctx: ProviderContext) -> None:
        """Store the first accessible site's id as ``cloudId`` unless the connection already names one.

        Also records the authorising user's ``accountId`` when the site answers ``/myself`` (optional config).
        """
        config = ctx.connection_config
        if not config.get("cloudId"):
            response = await ctx.http.get("/oauth/token/accessible-resources")
            check(response, "accessible sites")
            sites = response.json()
            if not isinstance(sites, list) or not sites:
                raise ProviderError(502, "upstream_error", "the Jira connection cannot reach any site")
            config["cloudId"] = str(sites[0]["id"])
            config.setdefault("siteUrl", str(sites[0].get("url") or ""))
        if not config.get("accountId"):
            me = await ctx.http.get(api(ctx, "/myself"))
            if me.status_code == 200 and me.json().get("accountId"):
                config["accountId"] = str(me.json()["accountId"])


class JiraBasicProvider(JiraProvider):
    """Jira Cloud at the site URL (``https://acme.atlassian.net``) with an email and API token (Basic auth)."""

    catalog_key = "jira-basic"

    async def post_connection(self, ctx: ProviderContext) -> None:
        """Record the token owner's ``accountId`` (no cloud id: calls go to the site itself)."""
        me = await ctx.http.get(api(ctx, "/myself"))
        if me.status_code == 200 and me.json().get("accountId"):
            ctx.connection_config["accountId"] = str(me.json()["accountId"])
