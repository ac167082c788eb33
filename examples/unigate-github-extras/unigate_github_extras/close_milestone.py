"""The ``close-milestone`` action: close a milestone, answer it as it now is."""

from __future__ import annotations

from gateway.provider import Action, ProviderContext
from unigate_github_extras.milestones import milestone_path, write
from unigate_github_extras.models import CloseMilestoneInput, Milestone


class CloseMilestone(Action[CloseMilestoneInput, Milestone]):
    """Close a milestone (its issues stay as they are)."""

    async def run(self, ctx: ProviderContext, input: CloseMilestoneInput) -> Milestone:
        path = milestone_path(input.milestone_id, "milestone_id")
        return await write(ctx, "PATCH", path, {"state": "closed"}, f"closing milestone {input.milestone_id}")
