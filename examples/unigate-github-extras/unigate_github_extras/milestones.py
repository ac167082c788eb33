"""A repository's milestones as a resource of their own: list, get, create, update and delete."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from unigate_github import ERRORS, HEADERS, fetch_page, full_name_of, repo_path

from gateway.provider import ListQuery, ProviderContext, ProviderError, Resource, ResourcePage, Written, parse_time
from unigate_github_extras.models import Milestone, MilestoneCreate, MilestoneFilters, MilestoneUpdate

# GitHub's error table, naming a refused field as GitHub does (the built-in one translates issue fields).
MILESTONE_ERRORS = replace(ERRORS, fields={})


def milestone_path(milestone_id: str, field: str = "id") -> str:
    """``/repos/owner/repo/milestones/3`` for ``owner/repo/3``; 400 naming ``field`` otherwise."""
    collection, _, number = milestone_id.rpartition("/")
    if not collection or not (number.isascii() and number.isdigit()):
        message = f"{field}: {milestone_id!r} is not a milestone id; send owner/repo/<number>"
        raise ProviderError(400, "invalid_id", message, field=field)
    return f"{repo_path(collection, field)}/milestones/{int(number)}"


def to_milestone(item: dict[str, Any]) -> Milestone:
    collection = full_name_of(str(item["url"]))
    return Milestone(
        id=f"{collection}/{item['number']}",
        remote_id=str(item["id"]),
        provider="github",
        remote_created_at=parse_time(item.get("created_at")),
        remote_updated_at=parse_time(item.get("updated_at")),
        remote_data=item,
        title=item["title"],
        description=item.get("description"),
        state=item["state"],
        due_on=parse_time(item.get("due_on")),
        open_issues=item["open_issues"],
        closed_issues=item["closed_issues"],
        collection=collection,
    )


async def write(ctx: ProviderContext, method: str, path: str, body: dict[str, Any], doing: str) -> Milestone:
    """Send a milestone write and map the milestone GitHub answers with."""
    response = await ctx.http.request(method, path, json=body, headers=HEADERS)
    MILESTONE_ERRORS.check(ctx, response, doing)
    return to_milestone(response.json())


def _sent(data: MilestoneCreate | MilestoneUpdate) -> dict[str, Any]:
    return data.model_dump(mode="json", exclude_unset=True, exclude={"collection"})


class Milestones(Resource[Milestone, MilestoneCreate, MilestoneUpdate]):
    """Milestones of a repository"""

    filters = frozenset({"collection_id"})
    filter_model = MilestoneFilters

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Milestone]:
        if not query.collection_id:
            raise ProviderError(400, "invalid_query_params", "collection_id: send owner/repo", field="collection_id")
        path = repo_path(query.collection_id) + "/milestones"
        params = {"state": query.extra.get("state") or "open"}
        items, next_url = await fetch_page(ctx, path, query, params, f"milestones of {query.collection_id}")
        return ResourcePage([to_milestone(item) for item in items], next_url)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Milestone:
        response = await ctx.http.get(milestone_path(remote_id), headers=HEADERS)
        MILESTONE_ERRORS.check(ctx, response, f"getting milestone {remote_id}")
        return to_milestone(response.json())

    async def create(self, ctx: ProviderContext, data: MilestoneCreate) -> Written[Milestone]:
        path = repo_path(data.collection, "collection") + "/milestones"
        return Written(await write(ctx, "POST", path, _sent(data), f"creating a milestone in {data.collection}"))

    async def update(self, ctx: ProviderContext, remote_id: str, data: MilestoneUpdate) -> Written[Milestone]:
        path = milestone_path(remote_id)
        return Written(await write(ctx, "PATCH", path, _sent(data), f"updating milestone {remote_id}"))

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        response = await ctx.http.delete(milestone_path(remote_id), headers=HEADERS)
        MILESTONE_ERRORS.check(ctx, response, f"deleting milestone {remote_id}")
