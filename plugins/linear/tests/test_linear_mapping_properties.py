"""Property tests: Linear GraphQL answers generated from the schema and the plugin's own queries, through every mapper.

The schema is the SDL the fake serves (``linear_schema.SDL``, checked against ``@linear/sdk`` typings by
``test_fake_linear.py``); each plugin query string is parsed with graphql-core and an answer is generated for exactly
the selection set it requests, respecting every field's type, list-ness and nullability. Each generated answer is
checked by executing the query over it (graphql-core's default resolvers): no error and the same data back. Only what
Linear really guarantees is pinned: ids are UUIDs, timestamps ``2024-01-02T03:04:05.678Z``, ``dueDate``
``2024-01-02``, ``priority`` 0 to 4, label names non-empty; ``WorkflowState.type`` is drawn from Linear's documented
types or any other string.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    build_schema,
    execute_sync,
    parse,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from linear_schema import SDL
from pydantic import BaseModel
from unigate_linear import attachments, collections, comments, tickets, users

from unified_models import CollectionType, TicketPriority, TicketStatus

PROPERTY = settings(max_examples=50, deadline=None)
PROVIDER = "linear"
STATE_TYPES = {  # Linear's documented workflow state types
    "triage": TicketStatus.OPEN,
    "backlog": TicketStatus.OPEN,
    "unstarted": TicketStatus.OPEN,
    "started": TicketStatus.IN_PROGRESS,
    "completed": TicketStatus.CLOSED,
    "canceled": TicketStatus.CLOSED,
}
PRIORITIES = {0: None, 1: "URGENT", 2: "HIGH", 3: "NORMAL", 4: "LOW"}

MOMENTS = st.datetimes(datetime(2019, 1, 1), datetime(2100, 1, 1))
SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "ID": st.uuids().map(str),
    "String": st.text(),
    "Boolean": st.booleans(),
    "Int": st.integers(-(2**31), 2**31 - 1),
    "Float": st.floats(allow_nan=False, allow_infinity=False),
    "DateTime": MOMENTS.map(lambda moment: moment.isoformat(timespec="milliseconds") + "Z"),
    "TimelessDate": st.dates(date(2019, 1, 1), date(2100, 1, 1)).map(date.isoformat),
    "JSONObject": st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
}
PINNED: dict[tuple[str, str], st.SearchStrategy[Any]] = {  # (type, field) -> what Linear guarantees
    ("Issue", "priority"): st.sampled_from([0.0, 1.0, 2.0, 3.0, 4.0]),
    ("WorkflowState", "type"): st.sampled_from(list(STATE_TYPES)) | st.text(),
    ("IssueLabel", "name"): st.text(min_size=1),
}


@cache
def schema() -> GraphQLSchema:
    return build_schema(SDL)


def answers(kind: GraphQLOutputType, selection: SelectionSetNode | None, owner: str, field: str) -> Any:
    """Values GraphQL may answer for ``owner.field`` of type ``kind`` with the sub-selection ``selection``."""
    if isinstance(kind, GraphQLNonNull):
        return present(kind.of_type, selection, owner, field)
    return st.none() | present(kind, selection, owner, field)


def present(kind: GraphQLOutputType, selection: SelectionSetNode | None, owner: str, field: str) -> Any:
    if isinstance(kind, GraphQLList):
        return st.lists(answers(kind.of_type, selection, owner, field), max_size=3)
    if isinstance(kind, GraphQLObjectType):
        assert selection is not None, f"{owner}.{field} needs a selection set"
        return objects(kind, selection)
    if isinstance(kind, GraphQLEnumType):
        return st.sampled_from(list(kind.values))
    assert isinstance(kind, GraphQLScalarType), f"{owner}.{field}: {kind} is not generated here"
    return PINNED.get((owner, field), SCALARS[kind.name])


def objects(kind: GraphQLObjectType, selection: SelectionSetNode) -> st.SearchStrategy[dict[str, Any]]:
    """Objects of ``kind`` with exactly the fields ``selection`` asks for (under their aliases)."""
    fields: dict[str, Any] = {}
    for node in selection.selections:
        assert isinstance(node, FieldNode), "the plugin's queries use plain fields only"
        name = node.name.value
        fields[node.alias.value if node.alias else name] = answers(
            kind.fields[name].type, node.selection_set, kind.name, name
        )
    return st.fixed_dictionaries(fields)


def data_for(query: str) -> st.SearchStrategy[dict[str, Any]]:
    """The ``data`` of answers to ``query``, each checked by executing the query over it."""
    document = parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)

    def conform(data: dict[str, Any]) -> dict[str, Any]:
        result = execute_sync(schema(), document, root_value=data, variable_values=variables(operation))
        assert not result.errors and result.data == data, result.errors
        return data

    def build() -> st.SearchStrategy[dict[str, Any]]:
        root = schema().mutation_type if operation.operation == OperationType.MUTATION else schema().query_type
        assert root is not None
        return objects(root, operation.selection_set).map(conform)

    return st.deferred(build)


def variables(operation: OperationDefinitionNode) -> dict[str, Any]:
    """Values for the operation's required variables (the answer does not depend on them here)."""
    values: dict[str, Any] = {"id": "x", "input": {}}
    required = [d.variable.name.value for d in operation.variable_definitions or () if d.type.kind == "non_null_type"]
    return {name: values[name] for name in required}


