"""Comments: a task's stories of subtype ``comment_added`` (ids are story gids), listed per task and created."""

from __future__ import annotations

from gateway.provider import (
    ENVELOPE_FIELDS,
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


class AsanaComments(Resource[Comment, CommentCreate]):
    """``GET /tasks/{gid}/stories`` keeping the comments (system stories are left out), oldest first; create."""

    filters = frozenset({"ticket_id", "modified_after"})
    fields = (*ENVELOPE_FIELDS, "ticket", "body", "html_body", "user")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Comment]:
        if query.cursor:
            plan = Plan.from_cursor(query.cursor)
        else:
            task = gid(query.ticket_id or "", "ticket_id")  # the route's path always carries it
            keep = {"task": task}
            if query.modified_after is not None:  # stories cannot be filtered upstream: drop older ones here
                keep["since"] = stamp(query.modified_after)
            plan = Plan([(f"/tasks/{task}/stories", {"opt_fields": STORY_FIELDS})], keep)
        items, following = await read_page(ctx, plan, query.page_size, f"task {plan.keep.get('task')}")
        since = when(plan.keep.get("since"))
        comments = [
            to_comment(story, plan.keep["task"]) for _, story in items if story.get("resource_subtype") == COMMENT
        ]
        if since is not None:
            comments = [c for c in comments if c.remote_created_at and c.remote_created_at >= since]
        return ResourcePage(comments, following)

    async def create(self, ctx: ProviderContext, data: CommentCreate) -> Written[Comment]:
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
        check(ctx, response, f"task {task}")
        return Written(to_comment(data_of(response), task))
