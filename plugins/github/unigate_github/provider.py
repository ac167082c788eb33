"""The ``github`` provider class: its catalog key and unified resources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from gateway.provider import Provider, Resource
from unigate_github.comments import GitHubComments
from unigate_github.repositories import GitHubCollections
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
