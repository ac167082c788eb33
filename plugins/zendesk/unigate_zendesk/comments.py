"""Ticket comments (``<ticket id>/comments/<comment id>``): listed per ticket, created by updating the ticket.

Zendesk has no endpoint that creates a comment alone: ``PUT /tickets/{id}`` with ``ticket.comment`` adds one, and
the answer's audit holds the new comment as a ``Comment`` event. ``public: false`` makes an internal note.
"""

from __future__ import annotations

from typing import Any

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    ProviderError,
    Resource,
    ResourcePage,
    Written,
)
from unified_models import Comment, CommentCreate
from unigate_zendesk.common import API, check, fetch_page, numeric_id
from unigate_zendesk.mappers import to_comment


class ZendeskComments(Resource[Comment, CommentCreate]):
    """Comments of one ticket, oldest first: list (by ticket) and create (public or internal)."""

    filters = frozenset({"ticket_id", "modified_after"})
    fields = (*ENVELOPE_FIELDS, "ticket", "body", "html_body", "is_private", "user", "attachments")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Comment]:
        ticket = numeric_id(query.ticket_id or "", "ticket_id")  # the route's path always carries it
        items, following = await fetch_page(ctx, f"/tickets/{ticket}/comments", "comments", query, f"ticket {ticket}")
        comments = [to_comment(c, ticket) for c in items]
        if query.modified_after is not None:  # comments never change after posting: filter by creation time
            comments = [c for c in comments if c.remote_created_at and c.remote_created_at >= query.modified_after]
        return ResourcePage(comments, following)

    async def create(self, ctx: ProviderContext, data: CommentCreate) -> Written[Comment]:
        ticket = numeric_id(data.ticket, "ticket")
        comment: dict[str, Any] = {k: v for k, v in (("body", data.body), ("html_body", data.html_body)) if v}
        if data.is_private is not None:
            comment["public"] = not data.is_private
        response = await ctx.http.put(f"{API}/tickets/{ticket}", json={"ticket": {"comment": comment}})
        check(ctx, response, f"ticket {ticket}")
        events = ((response.json().get("audit") or {}).get("events")) or []
        added = next((e for e in events if isinstance(e, dict) and e.get("type") == "Comment"), None)
        if added is None:
            raise ProviderError(502, "upstream_error", f"Zendesk did not report the comment added to ticket {ticket}")
        return Written(to_comment(added, ticket))
