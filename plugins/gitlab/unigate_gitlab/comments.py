"""Issue notes as comments (``group/project#42/notes/<id>``): user notes listed oldest first, created as the user.

System notes ("changed the description", "added ~bug label") are activity records, not comments: lists skip them.
"""

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
from unified_models import Comment, CommentCreate, FieldWarning
from unigate_gitlab.common import check, fetch_page
from unigate_gitlab.mapping import to_comment
from unigate_gitlab.tickets import parse_ticket_id


class GitLabComments(Resource[Any, Any, Any]):  # not yet typed per model
    """``/projects/:id/issues/:iid/notes``: list (by ticket; ``modified_after`` applied to each page) and create."""

    name = "comments"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = (*ENVELOPE_FIELDS, "ticket", "body", "is_private", "user")

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Comment]:
        if not query.ticket_id:
            raise ProviderError(400, "invalid_query_params", "ticket_id: GitLab lists notes per issue")
        _, path, iid = parse_ticket_id(query.ticket_id, "ticket_id")
        params = {"order_by": "created_at", "sort": "asc"}
        what = f"issue {query.ticket_id}"
        items, following = await fetch_page(ctx, f"{path}/issues/{iid}/notes", query, params, what)
        comments = [
            to_comment(note, query.ticket_id, self.provider.catalog_key) for note in items if not note.get("system")
        ]
        if query.modified_after is not None:  # the notes API has no time filter
            after = query.modified_after
            comments = [c for c in comments if c.remote_updated_at is None or c.remote_updated_at >= after]
        return ResourcePage(comments, following)

    async def create(self, ctx: ProviderContext, data: BaseModel) -> Written[Comment]:
        assert isinstance(data, CommentCreate)
        warnings: list[FieldWarning] = []
        text = data.body
        if data.html_body and data.body:
            warnings.append(FieldWarning(field="html_body", message="GitLab takes Markdown only; body was posted"))
        elif data.html_body:
            text = data.html_body  # GitLab Flavored Markdown renders inline HTML
        _, path, iid = parse_ticket_id(data.ticket, "ticket")
        payload = {"body": text, **({"internal": True} if data.is_private else {})}
        response = await ctx.http.post(f"{path}/issues/{iid}/notes", json=payload)
        check(response, f"issue {data.ticket}")
        comment = to_comment(response.json(), data.ticket, self.provider.catalog_key)
        return Written(comment, [w.model_copy(update={"object_id": comment.id}) for w in warnings])
