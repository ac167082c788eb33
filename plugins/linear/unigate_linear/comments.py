"""Issue comments (id the comment UUID): listed per ticket, created as the connection's user."""

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
from unigate_linear.common import PAGE_INFO, gql, next_cursor, page_args, when

COMMENT = "id body url createdAt updatedAt user { id name }"
LIST_QUERY = f"""query Comments($id: String!, $first: Int, $after: String) {{
  issue(id: $id) {{ id comments(first: $first, after: $after) {{ nodes {{ {COMMENT} }} {PAGE_INFO} }} }}
}}"""
CREATE = f"""mutation CommentCreate($input: CommentCreateInput!) {{
  commentCreate(input: $input) {{ success comment {{ {COMMENT} issue {{ id }} }} }}
}}"""


def to_comment(comment: dict[str, Any], ticket: str, provider: str) -> Comment:
    return Comment(
        id=str(comment["id"]),
        remote_id=str(comment["id"]),
        provider=provider,
        remote_created_at=when(comment.get("createdAt")),
        remote_updated_at=when(comment.get("updatedAt")),
        remote_data=comment,
        ticket=ticket,
        body=comment.get("body"),
        is_private=False,
        user=(comment.get("user") or {}).get("id"),
    )


class LinearComments(Resource[Any, Any, Any]):  # not yet typed per model
    """Comments of one issue: list (by ticket) and create (Markdown)."""

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
            raise ProviderError(400, "invalid_query_params", "ticket_id: Linear lists comments per issue")
        if query.modified_after is not None:
            raise ProviderError(
                400,
                "invalid_query_params",
                "modified_after: Linear cannot filter an issue's comments by modification time; leave it out",
                field="modified_after",
            )
        variables = {"id": query.ticket_id, **page_args(query)}
        issue = (await gql(ctx, LIST_QUERY, variables, f"issue {query.ticket_id}"))["issue"]
        connection = issue["comments"]
        items = [to_comment(c, str(issue["id"]), ctx.provider) for c in connection["nodes"]]
        return ResourcePage(items, next_cursor(connection))

    async def create(self, ctx: ProviderContext, data: BaseModel) -> Written[Comment]:
        assert isinstance(data, CommentCreate)
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
        item = to_comment(comment, ticket, ctx.provider)
        return Written(item, [w.model_copy(update={"object_id": item.id}) for w in warnings])
