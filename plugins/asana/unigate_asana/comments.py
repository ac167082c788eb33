"""Comments: a task's stories of subtype ``comment_added`` (ids are story gids), listed per task and created."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gateway.provider import (
    ENVELOPE_FIELDS,
    LIST_FILTERS,
    ListQuery,
    ProviderContext,
    ProviderError,
    Resource,
    ResourcePage,
    Written,
)
from unified_models import Comment, CommentCreate
from unigate_asana.common import check, data_of, gid, stamp, when
from unigate_asana.mapping import to_comment
from unigate_asana.paging import Plan, read_page
from unigate_asana.task_writes import html_document

STORY_FIELDS = "created_at,created_by,resource_subtype,text,html_text,type"
COMMENT = "comment_added"


class AsanaComments(Resource[Any, Any, Any]):  # not yet typed per model
    """``GET /tasks/{gid}/stories`` keeping the comments (system stories are left out), oldest first; create."""

    name = "comments"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = (*ENVELOPE_FIELDS, "ticket", "body", "html_body", "user")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Comment]:
        if query.cursor:
            plan = Plan.from_cursor(query.cursor)
        else:
            if not query.ticket_id:
                raise ProviderError(400, "invalid_query_params", "ticket_id: Asana lists comments per task")
            task = gid(query.ticket_id, "ticket_id")
            keep = {"task": task}
            if query.modified_after is not None:  # stories cannot be filtered upstream: drop older ones here
                keep["since"] = stamp(query.modified_after)
            plan = Plan([(f"/tasks/{task}/stories", {"opt_fields": STORY_FIELDS})], keep)
        items, following = await read_page(ctx, plan, query.page_size, f"task {plan.keep.get('task')}")
        since = when(plan.keep.get("since"))
        comments = [
            to_comment(story, plan.keep["task"], self.provider.catalog_key)
            for _, story in items
            if story.get("resource_subtype") == COMMENT
        ]
        if since is not None:
            comments = [c for c in comments if c.remote_created_at and c.remote_created_at >= since]
        return ResourcePage(comments, following)

    async def create(self, ctx: ProviderContext, data: BaseModel) -> Written[Comment]:
        assert isinstance(data, CommentCreate)
        if data.is_private:
            raise ProviderError(
                422,
                "invalid_field",
                "is_private: Asana comments are visible to everyone on the task; send false or null",
                field="is_private",
            )
        task = gid(data.ticket, "ticket")
        story = {"html_text": html_document(data.html_body)} if data.html_body else {"text": data.body}
        response = await ctx.http.post(
            f"/tasks/{task}/stories", params={"opt_fields": STORY_FIELDS}, json={"data": story}
        )
        check(response, f"task {task}")
        return Written(to_comment(data_of(response), task, self.provider.catalog_key))
