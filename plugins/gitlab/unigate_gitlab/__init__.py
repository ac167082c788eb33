"""Unigate's GitLab provider: issues as tickets, notes as comments, projects and milestones, members, labels.

Unified ids: tickets ``group/project#42``, comments ``group/project#42/notes/<id>``, collections ``group/project``
(milestones ``group/project/milestones/<id>``), users the numeric user id, tags ``group/project/labels/<name>``.
Two catalog entries share the code: ``gitlab`` (OAuth 2.0) and ``gitlab-pat`` (access token); both reach gitlab.com
or a self-managed instance named by ``connection_config.base_url`` (which may include a path) or ``hostname``.
"""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_gitlab.comments import GitLabComments
from unigate_gitlab.projects import GitLabCollections
from unigate_gitlab.provider import GitLabProvider
from unigate_gitlab.tickets import GitLabTickets
from unigate_gitlab.users import GitLabTags, GitLabUsers

__all__ = [
    "GitLabCollections",
    "GitLabComments",
    "GitLabProvider",
    "GitLabTags",
    "GitLabTickets",
    "GitLabUsers",
]


@hookimpl
def register_providers(register: Any) -> None:
    register(GitLabProvider)
