"""The GitHub fake against GitHub's published description and real recorded exchanges.

Sources are fetched from npm at test time into a cache outside the repository (``UNIGATE_TEST_CACHE``, default
``~/.cache/unigate-tests``): ``@octokit/openapi@23.0.2`` (only ``generated/api.github.com.json``) and
``@octokit/fixtures@23.1.2`` (recorded exchanges). Nothing from them is committed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fake_github import FakeGitHub
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from gateway.testing.npm_cache import npm_member

OPENAPI = ("@octokit/openapi", "23.0.2", "package/generated/api.github.com.json")
FIXTURES = ("@octokit/fixtures", "23.1.2", "package/scenarios/api.github.com")


def scenario(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((npm_member(*FIXTURES) / name / "normalized-fixture.json").read_text())
    return data


def _allow_null_in_nullable_enums(node: Any) -> None:
    """OAS 3.0 ``nullable`` + ``enum`` without ``null`` (GitHub's ``state_reason``); real answers carry null."""
    if isinstance(node, dict):
        if node.get("nullable") and isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"].append(None)
        for value in node.values():
            _allow_null_in_nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            _allow_null_in_nullable_enums(value)


@dataclass
class _Request:
    path: str
    method: str
    query: dict[str, str] = field(default_factory=dict)
    host_url: str = "https://api.github.com"
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


@pytest.fixture(scope="module")
def spec() -> OpenAPI:
    document = json.loads(npm_member(*OPENAPI).read_text())
    _allow_null_in_nullable_enums(document)
    return OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))


def check(spec: OpenAPI, response: httpx.Response, path: str | None = None) -> None:
    """Validate ``response`` against the operation GitHub's description defines for its method and path."""
    url = urlsplit(str(response.request.url))
    request = _Request(
        path or url.path, response.request.method.lower(), {k: v[0] for k, v in parse_qs(url.query).items()}
    )
    result = spec.unmarshal_response(request, _Response(response.status_code, response.content, Headers()))
    details = [getattr(e, "__cause__", None) for e in result.errors]
    messages = [f"{list(s.absolute_path)}: {s.message}" for d in details for s in getattr(d, "schema_errors", [])]
    assert not result.errors, (
        f"{response.request.method} {url.path} -> {response.status_code}: {result.errors} {messages}"
    )


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    gh = FakeGitHub()
    gh.add_user("octokit-fixture-user-a")
    gh.add_user("hubot")
    repo = gh.add_repo("octokit-fixture-org", "paginate-issues", collaborators=("octokit-fixture-user-a", "hubot"))
    for n in range(1, 14):
        gh.add_issue(repo, f"Test issue {n}", user="octokit-fixture-user-a")
    with gh.run():
        yield gh


@pytest.fixture
def client(fake: FakeGitHub) -> Iterator[httpx.Client]:
    token = fake.token_for("octokit-fixture-user-a")
    headers = {"authorization": f"token {token}", "accept": "application/vnd.github+json"}
    with httpx.Client(base_url=fake.base_url, headers=headers, timeout=10) as c:
        yield c


ISSUES = "/repos/octokit-fixture-org/paginate-issues/issues"


def test_pagination_matches_the_recorded_link_headers(fake: FakeGitHub, client: httpx.Client) -> None:
    recorded = scenario("paginate-issues")
    repo_id = fake.repos["octokit-fixture-org/paginate-issues"].id
    url: str | None = f"{ISSUES}?per_page=3"
    pages: list[list[int]] = []
    for exchange in recorded:
        assert url is not None
        response = client.get(url)
        assert response.status_code == 200
        expected = exchange["headers"]["link"].replace("https://api.github.com", fake.base_url)
        assert response.headers["link"] == expected.replace("/repositories/1000/", f"/repositories/{repo_id}/")
        assert [i["number"] for i in response.json()] == [i["number"] for i in exchange["response"]]
        pages.append([i["number"] for i in response.json()])
        url = response.links.get("next", {}).get("url")  # followed verbatim
    assert url is None and sum(pages, []) == list(range(13, 0, -1))


