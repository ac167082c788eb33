"""GitLab REST v4 object shapes for the fake, as GitLab's API documentation describes them.

Field names and types follow docs.gitlab.com's REST pages (Issues, Notes, Projects, Users, Project members, Labels,
Milestones); the fake's tests validate the rendered objects against the JSON schemas published in the MIT-licensed
``airbyte-source-gitlab`` wheel (fetched at test time), and notes against ``NOTE_SCHEMA`` below (no published schema
covers notes: it transcribes the Notes page's field list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

#: The Notes API page's fields of an issue note, as a JSON schema (types as documented; ``type`` is null for notes
#: outside threads, ``DiscussionNote`` inside one).
NOTE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "body", "author", "created_at", "updated_at", "system", "noteable_type", "internal"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "type": {"type": ["null", "string"], "enum": [None, "DiscussionNote", "DiffNote"]},
        "body": {"type": "string"},
        "attachment": {"type": ["null", "string"]},
        "author": {
            "type": "object",
            "required": ["id", "username", "name", "state"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "username": {"type": "string"},
                "name": {"type": "string"},
                "state": {"type": "string", "enum": ["active", "blocked", "deactivated"]},
                "avatar_url": {"type": ["null", "string"]},
                "web_url": {"type": "string"},
            },
        },
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "system": {"type": "boolean"},
        "noteable_id": {"type": "integer"},
        "noteable_type": {"type": "string", "enum": ["Issue"]},
        "noteable_iid": {"type": "integer"},
        "project_id": {"type": "integer"},
        "resolvable": {"type": "boolean"},
        "confidential": {"type": "boolean"},
        "internal": {"type": "boolean"},
        "imported": {"type": "boolean"},
        "imported_from": {"type": "string"},
        "commands_changes": {"type": "object"},
    },
}


def stamp(moment: datetime | None = None) -> str:
    """GitLab's timestamp format, e.g. ``2016-01-04T15:31:51.081Z``."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Account:
    id: int
    username: str
    name: str
    email: str
    state: str = "active"
    created_at: str = field(default_factory=stamp)


@dataclass
class Milestone:
    id: int
    iid: int
    project_id: int
    title: str
    due_date: str | None = None
    created_at: str = field(default_factory=stamp)


@dataclass
class Label:
    id: int
    name: str
    color: str = "#6699cc"
    description: str | None = None


@dataclass
class Note:
    id: int
    author: int
    body: str
    system: bool = False
    internal: bool = False
    created_at: str = field(default_factory=stamp)
    updated_at: str = ""

    def __post_init__(self) -> None:
        self.updated_at = self.updated_at or self.created_at


@dataclass
class Issue:
    id: int
    iid: int
    project_id: int
    title: str
    author: int
    description: str | None = None
    state: str = "opened"
    labels: list[str] = field(default_factory=list)
    assignees: list[int] = field(default_factory=list)
    milestone: int | None = None
    due_date: str | None = None
    issue_type: str = "issue"
    confidential: bool = False
    closed_at: str | None = None
    closed_by: int | None = None
    created_at: str = field(default_factory=stamp)
    updated_at: str = ""
    notes: list[Note] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.updated_at = self.updated_at or self.created_at


@dataclass
class Project:
    id: int
    namespace: str
    path: str
    name: str
    description: str = ""
    members: list[int] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    created_at: str = field(default_factory=stamp)
    updated_at: str = ""

    def __post_init__(self) -> None:
        self.updated_at = self.updated_at or self.created_at

    @property
    def full_path(self) -> str:
        return f"{self.namespace}/{self.path}"


def basic_user(web: str, account: Account) -> dict[str, Any]:
    """A user as embedded in issues and notes, and as ``GET /users`` answers callers who are not admins."""
    return {
        "id": account.id,
        "username": account.username,
        "name": account.name,
        "state": account.state,
        "locked": account.state == "blocked",
        "avatar_url": f"https://secure.gravatar.com/avatar/{account.id:032x}?s=80&d=identicon",
        "web_url": f"{web}/{account.username}",
    }


def user(web: str, account: Account) -> dict[str, Any]:
    """``GET /users/:id``: the public profile."""
    return {
        **basic_user(web, account),
        "created_at": account.created_at,
        "bio": "",
        "location": "",
        "public_email": account.email,
        "linkedin": "",
        "twitter": "",
        "discord": "",
        "website_url": "",
        "organization": "",
        "job_title": "",
        "pronouns": None,
        "bot": False,
        "work_information": None,
        "followers": 0,
        "following": 0,
        "local_time": None,
    }


def current_user(web: str, account: Account) -> dict[str, Any]:
    """``GET /user``: the authenticated user, with private fields."""
    return {
        **user(web, account),
        "email": account.email,
        "commit_email": account.email,
        "last_sign_in_at": account.created_at,
        "confirmed_at": account.created_at,
        "last_activity_on": account.created_at[:10],
        "theme_id": 1,
        "color_scheme_id": 1,
        "projects_limit": 100000,
        "current_sign_in_at": account.created_at,
        "identities": [],
        "can_create_group": True,
        "can_create_project": True,
        "two_factor_enabled": False,
        "external": False,
        "private_profile": False,
    }


def member(web: str, account: Account, created_at: str) -> dict[str, Any]:
    """``GET /projects/:id/members/all``: a user with their access level in the project."""
    return {
        **basic_user(web, account),
        "access_level": 30,
        "created_at": created_at,
        "created_by": None,
        "expires_at": None,
        "membership_state": "active",
    }


