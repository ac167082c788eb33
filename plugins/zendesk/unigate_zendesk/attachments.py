"""Files attached to a ticket's comments, as ``Attachment`` (ids are Zendesk's attachment ids).

Zendesk lists attachments inside each comment; ``GET /attachments?ticket_id=`` walks the ticket's comments and
flattens them. The provider cursor is ``<comments after_cursor>|<attachments already given from that page>``
(Unigate's own cursor keeps the ticket).
"""

from __future__ import annotations

from typing import Any

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    Resource,
    ResourcePage,
)
from unified_models import Attachment
from unigate_zendesk.common import API, check, fetch_page, numeric_id
from unigate_zendesk.mappers import ref, text, when


def to_attachment(
    attachment: dict[str, Any], provider: str, comment: dict[str, Any] | None = None, ticket: str | None = None
) -> Attachment:
    attachment_id = ref(attachment.get("id"))
    if attachment_id is None:
        raise ValueError("a Zendesk attachment without an id cannot be mapped")
    comment_id = ref((comment or {}).get("id"))
    return Attachment(
        id=attachment_id,
        remote_id=attachment_id,
        provider=provider,
        remote_created_at=when((comment or {}).get("created_at")),
        remote_data=attachment,
        file_name=text(attachment.get("file_name")),
        file_url=text(attachment.get("content_url")),
        content_type=text(attachment.get("content_type")),
        uploaded_by=ref((comment or {}).get("author_id")),
        ticket=ticket,
        comment=f"{ticket}/comments/{comment_id}" if ticket and comment_id else None,
    )


class ZendeskAttachments(Resource[Attachment]):
    """A ticket's attachments, oldest comment first (list), and one attachment by id (get)."""

    filters = frozenset({"ticket_id"})
    fields = (*ENVELOPE_FIELDS, "file_name", "file_url", "content_type", "uploaded_by", "ticket", "comment")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Attachment]:
        ticket = numeric_id(query.ticket_id or "", "ticket_id")  # the route's path always carries it
        after, _, skip_text = (query.cursor or "").rpartition("|")
        skip = int(skip_text) if skip_text.isdigit() else 0
        items: list[Attachment] = []
        while True:
            page = ListQuery(page_size=query.page_size, cursor=after or None)
            path, what = f"/tickets/{ticket}/comments", f"ticket {ticket}"
            comments, following = await fetch_page(ctx, path, "comments", page, what)
            found = [
                to_attachment(a, "zendesk", c, ticket)
                for c in comments
                for a in c.get("attachments") or []
                if isinstance(a, dict)
            ][skip:]
            room = query.page_size - len(items)
            if len(found) > room:
                return ResourcePage(items + found[:room], f"{after}|{skip + room}")
            items += found
            if following is None:
                return ResourcePage(items, None)
            if len(items) == query.page_size:
                return ResourcePage(items, f"{following}|0")
            after, skip = following, 0

    async def get(self, ctx: ProviderContext, remote_id: str) -> Attachment:
        attachment = numeric_id(remote_id)
        response = await ctx.http.get(f"{API}/attachments/{attachment}")
        check(ctx, response, f"attachment {attachment}")
        return to_attachment(response.json().get("attachment") or {}, "zendesk")
