"""The ``linear`` (OAuth) and ``linear-api-key`` provider classes: catalog keys, resources, error classification."""

from __future__ import annotations

import time
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
from unigate_linear.actions import ArchiveIssue
from unigate_linear.attachments import LinearAttachments
from unigate_linear.collections import LinearCollections
from unigate_linear.comments import LinearComments
from unigate_linear.common import error_kind, errors_of
from unigate_linear.tickets import LinearTickets
from unigate_linear.users import LinearTags, LinearUsers
from unigate_linear.webhooks import linear_webhook

RESET_HEADER = "x-ratelimit-requests-reset"  # epoch milliseconds


def reset_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds until Linear's request budget resets, from ``x-ratelimit-requests-reset``."""
    value = {k.lower(): v for k, v in headers.items()}.get(RESET_HEADER)
    try:
        return max(0.0, int(value) / 1000 - time.time()) if value else None
    except ValueError:
        return None


class LinearProvider(Provider):
    """Linear (GraphQL) through an OAuth app connection or a personal API key (sent without ``Bearer``)."""

    catalog_keys = ("linear", "linear-api-key")  # OAuth app; personal API key (``authorization: <key>``)
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "tickets": LinearTickets,
        "comments": LinearComments,
        "attachments": LinearAttachments,
        "collections": LinearCollections,
        "users": LinearUsers,
        "tags": LinearTags,
    }
    actions: ClassVar[Mapping[str, type[Action[Any, Any]]]] = {"archive-issue": ArchiveIssue}
    syncs: ClassVar[Mapping[str, Sync]] = {
        "tickets": Sync("tickets", description="Issues, by the `updatedAt` filter"),
        "comments": Sync("comments", scope="tickets", scope_filter="ticket_id", scope_from_records=True),
        "collections": Sync("collections", incremental=False, frequency="every 6h"),
        "users": Sync("users", incremental=False, frequency="every 6h"),
        "tags": Sync("tags", incremental=False, frequency="every 6h"),
    }

    async def handle_webhook(self, webhook: IncomingWebhook) -> WebhookResult | None:
        """``Issue`` and ``Comment`` events, checked by ``Linear-Signature`` (see ``unigate_linear.webhooks``)."""
        return linear_webhook(webhook)

    def classify_error(self, error: UpstreamError) -> ErrorResolution | None:
        """Linear answers most errors with HTTP 400 and a GraphQL error: rate limits wait, auth errors refresh."""
        if error.status not in (400, 401, 403, 429):
            return None
        kinds = {error_kind(e) for e in errors_of(error.body)}
        if "rate_limited" in kinds or error.status == 429:
            return ErrorResolution(
                "wait_and_retry", "rate_limited", "Linear rate limit reached", reset_wait(error.headers)
            )
        if "auth" in kinds:
            return ErrorResolution("refresh_and_retry", "auth", "Linear refused the credentials")
        if error.status == 400:
            if "not_found" in kinds:
                return ErrorResolution("fail", "not_found", "Linear has no such object")
            return ErrorResolution("fail", "invalid_request", "Linear refused the request")
        return None
