"""Unigate's Pipedrive provider: persons, organizations, deals, pipelines, notes, activities and users as CRM models.

Unified ids are Pipedrive's numeric ids. Two catalog entries share the resources: ``pipedrive`` (OAuth; the token
answer's ``api_domain`` is the company's base URL) and ``pipedrive-api-key`` (``x-api-token`` header).
"""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_pipedrive.provider import PipedriveProvider

__all__ = ["PipedriveProvider"]


@hookimpl
def register_providers(register: Any) -> None:
    register(PipedriveProvider)
