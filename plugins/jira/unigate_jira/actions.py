"""Jira's ``transition-issue`` action: move an issue through a workflow transition named or numbered by the caller."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gateway.provider import Action, ProviderContext, ProviderError
from unified_models import Ticket
from unigate_jira.common import api, check, issue_key
from unigate_jira.tickets import JiraTickets


class TransitionIssueInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket_id: str = Field(min_length=1, description="The issue key, e.g. `KAN-7`")
    transition: str | None = Field(default=None, description="The transition's id or name (`Done`, `31`)")
    to_status: str | None = Field(default=None, description="Or the name of the status to move to (`In Review`)")

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.transition is None) == (self.to_status is None):
            raise ValueError("send transition or to_status (one of them)")
        return self


def _matches(item: dict[str, Any], wanted: TransitionIssueInput) -> bool:
    if wanted.transition is not None:
        return wanted.transition in (str(item.get("id")), item.get("name"))
    return bool((item.get("to") or {}).get("name") == wanted.to_status)


class TransitionIssue(Action[TransitionIssueInput, Ticket]):
    """Move an issue through one of its available transitions; answers the ticket as it now is."""

    async def run(self, ctx: ProviderContext, input: TransitionIssueInput) -> Ticket:
        key = issue_key(input.ticket_id, "ticket_id")
        listed = await ctx.http.get(api(ctx, f"/issue/{key}/transitions"))
        check(ctx, listed, f"listing the transitions of {key}")
        transitions: list[dict[str, Any]] = listed.json().get("transitions") or []
        chosen = next((t for t in transitions if _matches(t, input)), None)
        if chosen is None:
            field = "transition" if input.transition is not None else "to_status"
            offered = ", ".join(f"{t.get('name')} ({t.get('id')})" for t in transitions) or "none"
            message = f"{field}: issue {key} has no such transition now; available: {offered}"
            raise ProviderError(422, "invalid_field", message, field=field)
        moved = await ctx.http.post(api(ctx, f"/issue/{key}/transitions"), json={"transition": {"id": chosen["id"]}})
        check(ctx, moved, f"moving issue {key}")
        return await JiraTickets(self.provider, "tickets").get(ctx, key)
