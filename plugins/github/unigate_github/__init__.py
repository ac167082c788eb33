"""Unigate's GitHub provider: issues as tickets, issue comments, repositories as collections, assignees, labels.

Unified ids: tickets ``owner/repo#42``, comments ``owner/repo/comments/<id>``, collections ``owner/repo``, users
the login, tags ``owner/repo/labels/<name>``. Lists of tickets, users and tags need ``collection_id=owner/repo``.
``github`` serves OAuth app connections, ``github-app`` GitHub App installations (collections: the installation's
repositories).
"""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_github.comments import GitHubComments
from unigate_github.common import ERRORS, HEADERS, check, fetch_page, full_name_of, repo_path
from unigate_github.provider import GitHubProvider
from unigate_github.repositories import GitHubCollections
from unigate_github.tickets import GitHubTickets, parse_ticket_id, ticket_id
from unigate_github.users import GitHubTags, GitHubUsers

__all__ = [  # the classes to subclass, and helpers for plugins that extend this one
    "ERRORS",
    "HEADERS",
    "GitHubCollections",
    "GitHubComments",
    "GitHubProvider",
    "GitHubTags",
    "GitHubTickets",
    "GitHubUsers",
    "check",
    "fetch_page",
    "full_name_of",
    "parse_ticket_id",
    "repo_path",
    "ticket_id",
]


@hookimpl
def register_providers(register: Any) -> None:
    register(GitHubProvider)
