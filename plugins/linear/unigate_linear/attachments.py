"""An issue's attachments (links to pull requests, documents, error reports) and one attachment by id."""

from __future__ import annotations

from typing import Any

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    Resource,
    ResourcePage,
    parse_time,
)
from unified_models import Attachment
from unigate_linear.common import PAGE_INFO, gql, next_cursor, page_args

ATTACHMENT = "id title subtitle url createdAt updatedAt creator { id } issue { id }"
LIST_QUERY = f"""query Attachments($id: String!, $first: Int, $after: String) {{
  issue(id: $id) {{ id attachments(first: $first, after: $after) {{ nodes {{ {ATTACHMENT} }} {PAGE_INFO} }} }}
}}"""
GET_QUERY = f"query Attachment($id: String!) {{ attachment(id: $id) {{ {ATTACHMENT} }} }}"


def to_attachment(node: dict[str, Any], provider: str = "linear") -> Attachment:
    return Attachment(
        id=str(node["id"]),
        remote_id=str(node["id"]),
        provider=provider,
        remote_created_at=parse_time(node.get("createdAt")),
        remote_updated_at=parse_time(node.get("updatedAt")),
        remote_data=node,
        file_name=node.get("title") or None,
        file_url=node.get("url") or None,
        uploaded_by=(node.get("creator") or {}).get("id"),
        ticket=(node.get("issue") or {}).get("id"),
    )


class LinearAttachments(Resource[Attachment]):
    """``issue.attachments`` (Relay paging) and ``attachment(id)``."""

    fields = (*ENVELOPE_FIELDS, "file_name", "file_url", "uploaded_by", "ticket")

    filters = frozenset({"ticket_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Attachment]:
        variables = {"id": query.ticket_id, **page_args(query)}
        connection = (await gql(ctx, LIST_QUERY, variables, f"issue {query.ticket_id}"))["issue"]["attachments"]
        return ResourcePage([to_attachment(a) for a in connection["nodes"]], next_cursor(connection))

    async def get(self, ctx: ProviderContext, remote_id: str) -> Attachment:
        node = (await gql(ctx, GET_QUERY, {"id": remote_id}, f"attachment {remote_id}"))["attachment"]
        return to_attachment(node)
