"""A task's attachments (``GET /attachments?parent=<task gid>``) and one attachment by gid."""

from __future__ import annotations

from typing import Any

from gateway.provider import (
    ENVELOPE_FIELDS,
    LIST_FILTERS,
    ListQuery,
    ProviderContext,
    Resource,
    ResourcePage,
    refuse_modified_after,
    unsupported_filter,
)
from unified_models import Attachment
from unigate_asana.common import check, data_of, gid, ref_gid, when
from unigate_asana.paging import Plan, read_page

ATTACHMENT_FIELDS = "name,resource_subtype,created_at,download_url,permanent_url,host,parent,size"


def to_attachment(attachment: dict[str, Any], provider: str) -> Attachment:
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


class AsanaAttachments(Resource[Any, Any, Any]):  # not yet typed per model
    """Files attached to a task: list (by ``ticket_id``) and get."""

    name = "attachments"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = (*ENVELOPE_FIELDS, "file_name", "file_url", "ticket")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Attachment]:
        if query.cursor:
            plan = Plan.from_cursor(query.cursor)
        else:
            if not query.ticket_id:
                raise unsupported_filter("ticket_id", "Asana lists attachments per task; send ticket_id")
            refuse_modified_after(query, "Asana", "attachments")
            task = gid(query.ticket_id, "ticket_id")
            plan = Plan([("/attachments", {"parent": task, "opt_fields": ATTACHMENT_FIELDS})], {"task": task})
        items, following = await read_page(ctx, plan, query.page_size, f"task {plan.keep.get('task')}")
        return ResourcePage([to_attachment(a, self.provider.catalog_key) for _, a in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Attachment:
        attachment = gid(remote_id)
        response = await ctx.http.get(f"/attachments/{attachment}", params={"opt_fields": ATTACHMENT_FIELDS})
        check(response, f"attachment {attachment}")
        return to_attachment(data_of(response), self.provider.catalog_key)
