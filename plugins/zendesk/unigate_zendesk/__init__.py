"""Unigate's Zendesk Support provider: tickets, comments, agents, end-users, groups, organizations and tags.

Unified ids: tickets, users, contacts, teams and accounts are Zendesk's numeric ids; comments
``<ticket id>/comments/<comment id>``; tags their name. Two catalog entries share the resources: ``zendesk`` (OAuth,
expiring tokens refreshed by the gateway) and ``zendesk-api-token`` (Basic ``{email}/token:{api_token}``).
"""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_zendesk.comments import ZendeskComments
from unigate_zendesk.directory import ZendeskAccounts, ZendeskContacts, ZendeskTags, ZendeskTeams, ZendeskUsers
from unigate_zendesk.provider import ZendeskProvider
from unigate_zendesk.tickets import ZendeskTickets

__all__ = [
    "ZendeskAccounts",
    "ZendeskComments",
    "ZendeskContacts",
    "ZendeskProvider",
    "ZendeskTags",
    "ZendeskTeams",
    "ZendeskTickets",
    "ZendeskUsers",
]


@hookimpl
def register_providers(register: Any) -> None:
    register(ZendeskProvider)
