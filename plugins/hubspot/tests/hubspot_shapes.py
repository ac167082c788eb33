"""HubSpot's answer shapes for the fake: objects, errors, pipelines, owners, property definitions, association types.

Facts from HubSpot's public API reference (CRM v3 objects, v4 associations, properties, pipelines, owners): property
values are strings, timestamps ``2024-03-01T09:00:00.000Z``, ids numeric strings, errors ``{"status": "error",
"message", "correlationId", "category", "errors"?}``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.responses import JSONResponse

from gateway.testing.fake_errors import json_error

STANDARD = {  # the HubSpot-defined properties the fake knows, per object type
    "contacts": (
        "firstname", "lastname", "jobtitle", "email", "hs_additional_emails", "phone", "mobilephone", "address",
        "city", "state", "zip", "country", "hubspot_owner_id", "notes_last_updated", "createdate",
        "lastmodifieddate", "hs_object_id", "lifecyclestage", "hs_merged_object_ids",
    ),
    "companies": (
        "name", "domain", "website", "industry", "description", "numberofemployees", "phone", "address", "city",
        "state", "zip", "country", "hubspot_owner_id", "notes_last_updated", "createdate", "hs_lastmodifieddate",
        "hs_object_id", "hs_merged_object_ids",
    ),
    "deals": (
        "dealname", "amount", "deal_currency_code", "pipeline", "dealstage", "closedate",
        "hs_deal_stage_probability", "hs_is_closed", "hs_is_closed_won", "hubspot_owner_id", "description",
        "notes_last_updated", "createdate", "hs_lastmodifieddate", "hs_object_id",
    ),
    "notes": (
        "hs_note_body", "hs_timestamp", "hubspot_owner_id", "hs_createdate", "hs_lastmodifieddate", "hs_object_id",
    ),
    "tasks": (
        "hs_task_subject", "hs_task_body", "hs_task_status", "hs_task_priority", "hs_timestamp",
        "hs_task_completion_date", "hubspot_owner_id", "hs_createdate", "hs_lastmodifieddate", "hs_object_id",
    ),
}  # fmt: skip
READ_ONLY = {
    "createdate",
    "lastmodifieddate",
    "hs_lastmodifieddate",
    "hs_createdate",
    "hs_object_id",
    "hs_is_closed",
    "hs_is_closed_won",
    "hs_deal_stage_probability",
    "hs_task_completion_date",
    "hs_additional_emails",
    "notes_last_updated",
    "hs_merged_object_ids",
}
DATETIMES = {"createdate", "lastmodifieddate", "hs_lastmodifieddate", "hs_createdate", "closedate", "hs_timestamp"}
DEFAULTS = {  # properties every read answers, asked for or not
    "contacts": ("createdate", "hs_object_id", "lastmodifieddate"),
}
MODIFIED = {"contacts": "lastmodifieddate"}  # the others: hs_lastmodifieddate
CREATED = {"notes": "hs_createdate", "tasks": "hs_createdate"}  # the others: createdate
TASK_STATUSES = ("NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED")
TYPE_IDS = {  # (from, to) -> the HUBSPOT_DEFINED default association type
    ("contacts", "companies"): 279,
    ("companies", "contacts"): 280,
    ("deals", "contacts"): 3,
    ("contacts", "deals"): 4,
    ("deals", "companies"): 341,
    ("companies", "deals"): 342,
    ("notes", "contacts"): 202,
    ("contacts", "notes"): 201,
    ("notes", "companies"): 190,
    ("companies", "notes"): 189,
    ("notes", "deals"): 214,
    ("deals", "notes"): 213,
    ("tasks", "contacts"): 204,
    ("contacts", "tasks"): 203,
    ("tasks", "companies"): 192,
    ("companies", "tasks"): 191,
    ("tasks", "deals"): 216,
    ("deals", "tasks"): 215,
}
DEFAULT_STAGES = (  # HubSpot's default sales pipeline: (id, label, probability, closed)
    ("appointmentscheduled", "Appointment Scheduled", "0.2", False),
    ("qualifiedtobuy", "Qualified To Buy", "0.4", False),
    ("presentationscheduled", "Presentation Scheduled", "0.6", False),
    ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8", False),
    ("contractsent", "Contract Sent", "0.9", False),
    ("closedwon", "Closed Won", "1.0", True),
    ("closedlost", "Closed Lost", "0.0", True),
)


def stamp(moment: datetime | None = None) -> str:
    """A HubSpot timestamp: UTC with milliseconds and ``Z``."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_moment(value: Any) -> datetime | None:
    """A timestamp as HubSpot reads one: epoch milliseconds or ISO 8601."""
    text = str(value or "").strip()
    if not text:
        return None
    if text.lstrip("-").isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class HObject:
    """One CRM object the fake holds."""

    id: str
    kind: str
    properties: dict[str, str | None]
    created: datetime
    updated: datetime
    archived: bool = False

    def json(self, names: list[str] | None) -> dict[str, Any]:
        shown = set(names if names is not None else STANDARD[self.kind][:3]) | set(DEFAULTS.get(self.kind, ()))
        return {
            "id": self.id,
            "properties": {name: self.properties.get(name) for name in sorted(shown)},
            "createdAt": stamp(self.created),
            "updatedAt": stamp(self.updated),
            "archived": self.archived,
        }


@dataclass
class Owner:
    id: str
    email: str
    first_name: str
    last_name: str
    user_id: int
    created: datetime
    archived: bool = False
    teams: list[dict[str, Any]] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "type": "PERSON",
            "firstName": self.first_name,
            "lastName": self.last_name,
            "userId": self.user_id,
            "userIdIncludingInactive": self.user_id,
            "createdAt": stamp(self.created),
            "updatedAt": stamp(self.created),
            "archived": self.archived,
            "teams": self.teams,
        }


def property_definition(kind: str, name: str, custom: bool, kind_of: str = "string") -> dict[str, Any]:
    """A property as ``/crm/v3/properties/{type}`` answers it; custom ones carry no ``hubspotDefined``."""
    found: dict[str, Any] = {
        "name": name,
        "label": name.replace("_", " ").title(),
        "type": "datetime" if name in DATETIMES else kind_of,
        "fieldType": "date" if name in DATETIMES else "text",
        "groupName": f"{kind[:-1]}information",
        "description": "",
        "options": [],
        "displayOrder": -1,
        "calculated": name in READ_ONLY,
        "hasUniqueValue": name == "email",
        "hidden": False,
        "formField": not custom,
        "modificationMetadata": {
            "archivable": custom,
            "readOnlyDefinition": not custom,
            "readOnlyValue": name in READ_ONLY,
        },
        "createdAt": "2019-08-06T02:41:52.000Z",
        "updatedAt": "2019-08-06T02:41:52.000Z",
        "archived": False,
    }
    if not custom:
        found["hubspotDefined"] = True
    return found


def error(status: int, message: str, category: str, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
    }
    if errors is not None:
        body["errors"] = errors
    return json_error(status, body)


def not_found() -> JSONResponse:
    return error(404, "resource not found", "OBJECT_NOT_FOUND")


def invalid_property(name: str, code: str, message: str) -> JSONResponse:
    """HubSpot's refusal of a property value: the list in ``message`` and the property in ``errors[].context``."""
    listed = f'[{{"isValid":false,"message":"{message}","error":"{code}","name":"{name}"}}]'
    problem = {"message": message, "code": code, "context": {"propertyName": [name]}}
    return error(400, f"Property values were not valid: {listed}", "VALIDATION_ERROR", [problem])
