"""Teams (which own issues) and then projects, as collections; ids are Linear's UUIDs.

The provider cursor is ``teams:<endCursor>`` or ``projects:<endCursor>`` (``projects:`` starts the projects).
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
    parse_time,
)
from unified_models import Collection, CollectionType
from unigate_linear.common import PAGE_INFO, gql, next_cursor

TEAMS = f"""query Teams($first: Int, $after: String) {{
  teams(first: $first, after: $after) {{ nodes {{ id key name description createdAt updatedAt }} {PAGE_INFO} }}
}}"""
PROJECTS = f"""query Projects($first: Int, $after: String) {{
  projects(first: $first, after: $after) {{ nodes {{ id name description url state createdAt updatedAt }} {PAGE_INFO} }}
}}"""
TEAM = "query Team($id: String!) { team(id: $id) { id key name description createdAt updatedAt } }"
PROJECT = "query Project($id: String!) { project(id: $id) { id name description url state createdAt updatedAt } }"


def to_collection(node: dict[str, Any], kind: CollectionType, provider: str = "linear") -> Collection:
    return Collection(
        id=str(node["id"]),
        remote_id=str(node["id"]),
        provider=provider,
        remote_created_at=parse_time(node.get("createdAt")),
        remote_updated_at=parse_time(node.get("updatedAt")),
        remote_data=node,
        name=node.get("name"),
        description=node.get("description") or None,
        collection_type=kind,
        collection_url=node.get("url"),
    )


class LinearCollections(Resource[Collection]):
    """``teams`` (``TEAM``) followed by ``projects`` (``PROJECT``), each with Relay pagination."""

    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "description",
        "collection_type",
        "collection_url",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Collection]:
        part, _, after = (query.cursor or "teams:").partition(":")
        if part not in ("teams", "projects"):
            raise ProviderError(400, "invalid_cursor", "the cursor does not belong to Linear collections")
        items: list[Collection] = []
        while True:  # teams first; a short last page of teams is filled up with projects
            variables = {"first": min(query.page_size - len(items), 250), "after": after or None}
            kind = CollectionType.TEAM if part == "teams" else CollectionType.PROJECT
            connection = (await gql(ctx, TEAMS if part == "teams" else PROJECTS, variables, part))[part]
            items += [to_collection(node, kind) for node in connection["nodes"]]
            following = next_cursor(connection)
            if following:
                return ResourcePage(items, f"{part}:{following}")
            if part == "projects":
                return ResourcePage(items, None)
            part, after = "projects", ""
            if len(items) >= query.page_size:
                return ResourcePage(items, "projects:")

    async def get(self, ctx: ProviderContext, remote_id: str) -> Collection:
        """A team, else a project (Linear's ids are unique across both)."""
        try:
            team = (await gql(ctx, TEAM, {"id": remote_id}, f"collection {remote_id}"))["team"]
            return to_collection(team, CollectionType.TEAM)
        except ProviderError as exc:
            if exc.status != 404:
                raise
        project = (await gql(ctx, PROJECT, {"id": remote_id}, f"collection {remote_id}"))["project"]
        return to_collection(project, CollectionType.PROJECT)
