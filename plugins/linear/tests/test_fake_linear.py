"""The Linear fake against the GraphQL types published in ``@linear/sdk@98.0.0``.

The package is fetched from npm at test time into a cache outside the repository (``UNIGATE_TEST_CACHE``, default
``~/.cache/unigate-tests``); only ``dist/index-*.d.mts`` is extracted. The fake's SDL must agree with it on every
field it declares: name, named type, list-ness and nullability, and on query, mutation and connection arguments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fake_linear import FakeLinear
from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLType,
    get_named_type,
)

from gateway.testing.npm_cache import npm_member

SDK = ("@linear/sdk", "98.0.0")


def sdk_typings() -> str:
    """The SDK's generated GraphQL typings (``dist/index-<hash>.d.mts``), extracted once into the cache."""
    dist = npm_member(*SDK, "package/dist")
    return sorted(dist.glob("index-*.d.mts"))[0].read_text()


def ts_types(source: str) -> dict[str, dict[str, tuple[str, bool, bool]]]:
    """``type X = [Node &] { field?: Maybe<Array<Scalars["ID"]>>; ... }`` as {X: {field: (named, list, non_null)}}."""
    types: dict[str, dict[str, tuple[str, bool, bool]]] = {}
    for match in re.finditer(r"^type (\w+) = (?:\w+ & )?\{\n(.*?)^\};", source, re.M | re.S):
        fields = {}
        body = re.sub(r"/\*\*.*?\*/", "", match.group(2), flags=re.S)
        for line in body.splitlines():
            field = re.match(r"\s*(\w+)(\??): (.+);$", line)
            if not field or field.group(1) == "__typename":
                continue
            text, optional = field.group(3), bool(field.group(2))
            nullable = optional or text.startswith(("Maybe<", "InputMaybe<"))
            text = re.sub(r"^(?:Input)?Maybe<(.*)>$", r"\1", text)
            is_list = text.startswith("Array<")
            named = re.sub(r'Array<|>|Scalars\["(\w+)"\]', lambda m: m.group(1) or "", text).strip()
            fields[field.group(1)] = (named, is_list, not nullable)
        types[match.group(1).lower()] = fields
    return types


def sdl_shape(kind: GraphQLType) -> tuple[str, bool, bool]:
    non_null = isinstance(kind, GraphQLNonNull)
    inner = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
    return get_named_type(kind).name, isinstance(inner, GraphQLList), non_null


def test_schema_mirrors_the_sdk_typings() -> None:
    published = ts_types(sdk_typings())
    schema = FakeLinear().schema
    checked = 0
    for name, kind in schema.type_map.items():
        if name.startswith("__") or not isinstance(kind, GraphQLObjectType | GraphQLInputObjectType):
            continue
        theirs = published[name.lower()]
        for field_name, field in kind.fields.items():
            assert field_name in theirs, f"{name}.{field_name} is not in @linear/sdk"
            ours, expected = sdl_shape(field.type), theirs[field_name]
            assert ours[0].lower() == expected[0].lower() and ours[1:] == expected[1:], f"{name}.{field_name}"
            args = getattr(field, "args", {})
            if args:
                arg_type = published[f"{name}{field_name[0].upper()}{field_name[1:]}Args".lower()]
                for arg_name, arg in args.items():
                    assert arg_name in arg_type, f"{name}.{field_name}({arg_name})"
                    got, want = sdl_shape(arg.type), arg_type[arg_name]
                    assert got[0].lower() == want[0].lower() and got[1:] == want[1:], f"{name}.{field_name}({arg_name})"
            checked += 1
    assert checked > 150


