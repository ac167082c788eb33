"""Issue comments (``owner/repo/comments/<id>``): listed per ticket, created as the connection's user."""

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
from unigate_github.common import HEADERS, check, fetch_page, full_name_of, since, when
from unigate_github.tickets import parse_ticket_id


def to_comment(comment: dict[str, Any], ticket: str, provider: str = "github") -> Comment:
    collection = full_name_of(str(comment["issue_url"]))
    return Comment(
        id=f"{collection}/comments/{comment['id']}",
        remote_id=str(comment["id"]),
        provider=provider,
        remote_created_at=when(comment.get("created_at")),
        remote_updated_at=when(comment.get("updated_at")),
        remote_data=comment,
        ticket=ticket,
        body=comment.get("body"),
        user=(comment.get("user") or {}).get("login"),
    )


class GitHubComments(Resource[Any, Any, Any]):  # not yet typed per model
    """Comments of one issue: list (by ticket) and create."""

    name = "comments"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = (
        *ENVELOPE_FIELDS,
        "ticket",
        "body",
        "user",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Comment]:
        if not query.ticket_id:
            raise ProviderError(400, "invalid_query_params", "ticket_id: GitHub lists comments per issue")
        path, number = parse_ticket_id(query.ticket_id)
        params = {"since": since(query.modified_after)} if query.modified_after else {}
        items, next_url = await fetch_page(
            ctx, f"{path}/issues/{number}/comments", query, params, f"issue {query.ticket_id}"
        )
        return ResourcePage([to_comment(c, query.ticket_id, ctx.provider) for c in items], next_url)

    async def create(self, ctx: ProviderContext, data: BaseModel) -> Written[Comment]:
        assert isinstance(data, CommentCreate)
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
        check(response, f"issue {data.ticket}")
        return Written(to_comment(response.json(), data.ticket, ctx.provider), warnings)
