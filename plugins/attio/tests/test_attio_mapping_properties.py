"""Property tests: any person, company, deal, task or note shaped like Attio's API maps cleanly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from unigate_attio.mappers import to_company, to_contact, to_deal, to_note, to_task
from unigate_attio.values import custom

uuids = st.uuids().map(str)
stamps = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"
)
ended = st.none() | stamps  # active_until: null for the current value, a time for a past one


def entry(kind: str, **keys: Any) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"active_from": stamps, "active_until": ended, "attribute_type": st.just(kind), **keys}
    )


def record(values: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "id": st.fixed_dictionaries({"workspace_id": uuids, "object_id": uuids, "record_id": uuids}),
            "created_at": stamps,
            "web_url": st.just("https://app.attio.com/x"),
            "values": st.fixed_dictionaries(values),
        }
    )


customs = st.dictionaries(
    st.sampled_from(["tier", "lead_score", "notes_2"]),
    st.lists(entry("number", value=st.integers()) | entry("text", value=st.text(max_size=5)), max_size=3),
    max_size=3,
)
emails = entry("email-address", email_address=st.sampled_from(["a@b.co", "x", "", "ada@acme.test"]))
people = record(
    {
        "name": st.lists(
            entry("personal-name", first_name=st.text(), last_name=st.text(), full_name=st.text()), max_size=1
        ),
        "email_addresses": st.lists(emails, max_size=3),
        "company": st.lists(
            entry("record-reference", target_object=st.just("companies"), target_record_id=uuids), max_size=2
        ),
    }
)


@given(people, customs)
def test_people_keep_current_values_only(person: dict[str, Any], extra: dict[str, Any]) -> None:
    person["values"].update(extra)
    contact = to_contact(person)
    current = [e for e in person["values"]["email_addresses"] if e["active_until"] is None]
    assert [e.email for e in contact.email_addresses] == [
        e["email_address"] for e in current if len(e["email_address"]) >= 3
    ]
    assert [e.is_primary for e in contact.email_addresses] == [i == 0 for i in range(len(contact.email_addresses))]
    links = [e["target_record_id"] for e in person["values"]["company"] if e["active_until"] is None]
    assert contact.companies == links and contact.id == person["id"]["record_id"]
    assert set(contact.custom_fields) == set(extra)
    stamps_now = [e["active_from"] for v in person["values"].values() for e in v if e["active_until"] is None]
    assert contact.remote_updated_at is not None and contact.remote_created_at is not None
    if stamps_now:
        assert contact.remote_updated_at.strftime("%Y-%m-%dT%H:%M:%S") == max(stamps_now)[:19]


@given(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.lists(entry("text", value=st.text()), max_size=3)))
def test_custom_values_are_scalar_list_or_null(values: dict[str, Any]) -> None:
    found = custom(values, (), mapped=("mapped_slug",))
    assert found["mapped_slug"] is None
    for slug, entries in values.items():
        current = [e["value"] for e in entries if e["active_until"] is None]
        assert found[slug] == (current[0] if len(current) == 1 else current or None)


companies = record(
    {
        "name": st.lists(entry("text", value=st.text(min_size=1)), max_size=1),
        "domains": st.lists(
            entry("domain", domain=st.sampled_from(["acme.com", "globex.io"]), root_domain=st.just("x")), max_size=2
        ),
        "categories": st.lists(
            entry("select", option=st.fixed_dictionaries({"title": st.sampled_from(["SaaS", "B2B"])})), max_size=2
        ),
    }
)


@given(companies)
def test_companies_take_the_first_current_domain(company: dict[str, Any]) -> None:
    mapped = to_company(company)
    current = [e["domain"] for e in company["values"]["domains"] if e["active_until"] is None]
    assert mapped.domain == (current[0] if current else None)
    assert mapped.website == (f"https://{current[0]}" if current else None)


status = st.fixed_dictionaries(
    {
        "id": st.fixed_dictionaries({"status_id": uuids}),
        "title": st.sampled_from(["Lead", "Won 🎉", "won", "Lost", "In Progress", ""]),
        "celebration_enabled": st.booleans(),
        "is_archived": st.just(False),
    }
)
deals = record(
    {
        "stage": st.lists(entry("status", status=status), max_size=1),
        "value": st.lists(
            entry("currency", currency_value=st.integers(0, 10**9) | st.floats(0, 1e9), currency_code=st.just("EUR")),
            max_size=1,
        ),
        "owner": st.lists(
            entry(
                "actor-reference",
                referenced_actor_type=st.sampled_from(["workspace-member", "api-token"]),
                referenced_actor_id=uuids,
            ),
            max_size=1,
        ),
    }
)


@given(deals)
def test_deals_map_the_stage_status(deal: dict[str, Any]) -> None:
    mapped = to_deal(deal)
    stage = [e for e in deal["values"]["stage"] if e["active_until"] is None]
    if not stage:
        assert mapped.status is None and mapped.stage is None and mapped.pipeline is None
        return
    found = stage[0]["status"]
    assert mapped.stage == found["id"]["status_id"] and mapped.remote_status == found["title"]
    title = found["title"].lower()
    expected = (
        "WON"
        if found["celebration_enabled"] or title.startswith("won")
        else "LOST"
        if title.startswith("lost")
        else "OPEN"
    )
    assert mapped.status is not None and mapped.status.value == expected


tasks = st.fixed_dictionaries(
    {
        "id": st.fixed_dictionaries({"task_id": uuids}),
        "content_plaintext": st.text(),
        "deadline_at": st.none() | stamps,
        "is_completed": st.booleans(),
        "completed_at": st.none() | stamps,
        "linked_records": st.lists(
            st.fixed_dictionaries({"target_object_id": st.sampled_from(["P", "C", "X"]), "target_record_id": uuids}),
            max_size=3,
        ),
        "assignees": st.lists(
            st.fixed_dictionaries({"referenced_actor_type": st.just("workspace-member"), "referenced_actor_id": uuids}),
            max_size=2,
        ),
        "created_at": stamps,
    }
)


@given(tasks)
def test_tasks_split_the_text_and_sort_links(task: dict[str, Any]) -> None:
    mapped = to_task(task, {"P": "people", "C": "companies"})
    subject, _, rest = task["content_plaintext"].partition("\n")
    assert mapped.subject == (subject or None) and mapped.content == (rest.strip("\n") or None)
    assert mapped.contacts == [r["target_record_id"] for r in task["linked_records"] if r["target_object_id"] == "P"]
    assert mapped.deals == [] and (mapped.completed_at is None or task["is_completed"])
    assert mapped.owner == (task["assignees"][0]["referenced_actor_id"] if task["assignees"] else None)


@given(st.sampled_from(["people", "companies", "deals", "users_x"]), uuids, st.text())
def test_notes_link_their_parent(parent: str, parent_id: str, content: str) -> None:
    note = {
        "id": {"note_id": parent_id},
        "parent_object": parent,
        "parent_record_id": parent_id,
        "content_plaintext": content,
        "created_by_actor": {"type": "workspace-member", "id": parent_id},
        "created_at": "2024-01-02T03:04:05.000000000Z",
    }
    mapped = to_note(note)
    linked = mapped.contacts + mapped.companies + mapped.deals
    assert linked == ([] if parent == "users_x" else [parent_id]) and mapped.owner == parent_id
