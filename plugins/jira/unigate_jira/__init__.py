"""Unigate's Jira Cloud provider: issues as tickets, comments, projects as collections, users and labels.

Unified ids: tickets the issue key ``KAN-7`` (the numeric id is accepted on reads), comments
``KAN-7/comments/<id>``, collections the project key ``KAN``, users the Atlassian account id, tags the label name.
OAuth connections (``jira``) call ``/ex/jira/{cloudId}/rest/api/3`` with the ``cloudId`` that ``post_connection``
looks up; API-token connections (``jira-basic``) call the site's own ``/rest/api/3``.
"""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_jira.comments import JiraComments
from unigate_jira.projects import JiraCollections
from unigate_jira.provider import JiraProvider
from unigate_jira.tickets import JiraTickets
from unigate_jira.users import JiraTags, JiraUsers

__all__ = [
    "JiraCollections",
    "JiraComments",
    "JiraProvider",
    "JiraTags",
    "JiraTickets",
    "JiraUsers",
]


@hookimpl
def register_providers(register: Any) -> None:
    register(JiraProvider)
