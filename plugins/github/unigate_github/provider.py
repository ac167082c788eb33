"""The GitHub provider class: ``github`` (OAuth app) and ``github-app`` (App installation) connections."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.provider import (
    Action,
    ErrorResolution,
    IncomingWebhook,
    Provider,
    Resource,
    Sync,
    UpstreamError,
    WebhookResult,
)
from unigate_github.actions import AddLabels, LockIssue
from unigate_github.comments import GitHubComments
from unigate_github.repositories import GitHubCollections
from unigate_github.tickets import GitHubTickets
from unigate_github.users import GitHubTags, GitHubUsers
from unigate_github.webhooks import github_webhook


class GitHubProvider(Provider):
    """GitHub (REST v3) through an OAuth app or a GitHub App installation (``APP`` mode: one-hour installation
    tokens Unigate mints). An installation lists the repositories it was granted as collections."""

    catalog_keys = ("github", "github-app")
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "tickets": GitHubTickets,
        "comments": GitHubComments,
        "collections": GitHubCollections,
        "users": GitHubUsers,
        "tags": GitHubTags,
    }
    actions: ClassVar[Mapping[str, type[Action[Any, Any]]]] = {"add-labels": AddLabels, "lock-issue": LockIssue}
    syncs: ClassVar[Mapping[str, Sync]] = {
        "tickets": Sync("tickets", scope="collections", description="Issues of every repository, by `since`"),
        "comments": Sync("comments", scope="tickets", scope_filter="ticket_id", scope_from_records=True),
        "collections": Sync("collections", incremental=False, frequency="every 6h"),
        "users": Sync("users", incremental=False, frequency="every 6h", scope="collections"),
        "tags": Sync("tags", incremental=False, frequency="every 6h", scope="collections"),
    }

    async def handle_webhook(self, webhook: IncomingWebhook) -> WebhookResult | None:
        return github_webhook(webhook)

    def classify_error(self, error: UpstreamError) -> ErrorResolution | None:
        """GitHub signals rate limits with 403 or 429: a spent ``x-ratelimit-remaining``, or ``retry-after``."""
        headers = {name.lower(): value for name, value in error.headers.items()}
        limited = headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers
        if error.status == 429 or (error.status == 403 and limited):
            return ErrorResolution("wait_and_retry", "rate_limited", "GitHub rate limit reached")
        return None
