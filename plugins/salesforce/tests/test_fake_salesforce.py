"""The fake org answers SOQL and sObject calls in Salesforce's shapes (what the plugin's tests rely on)."""

from __future__ import annotations

import httpx
from fake_salesforce import API
from salesforce_world import seeded


def test_soql_filters_orders_limits_and_refuses_like_salesforce() -> None:
    fake, admin = seeded()
    fake.add("Contact", LastName="O'Brien", Email="o'brien@example.com")
    with fake.run() as url:
        headers = {"Authorization": f"Bearer {fake.session(admin)}"}
        with httpx.Client(base_url=url, headers=headers) as http:

            def query(text: str) -> httpx.Response:
                return http.get(f"{API}/query", params={"q": text})

            found = query("SELECT Id, LastName FROM Contact WHERE Email = 'O\\'BRIEN@example.com'").json()
            assert [r["LastName"] for r in found["records"]] == ["O'Brien"] and found["done"] is True
            assert found["records"][0]["attributes"]["type"] == "Contact"
            ordered = query("SELECT Name FROM Account WHERE (Name LIKE 'G%' OR Name = 'acme') ORDER BY Name DESC")
            assert [r["Name"] for r in ordered.json()["records"]] == ["Globex", "Acme"]
            limited = query("SELECT Id FROM Opportunity WHERE IsClosed = true AND CloseDate >= 2026-01-01 LIMIT 1")
            assert limited.json()["totalSize"] == 1
            malformed = query("SELECT FROM Contact")
            assert malformed.status_code == 400 and malformed.json()[0]["errorCode"] == "MALFORMED_QUERY"
            unknown = query("SELECT Nope__c FROM Contact")
            assert unknown.status_code == 400 and unknown.json()[0]["errorCode"] == "INVALID_FIELD"
            assert unknown.headers["sforce-limit-info"].startswith("api-usage=")
            bad_locator = http.get(f"{API}/query/01gNOPE-200")
            assert bad_locator.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_batches_sobjects_and_sessions() -> None:
    fake, admin = seeded()
    for n in range(250):
        fake.add("Contact", LastName=f"Bulk {n}")
    with fake.run() as url:
        token = fake.session(admin)
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
            first = http.get(
                f"{API}/query",
                params={"q": "SELECT Id FROM Contact"},
                headers={"Sforce-Query-Options": "batchSize=200"},
            ).json()
            assert (len(first["records"]), first["done"], first["totalSize"]) == (200, False, 254)
            rest = http.get(first["nextRecordsUrl"]).json()
            assert len(rest["records"]) == 54 and rest["done"] is True and "nextRecordsUrl" not in rest
            made = http.post(f"{API}/sobjects/Contact", json={"LastName": "New"})
            assert made.status_code == 201 and made.json()["success"] is True and made.json()["errors"] == []
            record = f"{API}/sobjects/Contact/{made.json()['id']}"
            assert http.patch(record, json={"Title": "CTO"}).status_code == 204
            assert http.get(record).json()["Title"] == "CTO"
            refused = http.post(f"{API}/sobjects/Contact", json={"FirstName": "No"})
            assert refused.json() == [
                {
                    "message": "Required fields are missing: [LastName]",
                    "errorCode": "REQUIRED_FIELD_MISSING",
                    "fields": ["LastName"],
                }
            ]
            assert http.delete(record).status_code == 204
            assert http.delete(record).json()[0]["errorCode"] == "ENTITY_IS_DELETED"
            fake.expire_token(token)
            expired = http.get(f"{API}/query", params={"q": "SELECT Id FROM User"})
            assert expired.status_code == 401 and expired.json()[0]["errorCode"] == "INVALID_SESSION_ID"