def test_objects_carry_every_recorded_field(fake: FakeGitHub, client: httpx.Client) -> None:
    recorded_issue = scenario("paginate-issues")[0]["response"][0]
    issue = client.get(f"{ISSUES}/13").json()
    assert set(recorded_issue) <= set(issue)
    assert set(recorded_issue["user"]) <= set(issue["user"])
    recorded_repo = scenario("get-repository")[0]["response"]
    repo = client.get("/repos/octokit-fixture-org/paginate-issues").json()
    assert set(recorded_repo) <= set(repo)
    for key, value in recorded_repo.items():
        if key.endswith("_url") and "{" in str(value):
            assert repo[key].endswith(value.split("hello-world", 1)[1]), key
    recorded_labels = scenario("labels")[0]["response"]
    labels = client.get("/repos/octokit-fixture-org/paginate-issues/labels").json()
    assert [(x["name"], x["color"], x["description"], x["default"]) for x in labels] == [
        (x["name"], x["color"], x["description"], x["default"]) for x in recorded_labels
    ]
    assert set(recorded_labels[0]) == set(labels[0])


def test_responses_validate_against_the_published_description(
    spec: OpenAPI, fake: FakeGitHub, client: httpx.Client
) -> None:
    fake.add_issue(fake.repos["octokit-fixture-org/paginate-issues"], "A pull", user="hubot", pull_request=True)
    for url in (
        "/user",
        "/users/hubot",
        "/users/nobody-here",
        "/user/repos",
        "/repos/octokit-fixture-org/paginate-issues",
        f"{ISSUES}?state=all",
        f"{ISSUES}/1",
    ):
        check(spec, client.get(url))
    check(spec, client.get("/repos/octokit-fixture-org/paginate-issues/labels"))
    check(spec, client.get("/repos/octokit-fixture-org/paginate-issues/assignees"))
    created = client.post(
        ISSUES, json={"title": "New", "body": "b", "labels": ["bug", "new-one"], "assignees": ["hubot"]}
    )
    check(spec, created)
    check(
        spec,
        client.patch(f"{ISSUES}/{created.json()['number']}", json={"state": "closed", "state_reason": "not_planned"}),
    )
    check(spec, client.post(f"{ISSUES}/1/comments", json={"body": "Me too"}))
    check(spec, client.get(f"{ISSUES}/1/comments"))
    check(spec, client.post(ISSUES, json={"body": "no title"}))  # 422
    check(spec, client.get(f"{ISSUES}/999"))  # 404
    check(spec, client.get("/user", headers={"authorization": "token nope"}))  # 401
    next_page = client.get(f"{ISSUES}?per_page=2").links["next"]["url"]
    check(spec, client.get(next_page), path=ISSUES)  # /repositories/{id}/issues answers like the repo form


