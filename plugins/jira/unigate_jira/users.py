"""Users of the site (ids are Atlassian account ids) and labels (tags; ids are the label names)."""

from __future__ import annotations

from typing import Any

from gateway.provider import ListQuery, ProviderContext, Resource, ResourcePage
from unified_models import Tag, User
from unigate_jira.common import api, check, fetch_offset_page


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


class JiraUsers(Resource[User]):
    """``GET /users/search``: every user of the site, app accounts included; one by ``GET /user?accountId=``."""

    fields = ("id", "remote_id", "provider", "remote_data", "name", "email_address", "is_active", "avatar")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[User]:
        items, following = await fetch_offset_page(ctx, "/users/search", query, {}, "values", "users of the site")
        return ResourcePage([to_user(u) for u in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> User:
        response = await ctx.http.get(api(ctx, "/user"), params={"accountId": remote_id})
        check(ctx, response, f"getting user {remote_id}")
        return to_user(response.json())


class JiraTags(Resource[Tag]):
    """``GET /label``: the labels used on the site."""

    fields = ("id", "remote_id", "provider", "remote_data", "name")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Tag]:
        items, following = await fetch_offset_page(ctx, "/label", query, {}, "values", "labels of the site")
        return ResourcePage([to_tag(str(label)) for label in items], following)
