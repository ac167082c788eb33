"""Issue comments (id the comment UUID): listed per ticket, created as the connection's user."""

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
    parse_time,
)
from unified_models import Comment, CommentCreate, FieldWarning
from unigate_linear.common import PAGE_INFO, gql, next_cursor, page_args

COMMENT = "id body url createdAt updatedAt user { id name }"
LIST_QUERY = f"""query Comments($id: String!, $first: Int, $after: String) {{
  issue(id: $id) {{ id comments(first: $first, after: $after) {{ nodes {{ {COMMENT} }} {PAGE_INFO} }} }}
}}"""
CREATE = f"""mutation CommentCreate($input: CommentCreateInput!) {{
  commentCreate(input: $input) {{ success comment {{ {COMMENT} issue {{ id }} }} }}
}}"""


def to_comment(comment: dict[str, Any], ticket: str, provider: str = "linear") -> Comment:
    return Comment(
        id=str(comment["id"]),
        remote_id=str(comment["id"]),
        provider=provider,
        remote_created_at=parse_time(comment.get("createdAt")),
        remote_updated_at=parse_time(comment.get("updatedAt")),
        remote_data=comment,
        ticket=ticket,
        body=comment.get("body"),
        is_private=False,
        user=(comment.get("user") or {}).get("id"),
    )


class LinearComments(Resource[Comment, CommentCreate]):
    """Comments of one issue: list (by ticket) and create (Markdown)."""

    fields = (
        *ENVELOPE_FIELDS,
        "ticket",
        "body",
        "is_private",
        "user",
    )

    filters = frozenset({"ticket_id"})

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Comment]:
        variables = {"id": query.ticket_id, **page_args(query)}
        issue = (await gql(ctx, LIST_QUERY, variables, f"issue {query.ticket_id}"))["issue"]
        connection = issue["comments"]
        items = [to_comment(c, str(issue["id"])) for c in connection["nodes"]]
        return ResourcePage(items, next_cursor(connection))

    async def create(self, ctx: ProviderContext, data: CommentCreate) -> Written[Comment]:
        if data.is_private:
            raise ProviderError(
                422,
                "invalid_field",
                "is_private: Linear comments are visible to the whole team; send false or null",
                field="is_private",
            )
        warnings: list[FieldWarning] = []
        text = data.body
        if data.html_body and data.body:
            warnings.append(FieldWarning(field="html_body", message="Linear takes Markdown only; body was posted"))
        elif data.html_body:
            text = data.html_body
        payload = {"issueId": data.ticket, "body": text or ""}
        comment = (await gql(ctx, CREATE, {"input": payload}, f"issue {data.ticket}"))["commentCreate"]["comment"]
        ticket = str((comment.get("issue") or {}).get("id") or data.ticket)
        item = to_comment(comment, ticket)
        return Written(item, [w.model_copy(update={"object_id": item.id}) for w in warnings])
