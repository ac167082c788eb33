"""Zendesk Support objects as the fake keeps them, and their JSON as the API reference documents it.

Field lists follow Zendesk's API reference (Tickets, Ticket Comments, Ticket Audits, Users, Groups,
Organizations, Tags) and are checked against the ``airbyte-source-zendesk-support`` 4.9.1 schemas at test time.
Timestamps are ISO 8601 in UTC without fractions (``2024-03-01T09:00:00Z``); ids are integers.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")  # Zendesk's order: search compares by it
PRIORITIES = ("low", "normal", "high", "urgent")
TYPES = ("problem", "incident", "question", "task")
CUSTOM_STATUS_IDS = {status: 1_900_000_000_000 + n for n, status in enumerate(STATUSES)}  # the default statuses


def stamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def via(channel: str = "api") -> dict[str, Any]:
    return {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}}


def html_of(text: str) -> str:
    """Zendesk's rendering of a plain-text comment."""
    paragraphs = "".join(f'<p dir="auto">{html.escape(line)}</p>' for line in text.split("\n\n"))
    return f'<div class="zd-comment" dir="auto">{paragraphs}</div>'


def encode_cursor(offset: int) -> str:
    """An opaque cursor naming a position (Zendesk's cursors are opaque base64 strings too)."""
    return base64.urlsafe_b64encode(f"zd:{offset}".encode()).decode().rstrip("=")


