"""Unigate's Linear provider: issues as tickets, comments, teams and projects as collections, users, labels.

Unified ids are Linear's UUIDs (the identifier ``ENG-123`` is accepted on ticket reads). Serves the catalog entries
``linear`` (OAuth) and ``linear-api-key`` (personal API key) with the same resources.
"""

from __future__ import annotations

from typing import Any

from gateway.provider import hookimpl
from unigate_linear.collections import LinearCollections
from unigate_linear.comments import LinearComments
from unigate_linear.provider import LinearProvider
from unigate_linear.tickets import LinearTickets
from unigate_linear.users import LinearTags, LinearUsers

__all__ = [
    "LinearCollections",
    "LinearComments",
    "LinearProvider",
    "LinearTags",
    "LinearTickets",
    "LinearUsers",
]


@hookimpl
def register_providers(register: Any) -> None:
    register(LinearProvider)
