"""Zendesk's ``merge-tickets`` action (``POST /api/v2/tickets/{id}/merge``): close tickets into another one."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from gateway.provider import Action, ProviderContext, ProviderError
from unigate_zendesk.common import API, check, numeric_id


class MergeTicketsInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target_id: str = Field(min_length=1, description="The ticket the others are merged into")
    source_ids: list[str] = Field(min_length=1, max_length=5, description="The tickets to close into it (1 to 5)")
    target_comment: str | None = Field(default=None, description="Comment added to the target (Zendesk's default)")
    source_comment: str | None = Field(default=None, description="Comment added to each source")
    public: bool = Field(default=True, description="Whether the comments are public")


class MergeJob(BaseModel):
    job_id: str = Field(description="Zendesk's job status id")
    status: str = Field(description="queued, working, failed, completed or killed")
    url: str | None = Field(default=None, description="Zendesk's job status URL")


class MergeTickets(Action[MergeTicketsInput, MergeJob]):
    """Merge tickets into a target: Zendesk closes each source with a comment; the merge runs as a job."""

    async def run(self, ctx: ProviderContext, input: MergeTicketsInput) -> MergeJob:
        target = numeric_id(input.target_id, "target_id")
        sources = [int(numeric_id(value, "source_ids")) for value in input.source_ids]
        if int(target) in sources:
            message = "source_ids: a ticket cannot be merged into itself"
            raise ProviderError(400, "invalid_field", message, field="source_ids")
        body: dict[str, object] = {"ids": sources, "target_comment_is_public": input.public}
        body["source_comment_is_public"] = input.public
        if input.target_comment:
            body["target_comment"] = input.target_comment
        if input.source_comment:
            body["source_comment"] = input.source_comment
        answer = await ctx.http.post(f"{API}/tickets/{target}/merge", json=body)
        check(ctx, answer, f"merging tickets into {input.target_id}")
        job = answer.json()["job_status"]
        return MergeJob(job_id=str(job["id"]), status=str(job["status"]), url=job.get("url"))