@pytest.fixture
def fake() -> Iterator[FakeLinear]:
    linear = FakeLinear()
    ada = linear.add_user("Ada Lovelace", admin=True)
    linear.add_user("Grace Hopper")
    eng = linear.add_team("ENG", "Engineering")
    linear.add_team("OPS", "Operations")
    linear.add_label("bug", team=eng)
    linear.add_project("Launch")
    start = datetime(2024, 3, 1, 9, tzinfo=UTC)
    for n in range(7):
        stamp = (start + timedelta(hours=n)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        linear.add_issue(eng, f"Issue {n + 1}", ada, createdAt=stamp, updatedAt=stamp)
    with linear.run():
        yield linear


def user(fake: FakeLinear, name: str) -> dict[str, Any]:
    return next(u for u in fake.users.values() if u["name"] == name)


@pytest.fixture
def client(fake: FakeLinear) -> Iterator[httpx.Client]:
    token = fake.oauth_token_for(user(fake, "Ada Lovelace"))
    with httpx.Client(base_url=fake.base_url, headers={"authorization": f"Bearer {token}"}, timeout=10) as c:
        yield c


def gql(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


ISSUES = """query Issues($first: Int, $after: String, $filter: IssueFilter) {
  issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt) {
    nodes { id identifier title updatedAt priorityLabel state { name type } team { key } labels { nodes { name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def test_issues_paginate_by_cursor_with_filters(fake: FakeLinear, client: httpx.Client) -> None:
    seen, after, pages = [], None, 0
    while True:
        issues = gql(client, ISSUES, first=3, after=after, filter={"updatedAt": {"gt": "2024-03-01T10:30:00.000Z"}})
        seen += [n["identifier"] for n in issues["issues"]["nodes"]]
        pages += 1
        if not issues["issues"]["pageInfo"]["hasNextPage"]:
            break
        after = issues["issues"]["pageInfo"]["endCursor"]
    assert seen == ["ENG-7", "ENG-6", "ENG-5", "ENG-4", "ENG-3"] and pages == 2
    by_team = gql(client, ISSUES, filter={"team": {"key": {"eq": "OPS"}}})
    assert by_team["issues"]["nodes"] == []
    todo = gql(client, ISSUES, filter={"state": {"type": {"in": ["unstarted"]}}})
    assert len(todo["issues"]["nodes"]) == 7 and todo["issues"]["nodes"][0]["state"] == {
        "name": "Todo",
        "type": "unstarted",
    }


def test_create_update_and_comment(fake: FakeLinear, client: httpx.Client) -> None:
    eng = next(t for t in fake.teams.values() if t["key"] == "ENG")
    bug = next(iter(fake.labels.values()))
    created = gql(
        client,
        """mutation($input: IssueCreateInput!) {
      issueCreate(input: $input) {
        success lastSyncId issue { id identifier number priority priorityLabel url creator { name isMe } }
      }
    }""",
        input={"teamId": eng["id"], "title": "Crash on save", "priority": 1, "labelIds": [bug["id"]]},
    )["issueCreate"]
    assert (
        created["success"]
        and created["issue"]["identifier"] == "ENG-8"
        and created["issue"]["priorityLabel"] == "Urgent"
    )
    assert created["issue"]["creator"] == {"name": "Ada Lovelace", "isMe": True}
    listed = gql(client, ISSUES, first=1)["issues"]["nodes"][0]
    assert listed["identifier"] == "ENG-8" and listed["labels"]["nodes"] == [{"name": "bug"}]

    review = fake.state_named(eng, "In Review")
    done = fake.state_named(eng, "Done")
    update = """mutation($id: String!, $input: IssueUpdateInput!) {
      issueUpdate(id: $id, input: $input) { success issue { state { name type } startedAt completedAt } } }"""
    moved = gql(client, update, id="ENG-8", input={"stateId": review["id"]})["issueUpdate"]["issue"]
    assert moved["state"] == {"name": "In Review", "type": "started"} and moved["completedAt"] is None
    closed = gql(client, update, id=created["issue"]["id"], input={"stateId": done["id"]})["issueUpdate"]["issue"]
    assert closed["state"]["type"] == "completed" and closed["completedAt"] and closed["startedAt"]

    comment = gql(
        client,
        """mutation($input: CommentCreateInput!) {
      commentCreate(input: $input) { success comment { id body user { name } issue { identifier } } } }""",
        input={"issueId": "ENG-8", "body": "Fixed in **1.2**"},
    )["commentCreate"]
    assert (
        comment["comment"]["issue"] == {"identifier": "ENG-8"} and comment["comment"]["user"]["name"] == "Ada Lovelace"
    )
    issue = gql(
        client, """query($id: String!) { issue(id: $id) { identifier comments { nodes { body } } } }""", id="ENG-8"
    )
    assert issue["issue"]["comments"]["nodes"] == [{"body": "Fixed in **1.2**"}]


def test_reference_data(fake: FakeLinear, client: httpx.Client) -> None:
    data = gql(
        client,
        """{ viewer { id name email isMe organization { urlKey } }
      users { nodes { name } } teams { nodes { key states { nodes { name } } } } projects { nodes { name url } }
      issueLabels { nodes { name team { key } } }
      workflowStates(filter: {team: {key: {eq: "ENG"}}}) { nodes { name type position } } }""",
    )
    assert data["viewer"]["name"] == "Ada Lovelace" and data["viewer"]["isMe"] is True
    assert [u["name"] for u in data["users"]["nodes"]] == ["Ada Lovelace", "Grace Hopper"]
    assert [t["key"] for t in data["teams"]["nodes"]] == ["ENG", "OPS"]
    assert data["projects"]["nodes"][0]["url"].startswith("https://linear.app/acme/project/")
    assert data["issueLabels"]["nodes"] == [{"name": "bug", "team": {"key": "ENG"}}]
    states = {s["name"]: s["type"] for s in data["workflowStates"]["nodes"]}
    assert states == {
        "Backlog": "backlog",
        "Todo": "unstarted",
        "In Progress": "started",
        "In Review": "started",
        "Done": "completed",
        "Canceled": "canceled",
    }


def test_errors_are_linear_shaped(fake: FakeLinear, client: httpx.Client) -> None:
    missing = client.post("/graphql", json={"query": '{ issue(id: "ENG-999") { id } }'}).json()
    assert missing["data"] is None and missing["errors"][0]["message"] == "Entity not found: Issue"
    assert missing["errors"][0]["extensions"]["type"] == "invalid input"
    invalid = client.post("/graphql", json={"query": "{ issues { nope } }"})
    assert (
        invalid.status_code == 400 and invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    )


def test_oauth_tokens_and_api_keys(fake: FakeLinear) -> None:
    grace = user(fake, "Grace Hopper")
    key = fake.api_key_for(grace)
    query = {"query": "{ viewer { name } }"}
    assert httpx.post(f"{fake.base_url}/graphql", json=query, headers={"authorization": key}).json()["data"] == {
        "viewer": {"name": "Grace Hopper"}
    }
    for header in (f"Bearer {key}", fake.oauth_token_for(grace), "lin_api_unknown", ""):
        rejected = httpx.post(f"{fake.base_url}/graphql", json=query, headers={"authorization": header})
        error = rejected.json()["errors"][0]
        assert rejected.status_code == 400 and error["extensions"]["code"] == "AUTHENTICATION_ERROR"
        assert error["extensions"]["type"] == "authentication error"
    token = fake.oauth_token_for(grace)
    assert (
        httpx.post(f"{fake.base_url}/graphql", json=query, headers={"authorization": f"Bearer {token}"}).status_code
        == 200
    )
    fake.expire_token(token)
    expired = httpx.post(f"{fake.base_url}/graphql", json=query, headers={"authorization": f"Bearer {token}"})
    assert (
        expired.status_code == 400
        and expired.json()["errors"][0]["message"] == "Authentication required, not authenticated"
    )
    assert all("authorization" not in r.headers for r in fake.requests)


def test_rate_limit_switch(fake: FakeLinear, client: httpx.Client) -> None:
    ok = client.post("/graphql", json={"query": "{ viewer { id } }"})
    assert int(ok.headers["x-ratelimit-requests-remaining"]) < fake.requests_limit
    fake.fail_next(1)
    limited = client.post("/graphql", json={"query": "{ viewer { id } }"})
    assert limited.status_code == 400 and limited.json()["errors"][0]["extensions"]["code"] == "RATELIMITED"
    assert limited.headers["x-ratelimit-requests-remaining"] == "0"
    assert int(limited.headers["x-ratelimit-requests-reset"]) > datetime.now(UTC).timestamp() * 1000  # epoch ms
    assert client.post("/graphql", json={"query": "{ viewer { id } }"}).status_code == 200


def test_oauth_code_exchange_and_rotating_refresh(fake: FakeLinear) -> None:
    base, grace = fake.base_url, user(fake, "Grace Hopper")
    params = {
        "client_id": fake.client_id,
        "redirect_uri": "http://127.0.0.1/cb",
        "scope": "read,write",
        "state": "st",
        "response_type": "code",
        "prompt": "consent",
        "user_id": grace["id"],
    }
    location = httpx.get(f"{base}/oauth/authorize", params=params).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    creds = {"client_id": fake.client_id, "client_secret": fake.client_secret}
    form = {**creds, "grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1/cb"}
    first = httpx.post(f"{base}/oauth/token", data=form).json()
    assert first["token_type"] == "Bearer" and first["scope"] == ["read", "write"] and first["expires_in"] == 86399
    viewer = httpx.post(
        f"{base}/graphql",
        json={"query": "{ viewer { name } }"},
        headers={"authorization": f"Bearer {first['access_token']}"},
    ).json()
    assert viewer["data"]["viewer"]["name"] == "Grace Hopper"
    bad_code = httpx.post(f"{base}/oauth/token", data=form)
    assert bad_code.status_code == 400 and bad_code.json()["error"] == "invalid_grant"
    refresh = {**creds, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = httpx.post(f"{base}/oauth/token", data=refresh).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert httpx.post(f"{base}/oauth/token", data=refresh).json()["error"] == "invalid_grant"
    assert fake.grants == {"authorization_code": 1, "refresh_token": 1}
