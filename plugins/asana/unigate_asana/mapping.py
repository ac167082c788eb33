"""Pure mappings from Asana records (``TaskResponse``, ``StoryResponse``, ...) to unified models.

They accept any record Asana's published schemas allow (every property optional, compact or full), so a field
Asana left out, or sent as null, simply stays empty in the unified object.
"""

from __future__ import annotations

from typing import Any

from unified_models import Collection, CollectionType, Comment, Tag, Ticket, TicketStatus, User
from unigate_asana.common import ref_gid, when

COMPLETED, INCOMPLETE = "completed", "incomplete"  # remote_status values


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _refs(values: Any) -> list[dict[str, Any]]:
    return [v for v in values if isinstance(v, dict) and ref_gid(v)] if isinstance(values, list) else []


def _envelope(record: dict[str, Any], provider: str = "asana") -> dict[str, Any]:
    return {
        "id": str(record["gid"]),
        "remote_id": str(record["gid"]),
        "provider": provider,
        "remote_created_at": when(record.get("created_at")),
        "remote_updated_at": when(record.get("modified_at")),
        "remote_data": record,
    }


def tag_name(tag: dict[str, Any]) -> str:
    """A tag's name, or its gid when the record carries no name (compact records asked without ``name``)."""
    name = tag.get("name")
    return name if isinstance(name, str) and name else str(tag["gid"])


def to_ticket(task: dict[str, Any], provider: str = "asana") -> Ticket:
    completed = task.get("completed")
    assignee = ref_gid(task.get("assignee"))
    return Ticket(
        **_envelope(task, provider),
        name=_text(task.get("name")),
        description=_text(task.get("notes")),
        description_html=_text(task.get("html_notes")),
        status=(TicketStatus.CLOSED if completed else TicketStatus.OPEN) if isinstance(completed, bool) else None,
        remote_status=(COMPLETED if completed else INCOMPLETE) if isinstance(completed, bool) else None,
        ticket_type=_text(task.get("resource_subtype")),
        assignees=[assignee] if assignee else [],
        collections=[str(p["gid"]) for p in _refs(task.get("projects"))],
        parent_ticket=ref_gid(task.get("parent")),
        tags=[tag_name(t) for t in _refs(task.get("tags"))],
        due_date=when(task.get("due_at")) or when(task.get("due_on")),
        completed_at=when(task.get("completed_at")),
        ticket_url=_text(task.get("permalink_url")),
    )


def to_comment(story: dict[str, Any], ticket: str, provider: str = "asana") -> Comment:
    """A ``comment_added`` story of task ``ticket``; Asana comments have no private form (``is_private`` null)."""
    return Comment(
        **_envelope(story, provider),
        ticket=ticket,
        body=_text(story.get("text")),
        html_body=_text(story.get("html_text")),
        user=ref_gid(story.get("created_by")),
    )


def to_user(user: dict[str, Any], provider: str = "asana") -> User:
    photo: dict[str, Any] = user["photo"] if isinstance(user.get("photo"), dict) else {}
    return User(
        **_envelope(user, provider),
        name=_text(user.get("name")),
        email_address=_text(user.get("email")) or None,
        avatar=_text(photo.get("image_128x128")) or _text(photo.get("image_60x60")),
    )


def to_project(project: dict[str, Any], provider: str = "asana") -> Collection:
    return Collection(
        **_envelope(project, provider),
        name=_text(project.get("name")),
        description=_text(project.get("notes")) or None,
        collection_type=CollectionType.PROJECT,
        parent_collection=ref_gid(project.get("workspace")),
        collection_url=_text(project.get("permalink_url")),
    )


def to_workspace(workspace: dict[str, Any], provider: str = "asana") -> Collection:
    """A workspace or organisation: the collection that holds projects (no unified collection type fits)."""
    return Collection(**_envelope(workspace, provider), name=_text(workspace.get("name")))


def to_tag(tag: dict[str, Any], provider: str = "asana") -> Tag:
    return Tag(**_envelope(tag, provider), name=tag_name(tag))
