"""The fake's ``POST /crm/v3/objects/{type}/merge`` (``{"primaryObjectId", "objectIdToMerge"}``), as HubSpot
documents contact and company merges since its 2023 change:

- a new record with a new id is made; both old ids keep leading to it (a read by either answers the new record,
  ``hs_merged_object_ids`` lists them) and both old records are archived;
- the primary's values are the current ones, the other record's fill what the primary lacks; for contacts the
  other's email addresses become additional emails (``hs_additional_emails``);
- both records' associations move to the new record.

Refusals: an object type without merges (400), an id HubSpot does not have (404), two ids of one record (400).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hubspot_shapes import CREATED, MODIFIED, HObject, error
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

if TYPE_CHECKING:
    from fake_hubspot import FakeHubSpot

MERGEABLE = ("contacts", "companies", "deals")
COMPUTED = {"hs_object_id", "hs_merged_object_ids", "hs_additional_emails", "email"}


def _emails(item: HObject) -> list[str]:
    found = [item.properties.get("email") or ""]
    found += (item.properties.get("hs_additional_emails") or "").split(";")
    return [e for e in found if e]


def _merged_properties(kind: str, primary: HObject, other: HObject) -> dict[str, Any]:
    """The primary's values, then the other's where the primary has none; emails and merged ids combined."""
    skipped = COMPUTED | {CREATED.get(kind, "createdate"), MODIFIED.get(kind, "hs_lastmodifieddate")}
    values = {k: v for k, v in other.properties.items() if k not in skipped and v is not None}
    values |= {k: v for k, v in primary.properties.items() if k not in skipped and v is not None}
    if kind == "contacts":
        emails = list(dict.fromkeys(_emails(primary) + _emails(other)))
        values["email"] = emails[0] if emails else None
        values["hs_additional_emails"] = ";".join(emails[1:]) or None
    merged_ids = [*(primary.properties.get("hs_merged_object_ids") or "").split(";"), primary.id]
    merged_ids += [*(other.properties.get("hs_merged_object_ids") or "").split(";"), other.id]
    values["hs_merged_object_ids"] = ";".join(i for i in merged_ids if i)
    return values


def _id_of(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) and str(value) else None


async def merge_objects(fake: FakeHubSpot, request: Request) -> Response:
    """Merge ``objectIdToMerge`` into ``primaryObjectId``: a new record, the old ids aliased to it."""
    kind = str(request.path_params["kind"])
    if kind not in MERGEABLE:
        return error(400, f"Merging is not supported for object type {kind}", "VALIDATION_ERROR")
    body = await request.json()
    primary_id, other_id = _id_of(body, "primaryObjectId"), _id_of(body, "objectIdToMerge")
    if primary_id is None or other_id is None:
        missing = "primaryObjectId" if primary_id is None else "objectIdToMerge"
        problem = {"message": "must not be null", "code": "REQUIRED_FIELD", "context": {"field": [missing]}}
        return error(400, f"Invalid input JSON: {missing} is required", "VALIDATION_ERROR", [problem])
    primary, other = fake.live(kind, primary_id), fake.live(kind, other_id)
    if primary is None or other is None:
        unknown = primary_id if primary is None else other_id
        return error(404, f"Object not found. objectId {unknown} of type {kind} does not exist", "OBJECT_NOT_FOUND")
    if primary is other:
        message = f"Cannot merge {kind[:-1]} {other_id} into {primary_id}: both ids are the same record {primary.id}"
        return error(400, message, "VALIDATION_ERROR")
    merged = fake.add(kind, **_merged_properties(kind, primary, other))
    for old in (primary, other):
        for source_kind, source_id, target_kind, target_id in list(fake.links):
            if (source_kind, source_id) == (kind, old.id):
                fake.link(merged, fake.objects[target_kind][target_id])
        fake.retire(old, merged)
    return JSONResponse(merged.json(None))