def decode_cursor(value: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except ValueError:
        return None
    prefix, _, number = raw.partition(":")
    return int(number) if prefix == "zd" and number.isdigit() else None


@dataclass
class ZUser:
    id: int
    name: str
    email: str
    role: str  # end-user, agent or admin
    created_at: str
    organization_id: int | None = None
    default_group_id: int | None = None
    phone: str | None = None
    details: str = ""
    active: bool = True
    suspended: bool = False


@dataclass
class ZGroup:
    id: int
    name: str
    description: str
    created_at: str
    default: bool = False


@dataclass
class ZOrganization:
    id: int
    name: str
    domain_names: list[str]
    created_at: str
    details: str = ""


@dataclass
class ZComment:
    id: int
    author_id: int
    body: str
    html_body: str
    public: bool
    created_at: str
    audit_id: int
    attachments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ZTicket:
    id: int
    subject: str
    requester_id: int
    submitter_id: int
    created_at: str
    updated_at: str
    status: str = "new"
    priority: str | None = None
    type: str | None = None
    assignee_id: int | None = None
    group_id: int | None = None
    organization_id: int | None = None
    tags: list[str] = field(default_factory=list)
    due_at: str | None = None
    comments: list[ZComment] = field(default_factory=list)
    deleted: bool = False


def user(base: str, item: ZUser) -> dict[str, Any]:
    staff = item.role != "end-user"
    return {
        "id": item.id,
        "url": f"{base}/api/v2/users/{item.id}.json",
        "name": item.name,
        "email": item.email,
        "created_at": item.created_at,
        "updated_at": item.created_at,
        "time_zone": "Eastern Time (US & Canada)",
        "iana_time_zone": "America/New_York",
        "phone": item.phone,
        "shared_phone_number": None,
        "photo": None,
        "locale_id": 1,
        "locale": "en-US",
        "organization_id": item.organization_id,
        "role": item.role,
        "verified": True,
        "external_id": None,
        "tags": [],
        "alias": None,
        "active": item.active,
        "shared": False,
        "shared_agent": False,
        "last_login_at": item.created_at if staff else None,
        "two_factor_auth_enabled": None,
        "signature": None,
        "details": item.details,
        "notes": "",
        "role_type": None,
        "custom_role_id": None,
        "moderator": item.role == "admin",
        "ticket_restriction": None if staff else "requested",
        "only_private_comments": False,
        "restricted_agent": item.role == "agent",
        "suspended": item.suspended,
        "default_group_id": item.default_group_id,
        "report_csv": item.role == "admin",
        "user_fields": {},
    }


def group(base: str, item: ZGroup) -> dict[str, Any]:
    return {
        "url": f"{base}/api/v2/groups/{item.id}.json",
        "id": item.id,
        "is_public": True,
        "name": item.name,
        "description": item.description,
        "default": item.default,
        "deleted": False,
        "created_at": item.created_at,
        "updated_at": item.created_at,
    }


def organization(base: str, item: ZOrganization) -> dict[str, Any]:
    return {
        "url": f"{base}/api/v2/organizations/{item.id}.json",
        "id": item.id,
        "name": item.name,
        "shared_tickets": False,
        "shared_comments": False,
        "external_id": None,
        "created_at": item.created_at,
        "updated_at": item.created_at,
        "domain_names": list(item.domain_names),
        "details": item.details,
        "notes": "",
        "group_id": None,
        "tags": [],
        "organization_fields": {},
    }


def attachment(base: str, attachment_id: int, file_name: str, content_type: str, size: int) -> dict[str, Any]:
    """An attachment of a comment (schema ``shared/attachments.json``), as ``GET .../comments`` lists it."""
    token = f"tok{attachment_id}"
    return {
        "id": attachment_id,
        "url": f"{base}/api/v2/attachments/{attachment_id}.json",
        "file_name": file_name,
        "content_url": f"{base}/attachments/token/{token}/?name={file_name}",
        "mapped_content_url": f"{base}/attachments/token/{token}/?name={file_name}",
        "content_type": content_type,
        "size": size,
        "width": None,
        "height": None,
        "inline": False,
        "deleted": False,
        "malware_access_override": False,
        "malware_scan_result": "malware_not_found",
        "thumbnails": [],
    }


def comment(item: ZComment) -> dict[str, Any]:
    return {
        "id": item.id,
        "type": "Comment",
        "author_id": item.author_id,
        "body": item.body,
        "html_body": item.html_body,
        "plain_body": item.body,
        "public": item.public,
        "attachments": [dict(a) for a in item.attachments],
        "audit_id": item.audit_id,
        "via": via(),
        "created_at": item.created_at,
        "metadata": {"system": {"client": "unigate", "ip_address": "127.0.0.1"}, "custom": {}},
    }


def ticket(base: str, item: ZTicket, *, incremental: bool = False) -> dict[str, Any]:
    first = item.comments[0].body if item.comments else ""
    body: dict[str, Any] = {
        "url": f"{base}/api/v2/tickets/{item.id}.json",
        "id": item.id,
        "external_id": None,
        "via": via(),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "type": item.type,
        "subject": item.subject,
        "raw_subject": item.subject,
        "description": first,
        "priority": item.priority,
        "status": "deleted" if item.deleted else item.status,
        "recipient": None,
        "requester_id": item.requester_id,
        "submitter_id": item.submitter_id,
        "assignee_id": item.assignee_id,
        "organization_id": item.organization_id,
        "group_id": item.group_id,
        "collaborator_ids": [],
        "follower_ids": [],
        "email_cc_ids": [],
        "forum_topic_id": None,
        "problem_id": None,
        "has_incidents": False,
        "is_public": any(c.public for c in item.comments) or not item.comments,
        "due_at": item.due_at,
        "tags": list(item.tags),
        "custom_fields": [],
        "satisfaction_rating": None,
        "sharing_agreement_ids": [],
        "custom_status_id": CUSTOM_STATUS_IDS.get(item.status),
        "fields": [],
        "followup_ids": [],
        "ticket_form_id": 360000000001,
        "brand_id": 360000000002,
        "allow_channelback": False,
        "allow_attachments": True,
        "from_messaging_channel": False,
    }
    if incremental:
        body["generated_timestamp"] = int(parse_stamp(item.updated_at).timestamp())
    return body


def record_invalid(attribute: str, description: str, error: str = "InvalidValue") -> dict[str, Any]:
    """Zendesk's 422 body for a refused attribute."""
    return {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {attribute: [{"description": description, "error": error}]},
    }


NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
