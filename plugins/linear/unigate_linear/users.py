"""Workspace users and issue labels (tags); ids are Linear's UUIDs, tickets refer to labels by name."""

from __future__ import annotations

from typing import Any

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, Resource, ResourcePage, parse_time
from unified_models import Tag, User
from unigate_linear.common import PAGE_INFO, gql, next_cursor, page_args

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


def to_user(user: dict[str, Any], provider: str = "linear") -> User:
    return User(
        id=str(user["id"]),
        remote_id=str(user["id"]),
        provider=provider,
        remote_created_at=parse_time(user.get("createdAt")),
        remote_updated_at=parse_time(user.get("updatedAt")),
        remote_data=user,
        name=user.get("name"),
        username=user.get("displayName"),
        email_address=user.get("email"),
        is_active=user.get("active"),
        avatar=user.get("avatarUrl"),
    )


def to_tag(label: dict[str, Any], provider: str = "linear") -> Tag:
    return Tag(
        id=str(label["id"]),
        remote_id=str(label["id"]),
        provider=provider,
        remote_created_at=parse_time(label.get("createdAt")),
        remote_updated_at=parse_time(label.get("updatedAt")),
        remote_data=label,
        name=str(label["name"]),
    )


class LinearUsers(Resource[User]):
    """``users``: the members of the workspace."""

    fields = (
        *ENVELOPE_FIELDS,
        "name",
        "username",
        "email_address",
        "is_active",
        "avatar",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        connection = (await gql(ctx, USERS, page_args(query), "users of the workspace"))["users"]
        return ResourcePage([to_user(u) for u in connection["nodes"]], next_cursor(connection))

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        return to_user((await gql(ctx, USER, {"id": remote_id}, f"user {remote_id}"))["user"])


class LinearTags(Resource[Tag]):
    """``issueLabels``: workspace and team labels (``collection_id`` keeps a team's and the workspace's)."""

    fields = (*ENVELOPE_FIELDS, "name")

    filters = frozenset({"collection_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Tag]:
        connection = (await gql(ctx, LABELS, page_args(query), "issue labels"))["issueLabels"]
        nodes = connection["nodes"]
        if query.collection_id:
            nodes = [n for n in nodes if (n.get("team") or {}).get("id") in (None, query.collection_id)]
        return ResourcePage([to_tag(label) for label in nodes], next_cursor(connection))
