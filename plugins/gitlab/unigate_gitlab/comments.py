"""Issue notes as comments (``group/project#42/notes/<id>``): user notes listed oldest first, created as the user.

System notes ("changed the description", "added ~bug label") are activity records, not comments: lists skip them.
"""

from __future__ import annotations

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    Resource,
    ResourcePage,
    Written,
)
from unified_models import Comment, CommentCreate, FieldWarning
from unigate_gitlab.common import check, fetch_page
from unigate_gitlab.mapping import to_comment
from unigate_gitlab.tickets import parse_ticket_id


class GitLabComments(Resource[Comment, CommentCreate]):
    """``/projects/:id/issues/:iid/notes``: list (by ticket; ``modified_after`` applied to each page) and create."""

    fields = (*ENVELOPE_FIELDS, "ticket", "body", "is_private", "user")
    filters = frozenset({"ticket_id", "modified_after"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Comment]:
        ticket = query.ticket_id or ""  # the route's path always carries it
        _, path, iid = parse_ticket_id(ticket, "ticket_id")
        params = {"order_by": "created_at", "sort": "asc"}
        items, following = await fetch_page(ctx, f"{path}/issues/{iid}/notes", query, params, f"notes of {ticket}")
        comments = [to_comment(note, ticket) for note in items if not note.get("system")]
        if query.modified_after is not None:  # the notes API has no time filter
            after = query.modified_after
            comments = [c for c in comments if c.remote_updated_at is None or c.remote_updated_at >= after]
        return ResourcePage(comments, following)

    async def create(self, ctx: ProviderContext, data: CommentCreate) -> Written[Comment]:
        warnings: list[FieldWarning] = []
        text = data.body
        if data.html_body and data.body:
            warnings.append(FieldWarning(field="html_body", message="GitLab takes Markdown only; body was posted"))
        elif data.html_body:
            text = data.html_body  # GitLab Flavored Markdown renders inline HTML
        _, path, iid = parse_ticket_id(data.ticket, "ticket")
        payload = {"body": text, **({"internal": True} if data.is_private else {})}
        response = await ctx.http.post(f"{path}/issues/{iid}/notes", json=payload)
        check(ctx, response, f"commenting on issue {data.ticket}")
        comment = to_comment(response.json(), data.ticket)
        return Written(comment, [w.model_copy(update={"object_id": comment.id}) for w in warnings])
