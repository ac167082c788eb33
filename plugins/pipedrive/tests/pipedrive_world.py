"""A seeded fake Pipedrive company, shared by the plugin's tests."""

from __future__ import annotations

from typing import Any

from fake_pipedrive import FakePipedrive

CUSTOM = "a" * 40  # a custom field's key, as Pipedrive names them


def seeded() -> tuple[FakePipedrive, dict[str, Any]]:
    """3 users, 3 organizations, 4 persons, 3 deals in one pipeline of 2 stages, 3 notes and 3 activities."""
    fake = FakePipedrive()
    admin = fake.add_user("Ada Admin", "ada@acme.test")
    for name in ("Alan", "Grace"):
        fake.add_user(name, f"{name.lower()}@acme.test")
    orgs = [
        fake.add(
            "organizations",
            name=n,
            owner_id=admin["id"],
            website=f"https://www.{n.lower()}.com",
            address={
                "value": "1 Main St, Springfield",
                "route": "Main St",
                "street_number": "1",
                "locality": "Springfield",
                "country": "USA",
            },
            custom_fields={CUSTOM: n},
        )
        for n in ("Acme", "Globex", "Initech")
    ]
    persons = [
        fake.add(
            "persons",
            name=f"Person {n}",
            first_name="Person",
            last_name=str(n),
            owner_id=admin["id"],
            org_id=orgs[n % 3]["id"],
            emails=[{"value": f"p{n}@example.com", "primary": True, "label": "work"}],
            phones=[{"value": f"+1555000{n}", "primary": True, "label": "mobile"}],
            custom_fields={CUSTOM: n},
        )
        for n in range(4)
    ]
    pipeline = fake.add("pipelines", name="Sales", order_nr=1, active=True, selected=True)
    stages = [
        fake.add("stages", name=n, order_nr=i, deal_probability=10 * (i + 1), pipeline_id=pipeline["id"])
        for i, n in enumerate(("Lead", "Proposal"))
    ]
    for n, status in enumerate(("open", "won", "lost")):
        fake.add(
            "deals",
            title=f"Deal {n}",
            value=1000 * (n + 1),
            currency="EUR",
            status=status,
            pipeline_id=pipeline["id"],
            stage_id=stages[n % 2]["id"],
            person_id=persons[n]["id"],
            org_id=orgs[n]["id"],
            owner_id=admin["id"],
            expected_close_date="2026-12-31",
            probability=None,
            custom_fields={CUSTOM: None},
        )
    for n in range(3):
        fake.add(
            "notes",
            content=f"<p>Note {n}</p>",
            person_id=persons[0]["id"],
            org_id=None,
            deal_id=None,
            user_id=admin["id"],
        )
        fake.add(
            "activities",
            subject=f"Call {n}",
            type="call",
            done=n == 0,
            due_date="2026-12-01",
            due_time="10:30",
            person_id=persons[n]["id"],
            org_id=None,
            deal_id=None,
            owner_id=admin["id"],
            note=None,
            marked_as_done_time="2026-11-30T09:00:00Z" if n == 0 else None,
        )
    return fake, admin