def test_create_filter_update_and_comment(fake: FakeGitHub, client: httpx.Client) -> None:
    fake.add_issue(fake.repos["octokit-fixture-org/paginate-issues"], "A pull", user="hubot", pull_request=True)
    created = client.post(ISSUES, json={"title": "Crash", "labels": ["bug"], "assignees": ["hubot"]})
    assert created.status_code == 201 and created.json()["number"] == 15
    assert created.headers["location"] == f"{fake.base_url}{ISSUES}/15"
    listed = client.get(ISSUES, params={"per_page": 100}).json()
    assert [i["number"] for i in listed][:2] == [15, 14] and len(listed) == 15
    assert "pull_request" in listed[1] and "pull_request" not in listed[0]
    assert [i["number"] for i in client.get(ISSUES, params={"labels": "bug"}).json()] == [15]
    assert [i["number"] for i in client.get(ISSUES, params={"assignee": "hubot"}).json()] == [15]
    assert len(client.get(ISSUES, params={"assignee": "none", "per_page": 100}).json()) == 14
    since = created.json()["updated_at"]
    assert 15 in [i["number"] for i in client.get(ISSUES, params={"since": since}).json()]
    assert client.get(ISSUES, params={"since": "2999-01-01T00:00:00Z"}).json() == []

    closed = client.patch(f"{ISSUES}/15", json={"state": "closed", "state_reason": "not_planned"}).json()
    assert (closed["state"], closed["state_reason"], closed["closed_by"]["login"]) == (
        "closed",
        "not_planned",
        "octokit-fixture-user-a",
    )
    assert closed["closed_at"] is not None
    assert 15 not in [i["number"] for i in client.get(ISSUES, params={"per_page": 100}).json()]
    assert client.get(ISSUES, params={"state": "closed"}).json()[0]["number"] == 15
    reopened = client.patch(f"{ISSUES}/15", json={"state": "open"}).json()
    assert (reopened["state"], reopened["state_reason"], reopened["closed_at"]) == ("open", "reopened", None)
    assert client.patch(f"{ISSUES}/15", json={"state_reason": "bogus"}).status_code == 422

    posted = client.post(f"{ISSUES}/15/comments", json={"body": "Me too"})
    assert posted.status_code == 201 and posted.json()["body"] == "Me too"
    assert [c["body"] for c in client.get(f"{ISSUES}/15/comments").json()] == ["Me too"]
    assert client.get(f"{ISSUES}/15").json()["comments"] == 1
    assert client.get(f"{ISSUES}/15").json()["labels"][0]["name"] == "bug"


def test_per_page_is_capped_at_100(fake: FakeGitHub, client: httpx.Client) -> None:
    repo = fake.repos["octokit-fixture-org/paginate-issues"]
    for n in range(14, 131):
        fake.add_issue(repo, f"Test issue {n}", user="hubot")
    first = client.get(ISSUES, params={"per_page": 500})
    assert len(first.json()) == 100 and "page=2" in first.links["next"]["url"]
    assert len(client.get(first.links["next"]["url"]).json()) == 30


def test_errors_have_githubs_recorded_shapes(fake: FakeGitHub, client: httpx.Client) -> None:
    recorded = scenario("errors")[0]["response"]
    invalid = client.post(ISSUES, json={"title": ""}).json()
    assert set(invalid) == set(recorded) and invalid["message"] == recorded["message"]
    assert set(invalid["errors"][0]) == set(recorded["errors"][0])
    missing = client.get(f"{ISSUES}/999")
    assert missing.status_code == 404 and missing.json()["message"] == "Not Found"
    private = fake.add_repo("someone-else", "secret", private=True)
    assert client.get(f"/repos/{private.full_name}").status_code == 404
    assert client.post(ISSUES, json={"title": "x", "assignees": ["stranger"]}).status_code == 422


def test_expired_unknown_and_missing_tokens(fake: FakeGitHub, client: httpx.Client) -> None:
    token = fake.token_for("hubot", expires_in=3600)
    assert client.get("/user", headers={"authorization": f"Bearer {token}"}).json()["login"] == "hubot"
    fake.expire_token(token)
    expired = client.get("/user", headers={"authorization": f"Bearer {token}"})
    assert expired.status_code == 401
    assert expired.json() == {
        "message": "Bad credentials",
        "documentation_url": "https://docs.github.com/rest",
        "status": "401",
    }
    anonymous = httpx.get(f"{fake.base_url}/user")
    assert anonymous.status_code == 401 and anonymous.json()["message"] == "Requires authentication"
    logged = fake.requests_to("/user")
    assert len(logged) == 3 and all("authorization" not in r.headers for r in logged)


