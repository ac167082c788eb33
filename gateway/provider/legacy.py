"""Hand-written filter refusals of plugins not yet ported to ``Resource.filters`` (the gateway now refuses)."""

from __future__ import annotations

from gateway.provider.contract import ListQuery
from gateway.provider.refusals import unsupported_filter


def refuse_modified_after(query: ListQuery, provider: str, what: str) -> None:
    """Refuse ``modified_after`` on a list the provider cannot filter by modification time (never ignore it)."""
    if query.modified_after is not None:
        message = f"{provider} cannot filter {what} by modification time; leave it out"
        raise unsupported_filter("modified_after", message)
