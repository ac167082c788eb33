"""The HubSpot fake answers as HubSpot does: paging, search, errors, rate limits and tokens (checked directly)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fake_hubspot import PORTAL_ID, FakeHubSpot


@pytest.fixture
def fake() -> Iterator[FakeHubSpot]:
    fake = FakeHubSpot()
    for n in range(3):
        fake.add("contacts", firstname=f"C{n}", email=f"c{n}@example.com")
    with fake.run():
        yield fake


def client(fake: FakeHubSpot) -> httpx.Client:
    return httpx.Client(base_url=fake.base_url, headers={"Authorization": f"Bearer {fake.private_app_token()}"})


def test_lists_page_by_after_until_paging_is_absent(fake: FakeHubSpot) -> None:
    with client(fake) as http:
        first = http.get("/crm/v3/objects/contacts", params={"limit": 2, "properties": "email"}).json()
        assert [c["properties"]["email"] for c in first["results"]] == ["c0@example.com", "c1@example.com"]
        assert set(first["results"][0]["properties"]) == {"email", "createdate", "hs_object_id", "lastmodifieddate"}
        last = http.get("/crm/v3/objects/contacts", params={"limit": 2, "after": first["paging"]["next"]["after"]})
        assert len(last.json()["results"]) == 1 and "paging" not in last.json()
        assert last.headers["X-HubSpot-RateLimit-Max"] == "100"
        too_many = http.get("/crm/v3/objects/contacts", params={"limit": 101})
        assert too_many.status_code == 400 and too_many.json()["category"] == "VALIDATION_ERROR"


def test_search_pages_in_the_body_and_carries_no_rate_limit_headers(fake: FakeHubSpot) -> None:
    with client(fake) as http:
        rule = {"propertyName": "email", "operator": "NEQ", "value": "c1@example.com"}
        found = http.post("/crm/v3/objects/contacts/search", json={"filterGroups": [{"filters": [rule]}], "limit": 1})
        assert found.json()["total"] == 2 and found.json()["paging"]["next"]["after"] == "1"
        assert "X-HubSpot-RateLimit-Max" not in found.headers


def test_errors_rate_limits_and_tokens_have_hubspot_shapes(fake: FakeHubSpot) -> None:
    with client(fake) as http:
        missing = http.get("/crm/v3/objects/contacts/1")
        assert missing.status_code == 404 and set(missing.json()) == {"status", "message", "correlationId", "category"}
        fake.fail_next(1)
        limited = http.get("/crm/v3/objects/contacts")
        assert limited.status_code == 429 and limited.json()["policyName"] == "TEN_SECONDLY_ROLLING"
        assert limited.headers["X-HubSpot-RateLimit-Remaining"] == "0" and "retry-after" not in limited.headers
    anonymous = httpx.get(f"{fake.base_url}/crm/v3/objects/contacts")
    assert anonymous.status_code == 401 and anonymous.json()["category"] == "INVALID_AUTHENTICATION"
    code = fake.issue_token(kind="code", expires_in=600, redirect_uri="https://app.example/cb")
    form = {"client_id": fake.client_id, "client_secret": fake.client_secret, "redirect_uri": "https://app.example/cb"}
    tokens = httpx.post(
        f"{fake.base_url}/oauth/v1/token", data={**form, "grant_type": "authorization_code", "code": code}
    )
    answer = tokens.json()
    assert (answer["expires_in"], answer["hub_id"], answer["token_type"]) == (1800, PORTAL_ID, "bearer")
    grant = {**form, "grant_type": "refresh_token", "refresh_token": answer["refresh_token"]}
    again = httpx.post(f"{fake.base_url}/oauth/v1/token", data=grant).json()
    assert again["refresh_token"] == answer["refresh_token"] and again["access_token"] != answer["access_token"]
    refused = httpx.post(f"{fake.base_url}/oauth/v1/token", data={**grant, "refresh_token": "nope"})
    assert refused.status_code == 400 and refused.json()["status"] == "BAD_REFRESH_TOKEN"
