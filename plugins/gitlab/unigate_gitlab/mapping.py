"""Pure mappings from GitLab REST v4 objects to unified models (no I/O; property-tested against the schemas).

``provider`` defaults to ``gitlab``; the gateway stamps the connection's key (``gitlab-pat`` too). Unified ids:
tickets ``group/project#42`` (project path + issue ``iid``), comments ``group/project#42/notes/<id>``, collections
the project path ``group/project`` or a milestone ``group/project/milestones/<id>``, users the numeric user id, tags
``group/project/labels/<name>``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from gateway.provider import parse_time
from unified_models import Collection, CollectionType, Comment, Tag, Ticket, TicketStatus, User

STATUS = {"opened": TicketStatus.OPEN, "closed": TicketStatus.CLOSED}
_WEB_ISSUE = re.compile(r"^https?://[^/]+/(?P<path>.+?)/-/(?:issues|work_items)/(?P<iid>\d+)")


def when(value: Any) -> datetime | None:
    """A GitLab timestamp (``2016-01-04T15:31:51.081Z``) or date (``2016-01-04``); None if absent or unreadable."""
    try:
        return parse_time(value) if isinstance(value, str) else None
    except (ValueError, OverflowError):
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _user_id(user: Any) -> str | None:
    return str(user["id"]) if isinstance(user, dict) and user.get("id") is not None else None


def issue_project(issue: dict[str, Any]) -> str:
    """The project path of an issue: from ``references.full``, else ``web_url``, else the numeric ``project_id``."""
    full = (issue.get("references") or {}).get("full")
    if isinstance(full, str) and "#" in full:
        return full.rsplit("#", 1)[0]
    found = _WEB_ISSUE.match(str(issue.get("web_url") or ""))
    return found.group("path") if found else str(issue["project_id"])


def ticket_id(project: str, iid: int) -> str:
    return f"{project}#{iid}"


def milestone_id(project: str, milestone: dict[str, Any]) -> str:
    return f"{project}/milestones/{milestone['id']}"


def label_names(labels: Any) -> list[str]:
    """Label names from ``labels`` as strings or (``with_labels_details=true``) objects."""
    names = [label.get("name") if isinstance(label, dict) else label for label in labels or []]
    return [name for name in names if isinstance(name, str) and name]


def to_ticket(issue: dict[str, Any], provider: str = "gitlab") -> Ticket:
    project = issue_project(issue)
    milestone = issue.get("milestone")
    collections = [project]
    if isinstance(milestone, dict) and milestone.get("id") is not None:
        collections.append(milestone_id(project, milestone))
    assignees = [_user_id(a) for a in issue.get("assignees") or []]
    state = _text(issue.get("state"))
    return Ticket(
        id=ticket_id(project, int(issue["iid"])),
        remote_id=str(issue["id"]),
        provider=provider,
        remote_created_at=when(issue.get("created_at")),
        remote_updated_at=when(issue.get("updated_at")),
        remote_data=issue,
        name=_text(issue.get("title")),
        description=_text(issue.get("description")),
        status=STATUS.get(state or ""),
        remote_status=state,
        ticket_type=_text(issue.get("issue_type")),
        assignees=[a for a in assignees if a],
        collections=collections,
        tags=label_names(issue.get("labels")),
        due_date=when(issue.get("due_date")),
        creator=_user_id(issue.get("author")),
        completed_at=when(issue.get("closed_at")),
        ticket_url=_text(issue.get("web_url")),
    )


def to_comment(note: dict[str, Any], ticket: str, provider: str = "gitlab") -> Comment:
    """A note; ``internal`` (or its older name ``confidential``) marks notes hidden from non-members."""
    private = bool(note.get("internal") or note.get("confidential"))
    return Comment(
        id=f"{ticket}/notes/{note['id']}",
        remote_id=str(note["id"]),
        provider=provider,
        remote_created_at=when(note.get("created_at")),
        remote_updated_at=when(note.get("updated_at")),
        remote_data=note,
        ticket=ticket,
        body=_text(note.get("body")),
        is_private=private,
        user=_user_id(note.get("author")),
    )


def to_user(user: dict[str, Any], provider: str = "gitlab") -> User:
    state = _text(user.get("state"))
    return User(
        id=str(user["id"]),
        remote_id=str(user["id"]),
        provider=provider,
        remote_created_at=when(user.get("created_at")),
        remote_data=user,
        name=_text(user.get("name")),
        username=_text(user.get("username")),
        email_address=_text(user.get("public_email")) or _text(user.get("email")) or None,
        is_active=None if state is None else state == "active" and not user.get("locked"),
        avatar=_text(user.get("avatar_url")),
    )


def to_collection(project: dict[str, Any], provider: str = "gitlab") -> Collection:
    path = _text(project.get("path_with_namespace")) or str(project["id"])
    return Collection(
        id=path,
        remote_id=str(project["id"]),
        provider=provider,
        remote_created_at=when(project.get("created_at")),
        remote_updated_at=when(project.get("updated_at") or project.get("last_activity_at")),
        remote_data=project,
        name=_text(project.get("name_with_namespace")) or _text(project.get("name")),
        description=_text(project.get("description")) or None,
        collection_type=CollectionType.PROJECT,
        collection_url=_text(project.get("web_url")),
    )


def to_milestone(milestone: dict[str, Any], project: str, provider: str = "gitlab") -> Collection:
    """A project milestone as a collection inside its project."""
    return Collection(
        id=milestone_id(project, milestone),
        remote_id=str(milestone["id"]),
        provider=provider,
        remote_created_at=when(milestone.get("created_at")),
        remote_updated_at=when(milestone.get("updated_at")),
        remote_data=milestone,
        name=_text(milestone.get("title")),
        description=_text(milestone.get("description")) or None,
        collection_type=CollectionType.LIST,
        parent_collection=project,
        collection_url=_text(milestone.get("web_url")),
    )


def to_tag(label: dict[str, Any], project: str, provider: str = "gitlab") -> Tag:
    name = str(label["name"])
    return Tag(
        id=f"{project}/labels/{name}",
        remote_id=str(label["id"]),
        provider=provider,
        remote_data=label,
        name=name,
    )