def project(web: str, api: str, item: Project, open_issues: int) -> dict[str, Any]:
    """``GET /projects`` (``simple=false``) and ``GET /projects/:id``."""
    url = f"{web}/{item.full_path}"
    links = f"{api}/projects/{item.id}"
    return {
        "id": item.id,
        "description": item.description,
        "description_html": f"<p>{item.description}</p>" if item.description else "",
        "name": item.name,
        "name_with_namespace": f"{item.namespace.title()} / {item.name}",
        "path": item.path,
        "path_with_namespace": item.full_path,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "default_branch": "main",
        "tag_list": [],
        "topics": [],
        "ssh_url_to_repo": f"git@{web.split('://', 1)[1]}:{item.full_path}.git",
        "http_url_to_repo": f"{url}.git",
        "web_url": url,
        "readme_url": f"{url}/-/blob/main/README.md",
        "avatar_url": None,
        "forks_count": 0,
        "star_count": 0,
        "last_activity_at": item.updated_at,
        "namespace": {
            "id": item.id * 7,
            "name": item.namespace.title(),
            "path": item.namespace,
            "kind": "group",
            "full_path": item.namespace,
            "parent_id": None,
            "avatar_url": None,
            "web_url": f"{web}/groups/{item.namespace}",
        },
        "container_registry_image_prefix": f"registry.example.com/{item.full_path}",
        "_links": {
            "self": links,
            "issues": f"{links}/issues",
            "merge_requests": f"{links}/merge_requests",
            "repo_branches": f"{links}/repository/branches",
            "labels": f"{links}/labels",
            "events": f"{links}/events",
            "members": f"{links}/members",
            "cluster_agents": f"{links}/cluster_agents",
        },
        "visibility": "private",
        "issues_enabled": True,
        "open_issues_count": open_issues,
        "archived": False,
        "empty_repo": False,
    }


def milestone(web: str, item: Milestone, project_path: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "iid": item.iid,
        "project_id": item.project_id,
        "title": item.title,
        "description": "",
        "state": "active",
        "created_at": item.created_at,
        "updated_at": item.created_at,
        "due_date": item.due_date,
        "start_date": None,
        "expired": False,
        "web_url": f"{web}/{project_path}/-/milestones/{item.iid}",
    }


def label(item: Label, issues: list[Issue]) -> dict[str, Any]:
    """``GET /projects/:id/labels`` (``with_counts`` answers the counts; they are always sent here)."""
    tagged = [i for i in issues if item.name in i.labels]
    return {
        "id": item.id,
        "name": item.name,
        "color": item.color,
        "text_color": "#FFFFFF",
        "description": item.description,
        "description_html": f"<p>{item.description}</p>" if item.description else "",
        "open_issues_count": sum(i.state == "opened" for i in tagged),
        "closed_issues_count": sum(i.state == "closed" for i in tagged),
        "open_merge_requests_count": 0,
        "subscribed": False,
        "priority": None,
        "is_project_label": True,
    }


def issue(web: str, api: str, item: Issue, proj: Project, users: dict[int, Account]) -> dict[str, Any]:
    """An issue as ``GET /projects/:id/issues`` and ``GET /issues`` answer it."""
    assignees = [basic_user(web, users[a]) for a in item.assignees]
    found = next((m for m in proj.milestones if m.id == item.milestone), None)
    links = f"{api}/projects/{proj.id}/issues/{item.iid}"
    return {
        "id": item.id,
        "iid": item.iid,
        "project_id": proj.id,
        "title": item.title,
        "description": item.description,
        "state": item.state,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "closed_by": basic_user(web, users[item.closed_by]) if item.closed_by else None,
        "labels": list(item.labels),
        "milestone": milestone(web, found, proj.full_path) if found else None,
        "assignees": assignees,
        "author": basic_user(web, users[item.author]),
        "type": item.issue_type.upper(),
        "assignee": assignees[0] if assignees else None,
        "user_notes_count": sum(not n.system for n in item.notes),
        "merge_requests_count": 0,
        "upvotes": 0,
        "downvotes": 0,
        "due_date": item.due_date,
        "confidential": item.confidential,
        "discussion_locked": None,
        "issue_type": item.issue_type,
        "web_url": f"{web}/{proj.full_path}/-/issues/{item.iid}",
        "time_stats": {
            "time_estimate": 0,
            "total_time_spent": 0,
            "human_time_estimate": None,
            "human_total_time_spent": None,
        },
        "task_completion_status": {"count": 0, "completed_count": 0},
        "blocking_issues_count": 0,
        "has_tasks": True,
        "task_status": "0 of 0 checklist items completed",
        "_links": {
            "self": links,
            "notes": f"{links}/notes",
            "award_emoji": f"{links}/award_emoji",
            "project": f"{api}/projects/{proj.id}",
            "closed_as_duplicate_of": None,
        },
        "references": {"short": f"#{item.iid}", "relative": f"#{item.iid}", "full": f"{proj.full_path}#{item.iid}"},
        "severity": "UNKNOWN",
        "subscribed": True,
        "moved_to_id": None,
        "imported": False,
        "imported_from": "none",
        "service_desk_reply_to": None,
    }


def note(web: str, item: Note, parent: Issue, users: dict[int, Account]) -> dict[str, Any]:
    return {
        "id": item.id,
        "type": None,
        "body": item.body,
        "attachment": None,
        "author": basic_user(web, users[item.author]),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "system": item.system,
        "noteable_id": parent.id,
        "noteable_type": "Issue",
        "project_id": parent.project_id,
        "resolvable": False,
        "confidential": item.internal,
        "internal": item.internal,
        "imported": False,
        "imported_from": "none",
        "noteable_iid": parent.iid,
        "commands_changes": {},
    }


def encoded(path: str) -> str:
    """A project path as GitLab wants it in a URL: ``group%2Fproject``."""
    return quote(path, safe="")
