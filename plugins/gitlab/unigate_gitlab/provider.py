"""The ``gitlab`` (OAuth) and ``gitlab-pat`` (access token) provider classes: resources and rate-limit signals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from gateway.provider import ErrorResolution, Provider, Resource, UpstreamError
from unigate_gitlab.comments import GitLabComments
from unigate_gitlab.projects import GitLabCollections
from unigate_gitlab.tickets import GitLabTickets
from unigate_gitlab.users import GitLabTags, GitLabUsers


class GitLabProvider(Provider):
    """GitLab REST v4 through OAuth 2.0: gitlab.com, or a self-managed instance named by ``connection_config``
    (``base_url`` such as ``https://example.com/gitlab``, or ``hostname``)."""

    catalog_key = "gitlab"
    resources: ClassVar[Mapping[str, type[Resource]]] = {
        "tickets": GitLabTickets,
        "comments": GitLabComments,
        "collections": GitLabCollections,
        "users": GitLabUsers,
        "tags": GitLabTags,
    }

    def classify_error(self, error: UpstreamError) -> ErrorResolution | None:
        """429 is GitLab's rate limit, with or without ``RateLimit-*``/``Retry-After`` (then Unigate backs off)."""
        headers = {name.lower(): value for name, value in error.headers.items()}
        if error.status == 429 or (error.status == 403 and headers.get("ratelimit-remaining") == "0"):
            return ErrorResolution("wait_and_retry", "rate_limited", "GitLab rate limit reached")
        return None


class GitLabTokenProvider(GitLabProvider):
    """The same API with a personal, group or project access token (``PRIVATE-TOKEN`` header)."""

    catalog_key = "gitlab-pat"