def round_trips(model: BaseModel) -> dict[str, Any]:
    """The model's JSON form, after checking it validates back into an equal model."""
    dumped = model.model_dump(mode="json")
    assert type(model).model_validate(dumped) == model
    return dumped


def moment(value: str | None) -> datetime | None:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) if value else None


@PROPERTY
@given(data_for(tickets.LIST_QUERY), data_for(tickets.GET_QUERY))
def test_issues_map_to_tickets(listed: dict[str, Any], fetched: dict[str, Any]) -> None:
    for issue in [*listed["issues"]["nodes"], fetched["issue"]]:
        ticket = tickets.to_ticket(issue, PROVIDER)
        dumped = round_trips(ticket)
        assert ticket.id == ticket.remote_id == issue["id"]
        assert dumped["status"] == STATE_TYPES.get(issue["state"]["type"])  # completed/canceled => CLOSED
        assert dumped["priority"] == PRIORITIES[int(issue["priority"])]  # 1 => URGENT, 0 => none
        assert dumped["priority"] in {None, *TicketPriority}
        assert ticket.remote_priority == str(int(issue["priority"]))
        project = [issue["project"]["id"]] if issue["project"] else []
        assert ticket.collections == [issue["team"]["id"], *project]
        assert ticket.tags == [label["name"] for label in issue["labels"]["nodes"]]
        assert ticket.assignees == ([issue["assignee"]["id"]] if issue["assignee"] else [])
        assert ticket.completed_at == moment(issue["completedAt"] or issue["canceledAt"])
        assert (ticket.due_date.date().isoformat() if ticket.due_date else None) == issue["dueDate"]


@PROPERTY
@given(data_for(comments.LIST_QUERY), data_for(comments.CREATE))
def test_comments_map_to_comments(listed: dict[str, Any], created: dict[str, Any]) -> None:
    issue = listed["issue"]
    pairs = [(c, issue["id"]) for c in issue["comments"]["nodes"]]
    comment = created["commentCreate"]["comment"]
    for item, ticket in [*pairs, (comment, (comment["issue"] or {}).get("id") or "ENG-1")]:
        mapped = comments.to_comment(item, ticket, PROVIDER)
        round_trips(mapped)
        assert (mapped.id, mapped.remote_id, mapped.ticket) == (item["id"], item["id"], ticket)
        assert (mapped.body, mapped.user) == (item["body"], (item["user"] or {}).get("id"))
        assert mapped.remote_created_at == moment(item["createdAt"])


@PROPERTY
@given(data_for(users.USERS))
def test_users_map_to_users(data: dict[str, Any]) -> None:
    for user in data["users"]["nodes"]:
        mapped = users.to_user(user, PROVIDER)
        round_trips(mapped)
        assert mapped.id == mapped.remote_id == user["id"]
        assert (mapped.name, mapped.username, mapped.email_address) == (
            user["name"],
            user["displayName"],
            user["email"],
        )
        assert (mapped.is_active, mapped.avatar) == (user["active"], user["avatarUrl"])


@PROPERTY
@given(data_for(users.LABELS))
def test_labels_map_to_tags(data: dict[str, Any]) -> None:
    for label in data["issueLabels"]["nodes"]:
        tag = users.to_tag(label, PROVIDER)
        round_trips(tag)
        assert (tag.id, tag.remote_id, tag.name) == (label["id"], label["id"], label["name"])


@PROPERTY
@given(data_for(collections.TEAMS), data_for(collections.PROJECTS))
def test_teams_and_projects_map_to_collections(teams: dict[str, Any], projects: dict[str, Any]) -> None:
    kinds = [(n, CollectionType.TEAM) for n in teams["teams"]["nodes"]]
    for node, kind in [*kinds, *((n, CollectionType.PROJECT) for n in projects["projects"]["nodes"])]:
        collection = collections.to_collection(node, kind, PROVIDER)
        dumped = round_trips(collection)
        assert dumped["collection_type"] == kind
        assert collection.id == collection.remote_id == node["id"]
        assert (collection.name, collection.description) == (node["name"], node["description"] or None)
        assert collection.collection_url == node.get("url")  # teams have none in the query


@PROPERTY
@given(data_for(attachments.LIST_QUERY), data_for(attachments.GET_QUERY))
def test_attachments_map_to_attachments(listed: dict[str, Any], fetched: dict[str, Any]) -> None:
    nodes = [*listed["issue"]["attachments"]["nodes"], fetched["attachment"]]
    for node in nodes:
        attachment = attachments.to_attachment(node, "linear")
        round_trips(attachment)
        assert (attachment.id, attachment.ticket) == (node["id"], node["issue"]["id"])
        assert (attachment.file_url, attachment.file_name) == (node["url"] or None, node["title"] or None)
        assert attachment.uploaded_by == (node["creator"] or {}).get("id")
        assert attachment.remote_created_at == moment(node["createdAt"])
