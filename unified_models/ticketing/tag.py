"""Tags: labels a provider attaches to tickets (GitHub/GitLab labels, Zendesk tags, Asana tags)."""

from __future__ import annotations

from pydantic import Field

from unified_models.common import RemoteObject


class Tag(RemoteObject):
    """A label; tickets refer to tags by `name`, not by id."""

    name: str = Field(min_length=1, description="The tag's name, as it appears in `Ticket.tags`")
