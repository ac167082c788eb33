"""Property tests: any Contact, Account, Opportunity, Task or Note shaped like Salesforce's REST answers maps cleanly,
and unified writes become the record fields they name."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from unigate_salesforce.mappers import to_company, to_contact, to_deal, to_note, to_task
from unigate_salesforce.writes import contact_body, task_body

ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def ids(prefix: str) -> st.SearchStrategy[str]:
    return st.text(ALNUM, min_size=12, max_size=12).map(lambda tail: prefix + tail)


moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))
stamps = moments.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}+0000")
days = st.dates(date(2000, 1, 1), date(2100, 1, 1)).map(str)
texts = st.none() | st.text(max_size=20)
customs = st.dictionaries(st.from_regex(r"[A-Z][a-z]{1,8}__c", fullmatch=True), texts | st.integers(), max_size=3)
common: dict[str, Any] = {
    "attributes": st.just({"type": "X", "url": "/services/data/v60.0/sobjects/X/1"}),
    "CreatedDate": stamps,
    "LastModifiedDate": stamps,
    "SystemModstamp": stamps,
    "OwnerId": st.none() | ids("005"),
}


def record(prefix: str, **fields: Any) -> st.SearchStrategy[dict[str, Any]]:
    base = st.fixed_dictionaries({"Id": ids(prefix), **common, **fields})
    return st.tuples(base, customs).map(lambda pair: {**pair[0], **pair[1]})


@given(
    record(
        "003",
        Email=st.none() | st.emails(),
        Phone=texts,
        MobilePhone=texts,
        AccountId=st.none() | ids("001"),
        MailingCity=texts,
        LastActivityDate=st.none() | days,
    )
)
def test_contacts_keep_ids_times_links_and_custom_fields(contact: dict[str, Any]) -> None:
    mapped = to_contact(contact)
    assert mapped.id == contact["Id"] and mapped.remote_data == contact
    assert mapped.remote_updated_at is not None and mapped.remote_updated_at.tzinfo is not None
    assert mapped.companies == ([contact["AccountId"]] if contact["AccountId"] else [])
    assert mapped.custom_fields == {k: v for k, v in contact.items() if k.endswith("__c")}
    assert [p.is_primary for p in mapped.phone_numbers] == [i == 0 for i in range(len(mapped.phone_numbers))]
    assert len(mapped.email_addresses) == (1 if contact["Email"] else 0)


@given(record("001", Name=texts, Website=st.none() | st.sampled_from(["https://www.acme.com/x", "acme.com", ""])))
def test_accounts_derive_the_domain(account: dict[str, Any]) -> None:
    assert to_company(account).domain == ("acme.com" if account["Website"] else None)


@given(
    record(
        "006",
        Name=texts,
        StageName=texts,
        IsClosed=st.booleans() | st.none(),
        IsWon=st.booleans(),
        Amount=st.none() | st.floats(allow_nan=True) | st.integers(0, 10**9),
        Probability=st.none() | st.floats(-10, 200),
        CloseDate=st.none() | days,
    )
)
def test_opportunities_map_flags_to_status(deal: dict[str, Any]) -> None:
    mapped = to_deal(deal)
    expected = (
        None if deal["IsClosed"] is None else "OPEN" if not deal["IsClosed"] else "WON" if deal["IsWon"] else "LOST"
    )
    assert (mapped.status.value if mapped.status else None) == expected
    assert mapped.remote_status == mapped.stage and mapped.pipeline == "default"
    assert mapped.probability is None or 0 <= mapped.probability <= 100
    assert mapped.amount is None or mapped.amount == mapped.amount  # NaN is taken as missing


@given(
    record(
        "00T",
        Subject=texts,
        IsClosed=st.booleans(),
        Status=texts,
        ActivityDate=st.none() | days,
        WhoId=st.none() | ids("003") | ids("00Q"),
        WhatId=st.none() | ids("001") | ids("006") | ids("a0X"),
        CompletedDateTime=st.none() | stamps,
    )
)
def test_tasks_tell_links_apart_by_prefix(task: dict[str, Any]) -> None:
    mapped = to_task(task)
    assert (mapped.status.value if mapped.status else None) == ("COMPLETED" if task["IsClosed"] else "OPEN")
    assert mapped.contacts == ([task["WhoId"]] if (task["WhoId"] or "").startswith("003") else [])
    assert mapped.companies == ([task["WhatId"]] if (task["WhatId"] or "").startswith("001") else [])
    assert mapped.deals == ([task["WhatId"]] if (task["WhatId"] or "").startswith("006") else [])
    assert (mapped.due_at is None) == (task["ActivityDate"] is None)
    assert mapped.completed_at is None or task["IsClosed"]


@given(record("002", Title=texts, Body=texts, ParentId=ids("003") | ids("001") | ids("006")))
def test_notes_are_on_their_parent(note: dict[str, Any]) -> None:
    mapped = to_note(note)
    assert [*mapped.contacts, *mapped.companies, *mapped.deals] == [note["ParentId"]]


phones = st.fixed_dictionaries(
    {"number": st.text(min_size=1, max_size=8), "type": st.none() | st.sampled_from(["mobile", "home", "work"])}
)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "first_name": texts,
            "title": texts,
            "phone_numbers": st.lists(phones, max_size=5),
            "email_addresses": st.lists(st.fixed_dictionaries({"email": st.emails()}), max_size=3),
        },
    )
)
def test_contact_writes_send_only_what_was_sent(fields: dict[str, Any]) -> None:
    body, warnings = contact_body(fields)
    sent = {"first_name": "FirstName", "title": "Title", "email_addresses": "Email"}
    assert {v for k, v in sent.items() if k in fields} <= body.keys()
    assert ("Phone" in body) == ("phone_numbers" in fields)
    written = [n for n in (body.get(k) for k in ("Phone", "MobilePhone", "HomePhone", "OtherPhone")) if n]
    sent_numbers = [p["number"] for p in fields.get("phone_numbers", [])]
    assert all(number in sent_numbers for number in written)
    assert bool([w for w in warnings if w.field == "phone_numbers"]) == (
        len(written) < len(fields.get("phone_numbers", []))
    )


@given(moments, st.sampled_from(["OPEN", "COMPLETED", None]))
def test_task_writes_keep_the_due_day(due: datetime, status: str | None) -> None:
    body, warnings = task_body({"due_at": due, "status": status}, creating=True)
    assert body["ActivityDate"] == due.date().isoformat()
    assert body["Status"] == ("Completed" if status == "COMPLETED" else "Not Started")
    assert bool(warnings) == ((due.hour, due.minute, due.second) != (0, 0, 0))
