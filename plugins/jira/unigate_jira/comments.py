"""Issue comments (``KAN-7/comments/<id>``): listed per ticket, created as the connection's user."""

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
from unigate_jira.common import adf_to_text, api, check, fetch_offset_page, issue_key, text_to_adf, when


def to_comment(comment: dict[str, Any], ticket: str, provider: str = "jira") -> Comment:
    return Comment(
        id=f"{ticket}/comments/{comment['id']}",
        remote_id=str(comment["id"]),
        provider=provider,
        remote_created_at=when(comment.get("created")),
        remote_updated_at=when(comment.get("updated")),
        remote_data=comment,
        ticket=ticket,
        body=adf_to_text(comment.get("body")),
        is_private=bool(comment.get("visibility")) or comment.get("jsdPublic") is False,
        user=(comment.get("author") or {}).get("accountId"),
    )


class JiraComments(Resource[Any, Any, Any]):  # not yet typed per model
    """Comments of one issue, oldest first: list (by ticket) and create."""

    name = "comments"
    filters = LIST_FILTERS  # not yet ported: list() refuses the filters it cannot apply
    fields = (
        *ENVELOPE_FIELDS,
        "ticket",
        "body",
        "is_private",
        "user",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Comment]:
        if not query.ticket_id:
            raise ProviderError(400, "invalid_query_params", "ticket_id: Jira lists comments per issue")
        key = issue_key(query.ticket_id, "ticket_id")
        items, following = await fetch_offset_page(
            ctx, f"/issue/{key}/comment", query, {"orderBy": "created"}, "comments", f"issue {key}"
        )
        comments = [to_comment(c, key, ctx.provider) for c in items]
        if query.modified_after is not None:  # Jira cannot filter comments: drop older ones from the page
            comments = [c for c in comments if c.remote_updated_at and c.remote_updated_at >= query.modified_after]
        return ResourcePage(comments, following)

    async def create(self, ctx: ProviderContext, data: BaseModel) -> Written[Comment]:
        assert isinstance(data, CommentCreate)
        if data.is_private:
            raise ProviderError(
                422,
                "invalid_field",
                "is_private: restricting a Jira comment needs a role or group; send false or null",
                field="is_private",
            )
        if not data.body:
            raise ProviderError(
                422,
                "invalid_field",
                "html_body: Jira takes Atlassian Document Format, built from plain text; send body",
                field="html_body",
            )
        key = issue_key(data.ticket, "ticket")
        response = await ctx.http.post(api(ctx, f"/issue/{key}/comment"), json={"body": text_to_adf(data.body)})
        check(response, f"issue {key}")
        return Written(to_comment(response.json(), key, ctx.provider))
