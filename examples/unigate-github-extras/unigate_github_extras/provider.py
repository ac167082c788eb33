"""GitHub with the extras, taking over the built-in ``github`` key (``github-app`` stays with unigate-github)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from unigate_github import GitHubProvider

from gateway.provider import Action, Resource
from unigate_github_extras.close_milestone import CloseMilestone
from unigate_github_extras.milestones import Milestones
from unigate_github_extras.reactions import ReactingTickets


class GitHubExtras(GitHubProvider):
    """GitHub issues with reactions, milestones, and a close-milestone action."""

    replaces = ("github",)
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        **GitHubProvider.resources,
        "tickets": ReactingTickets,
        "milestones": Milestones,
    }
    actions: ClassVar[Mapping[str, type[Action[Any, Any]]]] = {
        **GitHubProvider.actions,
        "close-milestone": CloseMilestone,
    }
