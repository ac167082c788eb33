"""A seeded fake Salesforce org, shared by the plugin's tests."""

from __future__ import annotations

from typing import Any

from fake_salesforce import FakeSalesforce

CUSTOM = "Tier__c"  # a custom field on contacts and accounts
STAGES = (  # ApiName, IsClosed, IsWon, DefaultProbability
    ("Prospecting", False, False, 10),
    ("Negotiation/Review", False, False, 90),
    ("Closed Won", True, True, 100),
    ("Closed Lost", True, False, 0),
)


def seeded() -> tuple[FakeSalesforce, dict[str, Any]]:
    """3 users, 3 accounts, 4 contacts, 4 stages, 3 opportunities (open, won, lost), 3 tasks and 3 notes."""
    fake = FakeSalesforce()
    admin = fake.add("User", Name="Ada Admin", Username="ada@acme.test", Email="ada@acme.test", IsActive=True)
    for name in ("Alan", "Grace"):
        fake.add("User", Name=name, Username=f"{name.lower()}@acme.test", Email=f"{name.lower()}@acme.test")
    owner = admin["Id"]
    accounts = [
        fake.add(
            "Account",
            Name=n,
            Website=f"https://www.{n.lower()}.com",
            Industry="Manufacturing",
            NumberOfEmployees=100 * (i + 1),
            Phone=f"+1555100{i}",
            BillingStreet="1 Main St",
            BillingCity="Springfield",
            BillingCountry="USA",
            OwnerId=owner,
            **{CUSTOM: n.upper()},
        )
        for i, n in enumerate(("Acme", "Globex", "Initech"))
    ]
    contacts = [
        fake.add(
            "Contact",
            FirstName="Person",
            LastName=str(n),
            Title="Buyer",
            Email=f"p{n}@example.com",
            Phone=f"+1555000{n}",
            MobilePhone=f"+1666000{n}" if n % 2 else None,
            MailingCity="Springfield",
            AccountId=accounts[n % 3]["Id"],
            OwnerId=owner,
            LastActivityDate="2026-01-15",
            **{CUSTOM: f"gold-{n}"},
        )
        for n in range(4)
    ]
    for i, (name, closed, won, probability) in enumerate(STAGES):
        fake.add(
            "OpportunityStage",
            MasterLabel=name,
            ApiName=name,
            IsActive=True,
            IsClosed=closed,
            IsWon=won,
            DefaultProbability=probability,
            SortOrder=i + 1,
        )
    for n, stage in enumerate(("Prospecting", "Closed Won", "Closed Lost")):
        fake.add(
            "Opportunity",
            Name=f"Deal {n}",
            Amount=1000.0 * (n + 1),
            StageName=stage,
            CloseDate="2026-12-31",
            Probability=dict((s[0], s[3]) for s in STAGES)[stage],
            AccountId=accounts[n]["Id"],
            OwnerId=owner,
        )
    for n in range(3):
        fake.add(
            "Task",
            Subject=f"Call {n}",
            Status="Completed" if n == 0 else "Not Started",
            Priority="Normal",
            ActivityDate="2026-12-01",
            WhoId=contacts[n]["Id"],
            WhatId=accounts[0]["Id"] if n == 1 else None,
            OwnerId=owner,
        )
        fake.add("Note", Title=f"Note {n}", Body=f"Note {n}\nmore", ParentId=contacts[0]["Id"], OwnerId=owner)
    return fake, admin
