"""Teams (which own issues) and then projects, as collections; ids are Linear's UUIDs.

The provider cursor is ``teams:<endCursor>`` or ``projects:<endCursor>`` (``projects:`` starts the projects).
"""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, ProviderError, Resource, ResourcePage
from unified_models import Collection, CollectionType
from unigate_linear.common import PAGE_INFO, gql, next_cursor, refuse_modified_after, when

TEAMS = f"""query Teams($first: Int, $after: String) {{
  teams(first: $first, after: $after) {{ nodes {{ id key name description createdAt updatedAt }} {PAGE_INFO} }}
}}"""
PROJECTS = f"""query Projects($first: Int, $after: String) {{
  projects(first: $first, after: $after) {{ nodes {{ id name description url state createdAt updatedAt }} {PAGE_INFO} }}
}}"""


def to_collection(node: dict[str, Any], kind: CollectionType, provider: str) -> Collection:
    return Collection(
        id=str(node["id"]),
        remote_id=str(node["id"]),
        provider=provider,
        remote_created_at=when(node.get("createdAt")),
        remote_updated_at=when(node.get("updatedAt")),
        remote_data=node,
        name=node.get("name"),
        description=node.get("description") or None,
        collection_type=kind,
        collection_url=node.get("url"),
    )


class LinearCollections(Resource):
    """``teams`` (``TEAM``) followed by ``projects`` (``PROJECT``), each with Relay pagination."""

    name = "collections"
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "description",
        "collection_type",
        "collection_url",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Collection]:
        refuse_modified_after(query, "teams and projects")
        part, _, after = (query.cursor or "teams:").partition(":")
        if part not in ("teams", "projects"):
            raise ProviderError(400, "invalid_cursor", "the cursor does not belong to Linear collections")
        first = min(query.page_size, 250)
        variables = {"first": first, "after": after or None}
        if part == "teams":
            connection = (await gql(ctx, TEAMS, variables, "teams"))["teams"]
            items = [to_collection(t, CollectionType.TEAM, ctx.provider) for t in connection["nodes"]]
            following = next_cursor(connection)
            return ResourcePage(items, f"teams:{following}" if following else "projects:")
        connection = (await gql(ctx, PROJECTS, variables, "projects"))["projects"]
        items = [to_collection(p, CollectionType.PROJECT, ctx.provider) for p in connection["nodes"]]
        following = next_cursor(connection)
        return ResourcePage(items, f"projects:{following}" if following else None)
