"""Files attached to an issue, as ``Attachment`` (ids are Jira's attachment ids).

An issue lists its attachments in its ``attachment`` field, all at once: pages are slices of that list and the
provider cursor is the offset (Unigate's own cursor keeps the issue). One attachment by id comes from
``GET /attachment/{id}`` (which does not name the issue).
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
)
from gateway.provider import unsupported_filter as refused
from unified_models import Attachment
from unigate_jira.common import api, check, issue_key, when


def to_attachment(attachment: dict[str, Any], provider: str = "jira", ticket: str | None = None) -> Attachment:
    author = attachment.get("author") if isinstance(attachment.get("author"), dict) else {}
    return Attachment(
        id=str(attachment["id"]),
        remote_id=str(attachment["id"]),
        provider=provider,
        remote_created_at=when(attachment.get("created")),
        remote_data=attachment,
        file_name=attachment.get("filename") or None,
        file_url=attachment.get("content") or None,
        content_type=attachment.get("mimeType") or None,
        uploaded_by=(author or {}).get("accountId"),
        ticket=ticket,
    )


class JiraAttachments(Resource[Attachment]):
    """An issue's attachments (list, by ``ticket_id``) and one attachment (get)."""

    filters = frozenset({"ticket_id"})
    fields = (*ENVELOPE_FIELDS, "file_name", "file_url", "content_type", "uploaded_by", "ticket")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Attachment]:
        if not query.ticket_id:
            raise refused("ticket_id", "Jira lists attachments per issue; send ticket_id (see GET /tickets)")
        key = issue_key(query.ticket_id, "ticket_id")
        response = await ctx.http.get(api(ctx, f"/issue/{key}"), params={"fields": "attachment"})
        check(ctx, response, f"listing attachments of issue {key}")
        found = (response.json().get("fields") or {}).get("attachment") or []
        start = int(query.cursor) if query.cursor and query.cursor.isdigit() else 0
        page = found[start : start + query.page_size]
        following = str(start + len(page)) if start + len(page) < len(found) else None
        return ResourcePage([to_attachment(a, ticket=key) for a in page], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Attachment:
        if not remote_id.isdigit():
            message = f"id: {remote_id!r} is not a Jira attachment id; send the numeric id"
            raise ProviderError(400, "invalid_id", message, field="id")
        response = await ctx.http.get(api(ctx, f"/attachment/{remote_id}"))
        check(ctx, response, f"getting attachment {remote_id}")
        return to_attachment(response.json())
