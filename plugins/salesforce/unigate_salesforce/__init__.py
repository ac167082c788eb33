"""Unigate's Salesforce provider: contacts, accounts, opportunities, opportunity stages, tasks, notes and users.

Unified ids are Salesforce record ids (the pipeline is ``default``, its stage ids the stages' API names). Two
catalog entries share the resources: ``salesforce`` and ``salesforce-sandbox`` (OAuth; the token answer's
``instance_url`` is the org's base URL).
"""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_salesforce.provider import SalesforceProvider

__all__ = ["SalesforceProvider"]


@hookimpl
def register_providers(register: Any) -> None:
    register(SalesforceProvider)
