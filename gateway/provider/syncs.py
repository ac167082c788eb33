"""Sync scripts (Nango's ``createSync``): keep a copy of a unified resource in the records cache.

A provider lists its syncs like its resources: ``syncs = {"tickets": Sync("tickets", scope="collections")}``.
A sync reads the resource through its ``list`` operation, so a plugin writes no extra code: ``incremental`` syncs
ask for what changed since the last successful run (``ListQuery.modified_after``; the resource must declare that
filter), full ones list everything and mark what is gone as deleted. ``scope`` names a resource whose objects
partition the list (GitHub lists issues per repository): each of its objects' ids is sent in ``scope_filter``
(``collection_id`` by default). With ``scope_from_records`` the scope's objects come from the records another
sync keeps (comments per ticket: ``Sync("comments", scope="tickets", scope_filter="ticket_id",
scope_from_records=True)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Sync:
    resource: str  # the unified resource it copies, e.g. "tickets"
    incremental: bool = True  # list(modified_after=last success) each run; False: full listing, deletions detected
    frequency: str = "every 1h"  # how often it runs, Nango's syntax ("every 5m", "every day")
    scope: str | None = None  # list once per object of this resource, its id in ``scope_filter``
    scope_filter: str = "collection_id"  # the ListQuery field that carries the scope's id
    scope_where: Mapping[str, Any] = field(default_factory=dict)  # only scope objects with these field values
    # take the scope's objects from the records cache (another sync keeps them) instead of listing them live; an
    # incremental sync then visits only those changed since its last run (a new comment changes its ticket)
    scope_from_records: bool = False
    description: str = ""
