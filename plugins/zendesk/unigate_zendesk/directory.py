"""The people and groups around tickets: agents as users, end-users as contacts, groups as teams, organizations
as accounts, and tags. Ids are Zendesk's numeric ids; a tag's id is its name.
"""

from __future__ import annotations

from typing import Any, ClassVar

from gateway.provider import ENVELOPE_FIELDS, ListQuery, ProviderContext, Resource, ResourcePage
from unified_models import RemoteObject, Tag
from unigate_zendesk.common import API, check, fetch_page, numeric_id
from unigate_zendesk.mappers import to_account, to_contact, to_tag, to_team, to_user


class _Listed(Resource[Any]):
    """A cursor-paged Zendesk list (``path``, items under ``key``) and, with ``item_key``, its ``path/{id}``."""

    path: ClassVar[str] = ""
    key: ClassVar[str] = ""
    item_key: ClassVar[str] = ""
    params: ClassVar[dict[str, Any]] = {}
    what: ClassVar[str] = ""

    def to_model(self, item: dict[str, Any]) -> RemoteObject:
        raise NotImplementedError

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Any]:
        items, following = await fetch_page(ctx, self.path, self.key, query, self.what, self.params)
        return ResourcePage([self.to_model(item) for item in items], following)

    async def get(self, ctx: ProviderContext, remote_id: str) -> RemoteObject:
        response = await ctx.http.get(f"{API}{self.path}/{numeric_id(remote_id)}")
        check(ctx, response, f"{self.item_key} {remote_id}")
        return self.to_model(response.json()[self.item_key])


class ZendeskUsers(_Listed):
    """Agents and admins (``/users?role[]=agent&role[]=admin``); ``/users/{id}`` answers any user."""

    fields = (*ENVELOPE_FIELDS, "name", "email_address", "is_active", "avatar", "teams")
    path, key, item_key, what = "/users", "users", "user", "users"
    params: ClassVar[dict[str, Any]] = {"role[]": ["agent", "admin"]}

    def to_model(self, item: dict[str, Any]) -> RemoteObject:
        return to_user(item)


class ZendeskContacts(_Listed):
    """End-users, the people tickets come from (``/users?role=end-user``); ``/contacts/{id}`` answers any user."""

    fields = (*ENVELOPE_FIELDS, "name", "email_address", "phone_number", "details", "account")
    path, key, item_key, what = "/users", "users", "user", "end-users"
    params: ClassVar[dict[str, Any]] = {"role": "end-user"}

    def to_model(self, item: dict[str, Any]) -> RemoteObject:
        return to_contact(item)


class ZendeskTeams(_Listed):
    """Groups of agents (``/groups``)."""

    fields = (*ENVELOPE_FIELDS, "name", "description")
    path, key, item_key, what = "/groups", "groups", "group", "groups"

    def to_model(self, item: dict[str, Any]) -> RemoteObject:
        return to_team(item)


class ZendeskAccounts(_Listed):
    """Organizations (``/organizations``)."""

    fields = (*ENVELOPE_FIELDS, "name", "domains")
    path, key, item_key, what = "/organizations", "organizations", "organization", "organizations"

    def to_model(self, item: dict[str, Any]) -> RemoteObject:
        return to_account(item)


class ZendeskTags(Resource[Tag]):
    """The account's most used tags (``/tags``), by name."""

    fields = ("id", "remote_id", "provider", "remote_data", "name")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Tag]:
        items, following = await fetch_page(ctx, "/tags", "tags", query, "tags")
        return ResourcePage([to_tag(item) for item in items], following)
