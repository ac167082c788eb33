"""The ``github`` and ``github-app`` provider classes: catalog keys, unified resources, rate-limit classification."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from gateway.provider import ErrorResolution, Provider, Resource, UpstreamError
from unigate_github.comments import GitHubComments
from unigate_github.repositories import GitHubCollections, GitHubInstallationCollections
from unigate_github.tickets import GitHubTickets
from unigate_github.users import GitHubTags, GitHubUsers


class GitHubProvider(Provider):
    """GitHub (REST v3) through an OAuth app connection."""

    catalog_key = "github"
    resources: ClassVar[Mapping[str, type[Resource]]] = {
        "tickets": GitHubTickets,
        "comments": GitHubComments,
        "collections": GitHubCollections,
        "users": GitHubUsers,
        "tags": GitHubTags,
    }

    def classify_error(self, error: UpstreamError) -> ErrorResolution | None:
        """GitHub signals rate limits with 403 or 429: a spent ``x-ratelimit-remaining``, or ``retry-after``."""
        headers = {name.lower(): value for name, value in error.headers.items()}
        limited = headers.get("x-ratelimit-remaining") == "0" or "retry-after" in headers
        if error.status == 429 or (error.status == 403 and limited):
            return ErrorResolution("wait_and_retry", "rate_limited", "GitHub rate limit reached")
        return None


class GitHubAppProvider(GitHubProvider):
    """GitHub through a GitHub App installation (``APP`` mode: one-hour installation tokens Unigate mints)."""

    catalog_key = "github-app"
    resources: ClassVar[Mapping[str, type[Resource]]] = {
        **GitHubProvider.resources,
        "collections": GitHubInstallationCollections,
    }
