"""Unigate's Asana provider: tasks as tickets, comment stories, workspaces and projects, users and tags.

Two catalog entries share one implementation: ``asana`` (OAuth, one-hour tokens with refresh) and ``asana-pat``
(personal access token). Every unified id is the Asana gid. Tasks are listed per project (``collection_id``) or
per assignee (``assignee_id``, in every workspace or the one ``collection_id`` names); ``modified_after`` is sent
as ``modified_since``. Lists ask for the fields they map through ``opt_fields``.
"""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_asana.collections import AsanaCollections
from unigate_asana.comments import AsanaComments
from unigate_asana.people import AsanaTags, AsanaUsers
from unigate_asana.provider import AsanaProvider
from unigate_asana.tickets import AsanaTickets

__all__ = [
    "AsanaCollections",
    "AsanaComments",
    "AsanaProvider",
    "AsanaTags",
    "AsanaTickets",
    "AsanaUsers",
]


@hookimpl
def register_providers(register: Any) -> None:
    register(AsanaProvider)
