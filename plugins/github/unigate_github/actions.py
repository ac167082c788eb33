"""GitHub actions: ``add-labels`` (POST .../issues/{n}/labels) and ``lock-issue`` (PUT .../issues/{n}/lock)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.provider import Action, ProviderContext
from unified_models import Ticket
from unigate_github.common import HEADERS, check
from unigate_github.tickets import GitHubTickets, parse_ticket_id


class AddLabelsInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket_id: str = Field(min_length=1, description="The issue, `owner/repo#42`")
    labels: list[str] = Field(min_length=1, max_length=100, description="Label names; unknown ones are created")


class LockIssueInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket_id: str = Field(min_length=1, description="The issue, `owner/repo#42`")
    lock_reason: Literal["off-topic", "too heated", "resolved", "spam"] | None = Field(
        default=None, description="Why, as GitHub shows it; none by default"
    )


class Locked(BaseModel):
    ticket_id: str
    locked: bool = Field(description="True: only collaborators can comment now")
    lock_reason: str | None


class AddLabels(Action[AddLabelsInput, Ticket]):
    """Add labels to an issue (keeping its others); answers the ticket as it now is."""

    async def run(self, ctx: ProviderContext, input: AddLabelsInput) -> Ticket:
        path, number = parse_ticket_id(input.ticket_id, "ticket_id")
        answer = await ctx.http.post(f"{path}/issues/{number}/labels", json={"labels": input.labels}, headers=HEADERS)
        check(ctx, answer, f"adding labels to {input.ticket_id}")
        return await GitHubTickets(self.provider, "tickets").get(ctx, input.ticket_id)


class LockIssue(Action[LockIssueInput, Locked]):
    """Lock an issue's conversation."""

    async def run(self, ctx: ProviderContext, input: LockIssueInput) -> Locked:
        path, number = parse_ticket_id(input.ticket_id, "ticket_id")
        body = {"lock_reason": input.lock_reason} if input.lock_reason else None
        answer = await ctx.http.put(f"{path}/issues/{number}/lock", json=body, headers=HEADERS)
        check(ctx, answer, f"locking {input.ticket_id}")
        return Locked(ticket_id=input.ticket_id, locked=True, lock_reason=input.lock_reason)
