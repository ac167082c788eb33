"""Issue comments (``KAN-7/comments/<id>``): listed per ticket, created as the connection's user."""

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
)
from unified_models import Comment, CommentCreate
from unigate_jira.common import adf_to_text, api, check, fetch_offset_page, issue_key, text_to_adf, when


def to_comment(comment: dict[str, Any], ticket: str) -> Comment:
    return Comment(
        id=f"{ticket}/comments/{comment['id']}",
        remote_id=str(comment["id"]),
        provider="jira",
        remote_created_at=when(comment.get("created")),
        remote_updated_at=when(comment.get("updated")),
        remote_data=comment,
        ticket=ticket,
        body=adf_to_text(comment.get("body")),
        is_private=bool(comment.get("visibility")) or comment.get("jsdPublic") is False,
        user=(comment.get("author") or {}).get("accountId"),
    )


class JiraComments(Resource[Comment, CommentCreate]):
    """Comments of one issue, oldest first: list (by ticket) and create."""

    filters = frozenset({"ticket_id", "modified_after"})
    fields = (
        *ENVELOPE_FIELDS,
        "ticket",
        "body",
        "is_private",
        "user",
    )

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Comment]:
        key = issue_key(query.ticket_id or "", "ticket_id")  # the route's path always carries it
        items, following = await fetch_offset_page(
            ctx, f"/issue/{key}/comment", query, {"orderBy": "created"}, "comments", f"issue {key}"
        )
        comments = [to_comment(c, key) for c in items]
        if query.modified_after is not None:  # Jira cannot filter comments: drop older ones from the page
            comments = [c for c in comments if c.remote_updated_at and c.remote_updated_at >= query.modified_after]
        return ResourcePage(comments, following)

    async def create(self, ctx: ProviderContext, data: CommentCreate) -> Written[Comment]:
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
        check(ctx, response, f"commenting on issue {key}")
        return Written(to_comment(response.json(), key))
