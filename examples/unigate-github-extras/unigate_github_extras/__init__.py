"""Unigate plugin: reactions on GitHub tickets, a ``milestones`` resource and a ``close-milestone`` action."""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_github_extras.provider import GitHubExtras

__all__ = ["GitHubExtras"]


@hookimpl
def register_providers(register: Any) -> None:
    register(GitHubExtras)
