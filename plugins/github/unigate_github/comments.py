"""Issue comments (``owner/repo/comments/<id>``): listed per ticket, created as the connection's user."""

from __future__ import annotations

from typing import Any

from gateway.provider import (
    ENVELOPE_FIELDS,
    ListQuery,
    ProviderContext,
    ProviderError,
    Resource,
    ResourcePage,
    Written,
    format_time,
    parse_time,
)
from unified_models import Comment, CommentCreate, FieldWarning
from unigate_github.common import HEADERS, check, fetch_page, full_name_of
from unigate_github.tickets import parse_ticket_id


def to_comment(comment: dict[str, Any], ticket: str) -> Comment:
    collection = full_name_of(str(comment["issue_url"]))
    return Comment(
        id=f"{collection}/comments/{comment['id']}",
        remote_id=str(comment["id"]),
        provider="github",
        remote_created_at=parse_time(comment.get("created_at")),
        remote_updated_at=parse_time(comment.get("updated_at")),
        remote_data=comment,
        ticket=ticket,
        body=comment.get("body"),
        user=(comment.get("user") or {}).get("login"),
    )


class GitHubComments(Resource[Comment, CommentCreate]):
    """Comments of one issue: list (by ticket) and create."""

    fields = (
        *ENVELOPE_FIELDS,
        "ticket",
        "body",
        "user",
    )
    filters = frozenset({"ticket_id", "modified_after"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Comment]:
        ticket = query.ticket_id or ""  # the route's path always carries it
        path, number = parse_ticket_id(ticket, "ticket_id")
        params = {"since": format_time(query.modified_after)} if query.modified_after else {}
        what = f"comments of issue {ticket}"
        items, next_url = await fetch_page(ctx, f"{path}/issues/{number}/comments", query, params, what)
        return ResourcePage([to_comment(c, ticket) for c in items], next_url)

    async def create(self, ctx: ProviderContext, data: CommentCreate) -> Written[Comment]:
        if data.is_private:
            raise ProviderError(
                422,
                "invalid_field",
                "is_private: GitHub comments are always public; send false or null",
                field="is_private",
            )
        warnings: list[FieldWarning] = []
        text = data.body
        if data.html_body and data.body:
            warnings.append(FieldWarning(field="html_body", message="GitHub takes Markdown only; body was posted"))
        elif data.html_body:
            text = data.html_body  # GitHub's Markdown renders inline HTML
        path, number = parse_ticket_id(data.ticket, "ticket")
        response = await ctx.http.post(f"{path}/issues/{number}/comments", json={"body": text}, headers=HEADERS)
        check(ctx, response, f"commenting on issue {data.ticket}")
        return Written(to_comment(response.json(), data.ticket), warnings)
