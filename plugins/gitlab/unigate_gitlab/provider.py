"""The GitLab provider class, serving ``gitlab`` (OAuth) and ``gitlab-pat`` (access token): resources, rate limits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.provider import (
    ErrorResolution,
    IncomingWebhook,
    Provider,
    Resource,
    Sync,
    UpstreamError,
    WebhookResult,
)
from unigate_gitlab.comments import GitLabComments
from unigate_gitlab.projects import GitLabCollections
from unigate_gitlab.tickets import GitLabTickets
from unigate_gitlab.users import GitLabTags, GitLabUsers
from unigate_gitlab.webhooks import gitlab_webhook


class GitLabProvider(Provider):
    """GitLab REST v4 through OAuth 2.0: gitlab.com, or a self-managed instance named by ``connection_config``
    (``base_url`` such as ``https://example.com/gitlab``, or ``hostname``)."""

    catalog_keys = ("gitlab", "gitlab-pat")  # OAuth 2.0; a personal, group or project access token (PRIVATE-TOKEN)
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "tickets": GitLabTickets,
        "comments": GitLabComments,
        "collections": GitLabCollections,
        "users": GitLabUsers,
        "tags": GitLabTags,
    }
    syncs: ClassVar[Mapping[str, Sync]] = {
        "tickets": Sync("tickets", scope="collections", description="Issues of every project, by `updated_after`"),
        "comments": Sync("comments", scope="tickets", scope_filter="ticket_id", scope_from_records=True),
        "collections": Sync("collections", incremental=False, frequency="every 6h"),
        "users": Sync("users", incremental=False, frequency="every 6h", scope="collections"),
        "tags": Sync("tags", incremental=False, frequency="every 6h", scope="collections"),
    }

    async def handle_webhook(self, webhook: IncomingWebhook) -> WebhookResult | None:
        """``Issue Hook`` and ``Note Hook`` events, checked by ``X-Gitlab-Token`` (see ``unigate_gitlab.webhooks``)."""
        return gitlab_webhook(webhook)

    def classify_error(self, error: UpstreamError) -> ErrorResolution | None:
        """429 is GitLab's rate limit, with or without ``RateLimit-*``/``Retry-After`` (then Unigate backs off)."""
        headers = {name.lower(): value for name, value in error.headers.items()}
        if error.status == 429 or (error.status == 403 and headers.get("ratelimit-remaining") == "0"):
            return ErrorResolution("wait_and_retry", "rate_limited", "GitLab rate limit reached")
        return None
