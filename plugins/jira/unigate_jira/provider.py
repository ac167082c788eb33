"""The Jira provider class, serving ``jira`` (OAuth 2.0 3LO) and ``jira-basic`` (site URL, API token)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.provider import (
    Action,
    IncomingWebhook,
    Provider,
    ProviderContext,
    ProviderError,
    Resource,
    Sync,
    WebhookResult,
)
from unigate_jira.actions import TransitionIssue
from unigate_jira.attachments import JiraAttachments
from unigate_jira.comments import JiraComments
from unigate_jira.common import BASIC, api, check
from unigate_jira.projects import JiraCollections
from unigate_jira.tickets import JiraTickets
from unigate_jira.users import JiraTags, JiraUsers
from unigate_jira.webhooks import jira_webhook


class JiraProvider(Provider):
    """Jira Cloud (platform REST v3): an Atlassian OAuth 2.0 (3LO) connection on ``api.atlassian.com``, or the site
    URL (``https://acme.atlassian.net``) with an email and API token (Basic auth)."""

    catalog_keys = ("jira", "jira-basic")
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "tickets": JiraTickets,
        "comments": JiraComments,
        "attachments": JiraAttachments,
        "collections": JiraCollections,
        "users": JiraUsers,
        "tags": JiraTags,
    }
    actions: ClassVar[Mapping[str, type[Action[Any, Any]]]] = {"transition-issue": TransitionIssue}
    syncs: ClassVar[Mapping[str, Sync]] = {
        "tickets": Sync("tickets", description="Issues of every project, by JQL `updated >=`"),
        "comments": Sync("comments", scope="tickets", scope_filter="ticket_id", scope_from_records=True),
        "collections": Sync("collections", incremental=False, frequency="every 6h"),
        "users": Sync("users", incremental=False, frequency="every 6h"),
        "tags": Sync("tags", incremental=False, frequency="every 6h"),
    }

    async def post_connection(self, ctx: ProviderContext) -> None:
        """OAuth: store the first accessible site's id as ``cloudId`` unless the connection already names one (a
        ``jira-basic`` connection calls the site itself). Both record the user's ``accountId`` from ``/myself``."""
        config = ctx.connection_config
        if ctx.provider != BASIC and not config.get("cloudId"):
            response = await ctx.http.get("/oauth/token/accessible-resources")
            check(ctx, response, "listing accessible sites")
            sites = response.json()
            if not isinstance(sites, list) or not sites:
                raise ProviderError(502, "upstream_error", "the Jira connection cannot reach any site")
            config["cloudId"] = str(sites[0]["id"])
            config.setdefault("siteUrl", str(sites[0].get("url") or ""))
        if ctx.provider == BASIC or not config.get("accountId"):
            me = await ctx.http.get(api(ctx, "/myself"))
            if me.status_code == 200 and me.json().get("accountId"):
                config["accountId"] = str(me.json()["accountId"])

    async def handle_webhook(self, webhook: IncomingWebhook) -> WebhookResult | None:
        """``jira:issue_*`` and ``comment_*`` events, checked by ``X-Hub-Signature`` (see ``unigate_jira.webhooks``)."""
        return jira_webhook(webhook)
