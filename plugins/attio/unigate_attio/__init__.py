"""Unigate's Attio provider: people, companies, deals (with their stages as one pipeline), notes, tasks and
workspace members as CRM models.

Unified ids are Attio's UUIDs (record ids, note and task ids, workspace member ids; the pipeline is ``deals``).
Two catalog entries share the resources: ``attio`` (OAuth; Attio's access tokens do not expire and come without a
refresh token) and ``attio-api-key`` (a workspace access token).
"""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_attio.provider import AttioProvider

__all__ = ["AttioProvider"]


@hookimpl
def register_providers(register: Any) -> None:
    register(AttioProvider)
