"""Realistic unified objects, as provider plugins would map them; shared by the tests of ``unified_models``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from unified_models import (
    Account,
    Attachment,
    Collection,
    CollectionType,
    Comment,
    CommentCreate,
    Contact,
    FieldWarning,
    Page,
    RemoteObject,
    Tag,
    Team,
    Ticket,
    TicketCreate,
    TicketPriority,
    TicketStatus,
    TicketUpdate,
    User,
)

CREATED = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
UPDATED = datetime(2024, 3, 4, 17, 5, 12, tzinfo=UTC)

GITHUB_ISSUE = {
    "id": 2154869201,
    "number": 42,
    "title": "Crash on empty config",
    "state": "closed",
    "state_reason": "not_planned",
    "html_url": "https://github.com/octo/hello/issues/42",
    "labels": [{"name": "bug"}],
}


def github_ticket() -> Ticket:
    return Ticket(
        id="octo/hello#42",
        remote_id="2154869201",
        provider="github",
        remote_created_at=CREATED,
        remote_updated_at=UPDATED,
        remote_data=GITHUB_ISSUE,
        name="Crash on empty config",
        description="Steps:\n\n1. `touch config.yaml`\n2. run `hello`",
        status=TicketStatus.CLOSED,
        remote_status="closed:not_planned",
        assignees=["octocat"],
        creator="hubot",
        collections=["octo/hello"],
        tags=["bug"],
        completed_at=UPDATED,
        ticket_url="https://github.com/octo/hello/issues/42",
    )


def jira_ticket() -> Ticket:
    return Ticket.model_validate(
        {
            "id": "10042",
            "remote_id": "10042",
            "provider": "jira",
            "remote_created_at": "2024-03-01T10:30:00.000+0100",
            "remote_updated_at": "2024-03-02T08:00:00Z",
            "name": "Export fails for large boards",
            "description": "The CSV export times out above 5000 issues.",
            "status": "IN_PROGRESS",
            "remote_status": "In Review",
            "priority": "HIGH",
            "remote_priority": "High",
            "ticket_type": "Bug",
            "assignees": ["5b10ac8d82e05b22cc7d4ef5"],
            "creator": "5b10a2844c20165700ede21g",
            "collections": ["10000"],
            "parent_ticket": "10040",
            "tags": ["export", "performance"],
            "attachments": ["10210"],
            "due_date": "2024-03-15T00:00:00Z",
            "ticket_url": "https://acme.atlassian.net/browse/KAN-42",
            "field_mappings": {"story_points": 5},
        }
    )


def zendesk_ticket() -> Ticket:
    return Ticket(
        id="35436",
        remote_id="35436",
        provider="zendesk",
        name="Help, my printer is on fire!",
        description="The fire is very colorful.",
        description_html="<p>The fire is very colorful.</p>",
        status=TicketStatus.ON_HOLD,
        remote_status="pending",
        priority=TicketPriority.URGENT,
        remote_priority="urgent",
        ticket_type="incident",
        assigned_teams=["98738"],
        contact="20978392",
        account="509974",
    )


def all_objects() -> list[RemoteObject]:
    """One realistic instance of every unified object."""
    return [
        github_ticket(),
        jira_ticket(),
        zendesk_ticket(),
        Comment(
            id="octo/hello#42/comments/1",
            remote_id="1",
            provider="github",
            remote_created_at=CREATED,
            ticket="octo/hello#42",
            body="Reproduced on **main**.",
            user="octocat",
        ),
        Comment(
            id="4242",
            remote_id="4242",
            provider="zendesk",
            ticket="35436",
            body="Customer called twice.",
            html_body="<p>Customer called twice.</p>",
            is_private=True,
            user="235323",
            attachments=["498483"],
        ),
        User(
            id="octocat",
            remote_id="583231",
            provider="github",
            name="The Octocat",
            username="octocat",
            email_address="octocat@github.com",
            is_active=True,
            avatar="https://avatars.githubusercontent.com/u/583231?v=4",
            teams=["octo/core"],
        ),
        Collection(
            id="octo/hello",
            remote_id="1296269",
            provider="github",
            name="octo/hello",
            description="My first repository",
            collection_type=CollectionType.REPOSITORY,
            collection_url="https://github.com/octo/hello",
        ),
        Collection(
            id="ENG",
            remote_id="9cfb482a-81e3-4154-b5b9-2c805e70a02d",
            provider="linear",
            name="Engineering",
            collection_type=CollectionType.TEAM,
        ),
        Tag(id="bug", remote_id="208045946", provider="github", name="bug"),
        Attachment(
            id="498483",
            remote_id="498483",
            provider="zendesk",
            file_name="crash.png",
            file_url="https://company.zendesk.com/attachments/crash.png",
            content_type="image/png",
            uploaded_by="235323",
            ticket="35436",
            comment="4242",
        ),
        Team(id="98738", remote_id="98738", provider="zendesk", name="Tier 2", description="Escalations"),
        Account(id="509974", remote_id="509974", provider="zendesk", name="Acme", domains=["acme.com", "acme.io"]),
        Contact(
            id="20978392",
            remote_id="20978392",
            provider="zendesk",
            name="Jane Roe",
            email_address="jane@acme.com",
            phone_number="+15551234567",
            details="VIP",
            account="509974",
        ),
    ]


def all_inputs() -> list[BaseModel]:
    """One realistic instance of every input model."""
    return [
        TicketCreate(name="Crash on empty config", collections=["octo/hello"], tags=["bug"], assignees=["octocat"]),
        TicketUpdate(status=TicketStatus.CLOSED, assignees=[]),
        CommentCreate(ticket="octo/hello#42", body="Fixed in #43."),
    ]


def ticket_page() -> Page[Ticket]:
    return Page[Ticket](
        data=[github_ticket(), jira_ticket()],
        next_cursor="eyJwYWdlIjogMn0=",
        warnings=[FieldWarning(field="priority", message="GitHub issues have no priority")],
    )


def dump(model: BaseModel) -> dict[str, Any]:
    """JSON form of a model, as the API would answer it."""
    return model.model_dump(mode="json")
