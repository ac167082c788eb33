"""The fake's ``PUT /api/v1/{persons|organizations}/{id}/merge`` with ``{"merge_with_id"}``, as Pipedrive's merge
tutorials describe it: the object of ``merge_with_id`` survives and keeps its values; the fields it has empty take
the other object's; all related data (deals, activities, notes; an organization's persons) moves to it; the object
of the path is removed.

Answers: persons the surviving person (v1 shape, ``merge_what_id`` naming the removed one), organizations
``{"id"}``. Refusals: a missing or non-numeric ``merge_with_id`` (400), an id the company does not have (404),
merging an object with itself or a deleted (``active_flag: false``) one (400).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

if TYPE_CHECKING:
    from fake_pipedrive import FakePipedrive

LINKS = {  # merged kind -> the field other kinds point at it with, and those kinds
    "persons": ("person_id", ("deals", "activities", "notes")),
    "organizations": ("org_id", ("persons", "deals", "activities", "notes")),
}
KEPT = {"id", "add_time", "update_time", "active_flag"}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _filled(survivor: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """The survivor's fields, its empty ones (custom fields one by one) taken from the other object."""
    merged = dict(survivor)
    for name, value in other.items():
        if name in KEPT or _empty(value):
            continue
        if name == "custom_fields" and isinstance(value, dict):
            own = dict(merged.get("custom_fields") or {})
            merged["custom_fields"] = own | {k: v for k, v in value.items() if _empty(own.get(k))}
        elif _empty(merged.get(name)):
            merged[name] = value
    return merged


def _v1_person(person: dict[str, Any], removed: int) -> dict[str, Any]:
    """A v1 person as the merge answers it: ``email``/``phone`` lists, ``merge_what_id``."""
    primary = next((e["value"] for e in person.get("emails") or [] if e.get("primary")), None)
    shown = {k: v for k, v in person.items() if k not in ("emails", "phones", "custom_fields")}
    return {
        **shown,
        **(person.get("custom_fields") or {}),
        "email": person.get("emails") or [],
        "phone": person.get("phones") or [],
        "primary_email": primary,
        "merge_what_id": removed,
    }


async def merge_objects(fake: FakePipedrive, request: Request) -> Response:
    """Merge the object of the path into the one of ``merge_with_id``."""
    from fake_pipedrive import error, now

    kind = str(request.path_params["kind"])
    if kind not in LINKS:
        return error(404, "Unknown method .")
    body = await request.json()
    target = body.get("merge_with_id") if isinstance(body, dict) else None
    if isinstance(target, str) and target.isdigit():
        target = int(target)
    if not isinstance(target, int) or isinstance(target, bool):
        return error(400, "Validation failed: merge_with_id: Parameter 'merge_with_id' is required and a number")
    store = fake.store[kind]
    removed, survivor = store.get(request.path_params["id"]), store.get(target)
    what = kind[:-1]
    if removed is None or survivor is None:
        return error(404, f"{what.capitalize()} not found")
    if removed is survivor:
        return error(400, f"Cannot merge a {what} with itself")
    if removed.get("active_flag") is False or survivor.get("active_flag") is False:
        return error(400, f"A deleted {what} cannot be merged")
    survivor.update(_filled(survivor, removed), update_time=now())
    field, kinds = LINKS[kind]
    for other in kinds:
        for item in fake.store[other].values():
            if item.get(field) == removed["id"]:
                item.update({field: target, "update_time": now()})
    del store[removed["id"]]
    data = _v1_person(survivor, removed["id"]) if kind == "persons" else {"id": target}
    return JSONResponse({"success": True, "data": data})
