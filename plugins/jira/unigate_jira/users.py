"""Users of the site (ids are Atlassian account ids) and labels (tags; ids are the label names)."""

from __future__ import annotations

from typing import Any

from gateway.provider import LIST_FILTERS, ListQuery, ProviderContext, Resource, ResourcePage
from unified_models import Tag, User
from unigate_jira.common import api, check, fetch_offset_page, refuse


def to_user(user: dict[str, Any], provider: str = "jira") -> User:
    return User(
        id=str(user["accountId"]),
        remote_id=str(user["accountId"]),
        provider=provider,
        remote_data=user,
        name=user.get("displayName"),
        email_address=user.get("emailAddress") or None,
        is_active=user.get("active"),
        avatar=(user.get("avatarUrls") or {}).get("48x48"),
    )


def to_tag(label: str, provider: str = "jira") -> Tag:
    return Tag(id=label, remote_id=label, provider=provider, remote_data={"name": label}, name=label)


class JiraUsers(Resource[Any, Any, Any]):  # not yet typed per model
    """``GET /users/search``: every user of the site, app accounts included; one by ``GET /user?accountId=``."""

    name = "users"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = ("id", "remote_id", "provider", "remote_data", "name", "email_address", "is_active", "avatar")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        refuse(query, "users")
        items, following = await fetch_offset_page(ctx, "/users/search", query, {}, "values", "users of the site")
        return ResourcePage([to_user(u, ctx.provider) for u in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        response = await ctx.http.get(api(ctx, "/user"), params={"accountId": remote_id})
        check(response, f"user {remote_id}")
        return to_user(response.json(), ctx.provider)


class JiraTags(Resource[Any, Any, Any]):  # not yet typed per model
    """``GET /label``: the labels used on the site."""

    name = "tags"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = ("id", "remote_id", "provider", "remote_data", "name")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Tag]:
        refuse(query, "labels")
        items, following = await fetch_offset_page(ctx, "/label", query, {}, "values", "labels of the site")
        return ResourcePage([to_tag(str(label), ctx.provider) for label in items], following)
