"""Property tests: any v2 person, organization, deal or activity shaped like Pipedrive's API maps cleanly."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from unigate_pipedrive.mappers import to_company, to_contact, to_deal, to_task

ids = st.integers(min_value=1, max_value=2**31)
stamps = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
)
keys = st.text("0123456789abcdef", min_size=40, max_size=40)
values = st.fixed_dictionaries(
    {"value": st.text(min_size=0, max_size=30), "primary": st.booleans(), "label": st.sampled_from(["work", "home"])}
)
common: dict[str, Any] = {
    "id": ids,
    "add_time": stamps,
    "update_time": stamps,
    "owner_id": st.none() | ids,
    "custom_fields": st.dictionaries(keys, st.none() | st.integers() | st.text(max_size=10), max_size=3),
}


@given(
    st.fixed_dictionaries(
        {
            **common,
            "first_name": st.none() | st.text(),
            "org_id": st.none() | ids,
            "emails": st.lists(values, max_size=3),
            "phones": st.lists(values, max_size=3),
        }
    )
)
def test_persons_keep_ids_links_and_custom_fields(person: dict[str, Any]) -> None:
    contact = to_contact(person)
    assert contact.id == str(person["id"]) and contact.custom_fields == person["custom_fields"]
    assert contact.companies == ([str(person["org_id"])] if person["org_id"] else [])
    assert all(e.email for e in contact.email_addresses) and contact.owner == (
        str(person["owner_id"]) if person["owner_id"] else None
    )
    primaries = [e.is_primary for e in contact.email_addresses]
    assert primaries == sorted(primaries, reverse=True)


@given(
    st.fixed_dictionaries(
        {
            **common,
            "name": st.text(),
            "website": st.none() | st.sampled_from(["https://www.acme.com/x", "acme.com", "http://acme.com", ""]),
        }
    )
)
def test_organizations_derive_the_domain(org: dict[str, Any]) -> None:
    company = to_company(org)
    assert company.domain == ("acme.com" if org["website"] else None)


@given(
    st.fixed_dictionaries(
        {
            **common,
            "title": st.text(),
            "status": st.sampled_from(["open", "won", "lost", "deleted"]),
            "value": st.none() | st.floats(0, 1e9) | st.integers(0, 10**9),
            "probability": st.none() | st.integers(0, 100),
            "expected_close_date": st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1)).map(str),
        }
    )
)
def test_deals_map_status_and_keep_remote_status(deal: dict[str, Any]) -> None:
    mapped = to_deal(deal)
    assert mapped.remote_status == deal["status"]
    assert (mapped.status is None) == (deal["status"] == "deleted")
    assert mapped.status is None or mapped.status.value.lower() == deal["status"]


@given(
    st.fixed_dictionaries(
        {
            **common,
            "subject": st.text(),
            "done": st.booleans(),
            "due_date": st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1)).map(str),
            "due_time": st.none() | st.sampled_from(["", "09:00", "23:59"]),
        }
    )
)
def test_activities_map_done_and_due(activity: dict[str, Any]) -> None:
    task = to_task(activity)
    assert (task.status.value if task.status else None) == ("COMPLETED" if activity["done"] else "OPEN")
    assert (task.due_at is None) == (not activity["due_date"])
