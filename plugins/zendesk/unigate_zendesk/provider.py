"""The Zendesk provider class, serving OAuth ``zendesk`` and API-token ``zendesk-api-token`` connections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.provider import Action, IncomingWebhook, Provider, ProviderContext, Resource, Sync, WebhookResult
from unigate_zendesk.actions import MergeTickets
from unigate_zendesk.attachments import ZendeskAttachments
from unigate_zendesk.comments import ZendeskComments
from unigate_zendesk.common import API, check
from unigate_zendesk.directory import ZendeskAccounts, ZendeskContacts, ZendeskTags, ZendeskTeams, ZendeskUsers
from unigate_zendesk.tickets import ZendeskTickets
from unigate_zendesk.webhooks import zendesk_webhook


class ZendeskProvider(Provider):
    """Zendesk Support (``https://{subdomain}.zendesk.com/api/v2``) through an OAuth connection."""

    catalog_keys = ("zendesk", "zendesk-api-token")  # OAuth; API token (Basic ``{email}/token:{api_token}``)
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "tickets": ZendeskTickets,
        "comments": ZendeskComments,
        "attachments": ZendeskAttachments,
        "users": ZendeskUsers,
        "contacts": ZendeskContacts,
        "teams": ZendeskTeams,
        "accounts": ZendeskAccounts,
        "tags": ZendeskTags,
    }
    actions: ClassVar[Mapping[str, type[Action[Any, Any]]]] = {"merge-tickets": MergeTickets}
    syncs: ClassVar[Mapping[str, Sync]] = {
        "tickets": Sync("tickets", description="Tickets, by the incremental export's start time"),
        "comments": Sync("comments", scope="tickets", scope_filter="ticket_id", scope_from_records=True),
        "users": Sync("users", incremental=False, frequency="every 6h"),
        "contacts": Sync("contacts", incremental=False, frequency="every 6h"),
        "teams": Sync("teams", incremental=False, frequency="every 6h"),
        "accounts": Sync("accounts", incremental=False, frequency="every 6h"),
        "tags": Sync("tags", incremental=False, frequency="every 6h"),
    }

    async def post_connection(self, ctx: ProviderContext) -> None:
        """Record the connected user's id as ``user_id`` (optional: kept out if Zendesk does not answer)."""
        if ctx.connection_config.get("user_id"):
            return
        response = await ctx.http.get(f"{API}/users/me")
        if response.status_code == 200:
            check(ctx, response, "the connected user")
            me = response.json().get("user") or {}
            if isinstance(me.get("id"), int):
                ctx.connection_config["user_id"] = str(me["id"])

    async def handle_webhook(self, webhook: IncomingWebhook) -> WebhookResult | None:
        """Trigger webhooks, checked by signature and forwarded only (see ``unigate_zendesk.webhooks``)."""
        return zendesk_webhook(webhook)
