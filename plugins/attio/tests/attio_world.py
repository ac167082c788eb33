"""A seeded fake Attio workspace, shared by the plugin's tests."""

from __future__ import annotations

from typing import Any

from fake_attio import FakeAttio


def seeded() -> tuple[FakeAttio, dict[str, Any]]:
    """3 members, 4 deal stages (one archived), 3 companies, 4 people, 3 deals, 3 notes and 3 tasks."""
    fake = FakeAttio()
    admin = fake.add_member("Ada", "Admin", "ada@acme.test")
    fake.add_member("Alan", "Turing", "alan@acme.test")
    fake.add_member("Grace", "Hopper", "grace@acme.test", access="suspended")
    stages = [
        fake.add_status("Lead"),
        fake.add_status("In Progress"),
        fake.add_status("Won 🎉", celebrate=True),
        fake.add_status("Lost"),
    ]
    fake.add_status("Old stage", archived=True)
    location = {"line_1": "1 Main St", "locality": "Springfield", "region": "IL", "postcode": "62701"}
    companies = [
        fake.add_record(
            "companies",
            name=name,
            domains=[f"{name.lower()}.com"],
            categories=["SaaS"],
            primary_location={**location, "country_code": "US"},
            tier="gold",
        )
        for name in ("Acme", "Globex", "Initech")
    ]
    people = [
        fake.add_record(
            "people",
            name={"first_name": "Person", "last_name": str(n), "full_name": f"Person {n}"},
            email_addresses=[f"p{n}@example.com"],
            phone_numbers=[f"+1555000{n}"],
            job_title="Engineer",
            company=companies[n % 3]["id"]["record_id"],
            lead_score=n * 10,
        )
        for n in range(4)
    ]
    member = admin["id"]["workspace_member_id"]
    for n, stage in enumerate(stages[1:]):
        fake.add_record(
            "deals",
            name=f"Deal {n}",
            stage=stage["title"],
            owner=member,
            value=1000 * (n + 1),
            associated_people=[people[n]["id"]["record_id"]],
            associated_company=companies[n]["id"]["record_id"],
        )
    first = people[0]["id"]["record_id"]
    for n in range(3):
        fake.add_note("people", first, f"Note {n}", f"Note {n}\nbody {n}")
        fake.add_task(
            f"Call {n}\nabout pricing",
            is_completed=n == 0,
            deadline_at="2026-12-01T10:30:00.000000000Z",
            linked_records=[{"target_object": "people", "target_record_id": people[n]["id"]["record_id"]}],
            assignees=[{"referenced_actor_type": "workspace-member", "referenced_actor_id": member}],
        )
    return fake, admin
