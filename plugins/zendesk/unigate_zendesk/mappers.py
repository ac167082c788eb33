"""Pure mappings from Zendesk Support payloads to unified models (no I/O; the property tests drive them).

Every function accepts what Zendesk may send, nulls included: a value of an unexpected type is read as missing
rather than failing the whole page. Ids are Zendesk's numeric ids as strings; a comment's id is
``<ticket id>/comments/<comment id>``; a tag's id is its name.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from unified_models import Account, Comment, Contact, Tag, Team, Ticket, TicketPriority, TicketStatus, User

STATUS = {
    "new": TicketStatus.OPEN,
    "open": TicketStatus.OPEN,
    "pending": TicketStatus.ON_HOLD,  # waiting on the requester
    "hold": TicketStatus.ON_HOLD,  # waiting on a third party
    "solved": TicketStatus.CLOSED,
    "closed": TicketStatus.CLOSED,
}
PRIORITY = {
    "urgent": TicketPriority.URGENT,
    "high": TicketPriority.HIGH,
    "normal": TicketPriority.NORMAL,
    "low": TicketPriority.LOW,
}
_API_URL = re.compile(r"^(https?://[^/]+)/api/v2/tickets/(\d+)(?:\.json)?$")


def when(value: Any) -> datetime | None:
    """A Zendesk timestamp (``2024-03-01T09:00:00Z``) as an aware UTC datetime; None if absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def ref(value: Any) -> str | None:
    """A Zendesk id (an integer) as a string; None for null or anything else."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None


def text(value: Any) -> str | None:
    """A non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def _strings(values: Any) -> list[str]:
    return [v for v in values if isinstance(v, str) and v] if isinstance(values, list) else []


def _refs(values: Any) -> list[str]:
    return [r for r in (ref(v) for v in values) if r] if isinstance(values, list) else []


def _required_id(payload: dict[str, Any], what: str) -> str:
    found = ref(payload.get("id"))
    if found is None:
        raise ValueError(f"a Zendesk {what} without an id cannot be mapped")
    return found


def _envelope(record: dict[str, Any], what: str, provider: str) -> dict[str, Any]:
    """The envelope fields of a record whose unified id is its Zendesk id."""
    record_id = _required_id(record, what)
    return {
        "id": record_id,
        "remote_id": record_id,
        "provider": provider,
        "remote_created_at": when(record.get("created_at")),
        "remote_updated_at": when(record.get("updated_at")),
        "remote_data": record,
    }


def ticket_url(api_url: Any, ticket_id: str) -> str | None:
    """The agent's web page of a ticket, from the API ``url`` Zendesk sends with it."""
    found = _API_URL.match(api_url) if isinstance(api_url, str) else None
    return f"{found.group(1)}/agent/tickets/{ticket_id}" if found else None


def to_ticket(ticket: dict[str, Any], provider: str = "zendesk") -> Ticket:
    envelope = _envelope(ticket, "ticket", provider)
    ticket_id = envelope["id"]
    status, priority = text(ticket.get("status")), text(ticket.get("priority"))
    assignee, group = ref(ticket.get("assignee_id")), ref(ticket.get("group_id"))
    return Ticket(
        **envelope,
        name=text(ticket.get("subject")) or text(ticket.get("raw_subject")),
        description=text(ticket.get("description")),
        status=STATUS.get(status or ""),
        remote_status=status,
        priority=PRIORITY.get(priority or ""),
        remote_priority=priority,
        ticket_type=text(ticket.get("type")),
        assignees=[assignee] if assignee else [],
        assigned_teams=[group] if group else [],
        contact=ref(ticket.get("requester_id")),
        account=ref(ticket.get("organization_id")),
        parent_ticket=ref(ticket.get("problem_id")),  # an incident's problem ticket
        tags=_strings(ticket.get("tags")),
        due_date=when(ticket.get("due_at")),
        creator=ref(ticket.get("submitter_id")),
        ticket_url=ticket_url(ticket.get("url"), ticket_id),
    )


def to_comment(comment: dict[str, Any], ticket: str, provider: str = "zendesk") -> Comment:
    comment_id = _required_id(comment, "comment")
    public = comment.get("public")
    attachments = comment.get("attachments")
    return Comment(
        id=f"{ticket}/comments/{comment_id}",
        remote_id=comment_id,
        provider=provider,
        remote_created_at=when(comment.get("created_at")),
        remote_data=comment,
        ticket=ticket,
        body=text(comment.get("plain_body")) or text(comment.get("body")),
        html_body=text(comment.get("html_body")),
        is_private=(not public) if isinstance(public, bool) else None,
        user=ref(comment.get("author_id")),
        attachments=_refs([a.get("id") for a in attachments if isinstance(a, dict)])
        if isinstance(attachments, list)
        else [],
    )


def _avatar(user: dict[str, Any]) -> str | None:
    photo = user.get("photo")
    return text(photo.get("content_url")) if isinstance(photo, dict) else None


def to_user(user: dict[str, Any], provider: str = "zendesk") -> User:
    active, suspended = user.get("active"), user.get("suspended")
    return User(
        **_envelope(user, "user", provider),
        name=text(user.get("name")),
        email_address=text(user.get("email")),
        is_active=(active and suspended is not True) if isinstance(active, bool) else None,
        avatar=_avatar(user),
        teams=[ref(user.get("default_group_id"))] if ref(user.get("default_group_id")) else [],
    )


def to_contact(user: dict[str, Any], provider: str = "zendesk") -> Contact:
    return Contact(
        **_envelope(user, "user", provider),
        name=text(user.get("name")),
        email_address=text(user.get("email")),
        phone_number=text(user.get("phone")),
        details=text(user.get("details")) or text(user.get("notes")),
        account=ref(user.get("organization_id")),
    )


def to_team(group: dict[str, Any], provider: str = "zendesk") -> Team:
    return Team(
        **_envelope(group, "group", provider),
        name=text(group.get("name")),
        description=text(group.get("description")),
    )


def to_account(organization: dict[str, Any], provider: str = "zendesk") -> Account:
    return Account(
        **_envelope(organization, "organization", provider),
        name=text(organization.get("name")),
        domains=_strings(organization.get("domain_names")),
    )


def to_tag(tag: dict[str, Any], provider: str = "zendesk") -> Tag:
    name = text(tag.get("name"))
    if name is None:
        raise ValueError("a Zendesk tag without a name cannot be mapped")
    return Tag(id=name, remote_id=name, provider=provider, remote_data=tag, name=name)
