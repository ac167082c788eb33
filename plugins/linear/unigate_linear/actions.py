"""Linear's ``archive-issue`` action (the ``issueArchive`` mutation): the issue leaves lists, stays readable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from gateway.provider import Action, ProviderContext, ProviderError
from unigate_linear.common import gql

ARCHIVE = """mutation Archive($id: String!, $trash: Boolean) {
  issueArchive(id: $id, trash: $trash) { success entity { id identifier archivedAt } } }"""


class ArchiveIssueInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket_id: str = Field(min_length=1, description="The issue, by identifier (`ENG-42`) or id")
    trash: bool = Field(default=False, description="Move it to the trash instead (deleted after 30 days)")


class Archived(BaseModel):
    ticket_id: str = Field(description="The issue's identifier")
    archived_at: str = Field(description="When Linear archived it (ISO 8601)")


class ArchiveIssue(Action[ArchiveIssueInput, Archived]):
    """Archive an issue: it no longer appears in lists, and can be restored in Linear."""

    async def run(self, ctx: ProviderContext, input: ArchiveIssueInput) -> Archived:
        variables = {"id": input.ticket_id, "trash": input.trash}
        data = await gql(ctx, ARCHIVE, variables, f"archiving issue {input.ticket_id}")
        payload = data["issueArchive"]
        entity = payload.get("entity") or {}
        if not payload.get("success") or not entity.get("archivedAt"):
            raise ProviderError(502, "upstream_error", f"Linear did not archive {input.ticket_id}")
        return Archived(ticket_id=str(entity["identifier"]), archived_at=str(entity["archivedAt"]))
