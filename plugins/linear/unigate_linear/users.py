"""Workspace users and issue labels (tags); ids are Linear's UUIDs, tickets refer to labels by name."""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, LIST_FILTERS, ListQuery, ProviderContext, Resource, ResourcePage
from unified_models import Tag, User
from unigate_linear.common import PAGE_INFO, gql, next_cursor, page_args, refuse_modified_after, when

USERS = f"""query Users($first: Int, $after: String) {{
  users(first: $first, after: $after) {{
    nodes {{ id name displayName email active avatarUrl createdAt updatedAt }} {PAGE_INFO}
  }}
}}"""
USER = "query User($id: String!) { user(id: $id) { id name displayName email active avatarUrl createdAt updatedAt } }"
LABELS = f"""query Labels($first: Int, $after: String) {{
  issueLabels(first: $first, after: $after) {{
    nodes {{ id name color createdAt updatedAt team {{ id }} }} {PAGE_INFO}
  }}
}}"""


def to_user(user: dict[str, Any], provider: str) -> User:
    return User(
        id=str(user["id"]),
        remote_id=str(user["id"]),
        provider=provider,
        remote_created_at=when(user.get("createdAt")),
        remote_updated_at=when(user.get("updatedAt")),
        remote_data=user,
        name=user.get("name"),
        username=user.get("displayName"),
        email_address=user.get("email"),
        is_active=user.get("active"),
        avatar=user.get("avatarUrl"),
    )


def to_tag(label: dict[str, Any], provider: str) -> Tag:
    return Tag(
        id=str(label["id"]),
        remote_id=str(label["id"]),
        provider=provider,
        remote_created_at=when(label.get("createdAt")),
        remote_updated_at=when(label.get("updatedAt")),
        remote_data=label,
        name=str(label["name"]),
    )


class LinearUsers(Resource[Any, Any, Any]):  # not yet typed per model
    """``users``: the members of the workspace."""

    name = "users"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "username",
        "email_address",
        "is_active",
        "avatar",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        refuse_modified_after(query, "users")
        connection = (await gql(ctx, USERS, page_args(query), "users of the workspace"))["users"]
        return ResourcePage([to_user(u, ctx.provider) for u in connection["nodes"]], next_cursor(connection))

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        return to_user((await gql(ctx, USER, {"id": remote_id}, f"user {remote_id}"))["user"], ctx.provider)


class LinearTags(Resource[Any, Any, Any]):  # not yet typed per model
    """``issueLabels``: workspace and team labels (``collection_id`` keeps a team's and the workspace's)."""

    name = "tags"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = (*ENVELOPE_FIELDS, "name")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Tag]:
        refuse_modified_after(query, "labels")
        connection = (await gql(ctx, LABELS, page_args(query), "issue labels"))["issueLabels"]
        nodes = connection["nodes"]
        if query.collection_id:
            nodes = [n for n in nodes if (n.get("team") or {}).get("id") in (None, query.collection_id)]
        return ResourcePage([to_tag(label, ctx.provider) for label in nodes], next_cursor(connection))
