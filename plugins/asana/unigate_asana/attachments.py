"""A task's attachments (``GET /attachments?parent=<task gid>``) and one attachment by gid."""

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
from unigate_asana.common import check, data_of, gid, ref_gid, when
from unigate_asana.paging import Plan, read_page

ATTACHMENT_FIELDS = "name,resource_subtype,created_at,download_url,permanent_url,host,parent,size"


def to_attachment(attachment: dict[str, Any], provider: str = "asana") -> Attachment:
    return Attachment(
        id=str(attachment["gid"]),
        remote_id=str(attachment["gid"]),
        provider=provider,
        remote_created_at=when(attachment.get("created_at")),
        remote_data=attachment,
        file_name=attachment.get("name") or None,
        file_url=attachment.get("permanent_url") or attachment.get("download_url") or None,
        ticket=ref_gid(attachment.get("parent")),
    )


class AsanaAttachments(Resource[Attachment]):
    """Files attached to a task: list (by ``ticket_id``) and get."""

    filters = frozenset({"ticket_id"})
    fields = (*ENVELOPE_FIELDS, "file_name", "file_url", "ticket")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Attachment]:
        if query.cursor:
            plan = Plan.from_cursor(query.cursor)
        else:
            task = gid(query.ticket_id or "", "ticket_id")  # the route's path always carries it
            plan = Plan([("/attachments", {"parent": task, "opt_fields": ATTACHMENT_FIELDS})], {"task": task})
        items, following = await read_page(ctx, plan, query.page_size, f"task {plan.keep.get('task')}")
        return ResourcePage([to_attachment(a) for _, a in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Attachment:
        attachment = gid(remote_id)
        response = await ctx.http.get(f"/attachments/{attachment}", params={"opt_fields": ATTACHMENT_FIELDS})
        check(ctx, response, f"attachment {attachment}")
        return to_attachment(data_of(response))