def test_rate_limit_answers_and_headers(fake: FakeGitHub, client: httpx.Client) -> None:
    ok = client.get("/user")
    assert ok.headers["x-ratelimit-limit"] == "5000" and ok.headers["x-ratelimit-resource"] == "core"
    assert int(ok.headers["x-ratelimit-remaining"]) < 5000 and ok.headers["x-oauth-scopes"] == "repo, user"
    fake.fail_next(2)
    for _ in range(2):
        limited = client.get(ISSUES)
        assert limited.status_code == 403 and limited.headers["x-ratelimit-remaining"] == "0"
        assert int(limited.headers["x-ratelimit-reset"]) == fake.rate_reset
        assert limited.json()["message"].startswith("API rate limit exceeded for user ID")
    fake.fail_next(1, lambda r: fake.secondary_rate_limit(r, status=429, retry_after=30))
    secondary = client.get(ISSUES)
    assert secondary.status_code == 429 and secondary.headers["retry-after"] == "30"
    assert "secondary rate limit" in secondary.json()["message"]
    assert client.get(ISSUES).status_code == 200


def test_oauth_app_code_exchange_answers_form_or_json(fake: FakeGitHub) -> None:
    redirect = "http://127.0.0.1/callback"
    authorize = {
        "client_id": fake.client_id,
        "redirect_uri": redirect,
        "scope": "repo user",
        "state": "s1",
        "login": "hubot",
    }
    located = httpx.get(f"{fake.base_url}/login/oauth/authorize", params=authorize).headers["location"]
    query = parse_qs(urlsplit(located).query)
    assert located.startswith(redirect) and query["state"] == ["s1"]
    form = {"client_id": fake.client_id, "client_secret": fake.client_secret, "code": query["code"][0]}
    answer = httpx.post(f"{fake.base_url}/login/oauth/access_token", data=form)
    assert answer.headers["content-type"].startswith("application/x-www-form-urlencoded")
    granted = parse_qs(answer.text)
    assert granted["scope"] == ["repo,user"] and granted["token_type"] == ["bearer"]
    assert "expires_in" not in granted and granted["access_token"][0].startswith("gho_")
    me = httpx.get(f"{fake.base_url}/user", headers={"authorization": f"Bearer {granted['access_token'][0]}"})
    assert me.json()["login"] == "hubot"
    reused = httpx.post(f"{fake.base_url}/login/oauth/access_token", data=form, headers={"accept": "application/json"})
    assert reused.status_code == 200 and reused.json()["error"] == "bad_verification_code"
    bad_client = httpx.post(
        f"{fake.base_url}/login/oauth/access_token",
        json={**form, "client_secret": "x"},
        headers={"accept": "application/json"},
    )
    assert bad_client.json()["error"] == "incorrect_client_credentials"
    assert fake.grants == {"authorization_code": 1}


def test_github_app_user_tokens_expire_and_refresh_rotates() -> None:
    gh = FakeGitHub(expiring_user_tokens=True)
    with gh.run() as base:
        code = gh.issue_token(kind="code", login="hubot", scope="")
        creds = {"client_id": gh.client_id, "client_secret": gh.client_secret}
        first = httpx.post(
            f"{base}/login/oauth/access_token", json={**creds, "code": code}, headers={"accept": "application/json"}
        ).json()
        assert first["expires_in"] == 28800 and first["refresh_token_expires_in"] == 15811200
        assert first["access_token"].startswith("ghu_") and first["refresh_token"].startswith("ghr_")
        refresh = {**creds, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
        second = parse_qs(httpx.post(f"{base}/login/oauth/access_token", data=refresh).text)
        assert second["refresh_token"][0] != first["refresh_token"] and second["expires_in"] == ["28800"]
        again = parse_qs(httpx.post(f"{base}/login/oauth/access_token", data=refresh).text)
        assert again["error"] == ["bad_refresh_token"]
        assert gh.grants == {"authorization_code": 1, "refresh_token": 1}
        token_requests = gh.requests_to("/login/oauth/access_token")
        assert token_requests[1].form()["grant_type"] == "refresh_token"
