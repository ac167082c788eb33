"""Example plugin: a GitHub override (priority from labels) and a new provider, Acme Tasks."""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_acme.acme_tasks import CATALOG, AcmeTasksProvider
from unigate_acme.github_priority import AcmeGitHub

__all__ = ["AcmeGitHub", "AcmeTasksProvider"]


@hookimpl
def register_catalog(register: Any) -> None:
    register(CATALOG)


@hookimpl
def register_providers(register: Any) -> None:
    register(AcmeGitHub)  # AcmeGitHub.replaces names the key it takes over
    register(AcmeTasksProvider)
