"""A hand-written refusal for a filter a resource declares but cannot apply in one mode (e.g. a GitHub App
installation's repositories by modification time); the gateway refuses undeclared filters itself."""

from __future__ import annotations

from gateway.provider.contract import ListQuery
from gateway.provider.refusals import unsupported_filter


def refuse_modified_after(query: ListQuery, provider: str, what: str) -> None:
    """Refuse ``modified_after`` on a list the provider cannot filter by modification time (never ignore it)."""
    if query.modified_after is not None:
        message = f"{provider} cannot filter {what} by modification time; leave it out"
        raise unsupported_filter("modified_after", message)
