"""The ``asana`` (OAuth) and ``asana-pat`` (personal access token) provider classes and their resources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.provider import IncomingWebhook, Provider, ProviderContext, Resource, Sync, WebhookResult
from unified_models import CollectionType
from unigate_asana.attachments import AsanaAttachments
from unigate_asana.collections import AsanaCollections
from unigate_asana.comments import AsanaComments
from unigate_asana.common import check, data_of
from unigate_asana.people import AsanaTags, AsanaUsers
from unigate_asana.tickets import AsanaTickets
from unigate_asana.webhooks import asana_webhook


class AsanaProvider(Provider):
    """Asana's REST API 1.0 through an OAuth connection (one-hour access tokens, refreshed by Unigate)."""

    catalog_keys = ("asana", "asana-pat")  # OAuth; a personal access token, checked on /users/me
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "tickets": AsanaTickets,
        "attachments": AsanaAttachments,
        "comments": AsanaComments,
        "collections": AsanaCollections,
        "users": AsanaUsers,
        "tags": AsanaTags,
    }
    syncs: ClassVar[Mapping[str, Sync]] = {
        "tickets": Sync(
            "tickets",
            scope="collections",
            scope_where={"collection_type": CollectionType.PROJECT},
            description="Tasks of every project, by `modified_since`",
        ),
        "comments": Sync("comments", scope="tickets", scope_filter="ticket_id", scope_from_records=True),
        "collections": Sync("collections", incremental=False, frequency="every 6h"),
    }

    async def post_connection(self, ctx: ProviderContext) -> None:
        """Store the authorising user's gid and the gids of the workspaces it sees (``user_gid``, ``workspaces``)."""
        response = await ctx.http.get("/users/me", params={"opt_fields": "name,workspaces"})
        check(ctx, response, "the connection's user")
        me = data_of(response) or {}
        ctx.connection_config["user_gid"] = str(me.get("gid"))
        ctx.connection_config["workspaces"] = [str(w["gid"]) for w in me.get("workspaces") or [] if w.get("gid")]

    async def handle_webhook(self, webhook: IncomingWebhook) -> WebhookResult | None:
        """The ``X-Hook-Secret`` handshake and ``X-Hook-Signature`` deliveries (see ``unigate_asana.webhooks``)."""
        return asana_webhook(webhook)
