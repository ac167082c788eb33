"""Unified write bodies to Salesforce record fields (pure): each returns ``(fields, warnings)``.

Only the fields sent are written; a field sent as null (or ``[]``) clears the record's field (JSON null clears in
the REST API). Custom fields are written by their API names (``Tier__c``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.provider import ProviderError, format_time
from unified_models import FieldWarning, TaskStatus
from unigate_salesforce.common import custom_written, kind_of, record_id
from unigate_salesforce.mappers import ADDRESS_PARTS

Body = tuple[dict[str, Any], list[FieldWarning]]
CONTACT_FIELDS = {  # Salesforce field -> unified field (refusals name the Salesforce one)
    "FirstName": "first_name",
    "LastName": "last_name",
    "Title": "title",
    "Email": "email_addresses",
    "Phone": "phone_numbers",
    "MobilePhone": "phone_numbers",
    "HomePhone": "phone_numbers",
    "OtherPhone": "phone_numbers",
    **{f"Mailing{part}": "addresses" for part in ADDRESS_PARTS},
    "AccountId": "companies",
    "OwnerId": "owner",
}
COMPANY_FIELDS = {
    "Name": "name",
    "Website": "website",
    "Industry": "industry",
    "Description": "description",
    "NumberOfEmployees": "number_of_employees",
    "Phone": "phone_numbers",
    **{f"Billing{part}": "addresses" for part in ADDRESS_PARTS},
    "OwnerId": "owner",
}
DEAL_FIELDS = {
    "Name": "name",
    "Amount": "amount",
    "CurrencyIsoCode": "currency",
    "StageName": "stage",
    "CloseDate": "close_date",
    "Probability": "probability",
    "AccountId": "companies",
    "OwnerId": "owner",
    "Description": "description",
}
TASK_FIELDS = {
    "Subject": "subject",
    "Description": "content",
    "ActivityDate": "due_at",
    "Status": "status",
    "WhoId": "contacts",
    "WhatId": "deals",
    "OwnerId": "owner",
}
NOTE_FIELDS = {"Body": "content", "Title": "content", "ParentId": "contacts", "OwnerId": "owner"}
PHONE_FIELDS = {"mobile": "MobilePhone", "cell": "MobilePhone", "home": "HomePhone", "other": "OtherPhone"}


def _simple(fields: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {remote: fields[unified] for unified, remote in names.items() if unified in fields}


def _owner(fields: Mapping[str, Any]) -> dict[str, Any]:
    if "owner" not in fields:
        return {}
    owner = fields["owner"]
    return {"OwnerId": record_id(owner, "owner") if owner else None}


def _single(fields: Mapping[str, Any], name: str, what: str) -> str | None:
    """The one id of a link list (``companies``); 400 for more than one."""
    ids = list(fields.get(name) or [])
    if len(ids) > 1:
        raise ProviderError(400, "invalid_request", f"{name}: {what}; send one id", field=name)
    return record_id(ids[0], name) if ids else None


def _address(fields: Mapping[str, Any], prefix: str, warnings: list[FieldWarning]) -> dict[str, Any]:
    if "addresses" not in fields:
        return {}
    found = list(fields["addresses"] or [])
    if len(found) > 1:
        message = f"Salesforce keeps one {prefix.lower()} address here; only the first was written"
        warnings.append(FieldWarning(field="addresses", message=message))
    first = found[0] if found else {}
    names = {"Street": "street", "City": "city", "State": "state", "PostalCode": "postal_code", "Country": "country"}
    return {prefix + part: first.get(unified) for part, unified in names.items()}


def _custom(fields: Mapping[str, Any]) -> dict[str, Any]:
    return custom_written(fields["custom_fields"] or {}) if "custom_fields" in fields else {}


def contact_body(fields: Mapping[str, Any]) -> Body:
    warnings: list[FieldWarning] = []
    body = _simple(fields, {"first_name": "FirstName", "last_name": "LastName", "title": "Title"})
    if "email_addresses" in fields:
        found = list(fields["email_addresses"] or [])
        primary = next((e for e in found if e.get("is_primary")), found[0] if found else None)
        body["Email"] = primary["email"] if primary else None
        if len(found) > 1:
            message = "Salesforce keeps one email address per contact; only the primary was written"
            warnings.append(FieldWarning(field="email_addresses", message=message))
    if "phone_numbers" in fields:
        numbers: dict[str, Any] = {"Phone": None, "MobilePhone": None, "HomePhone": None, "OtherPhone": None}
        left = []
        for phone in fields["phone_numbers"] or []:
            name = PHONE_FIELDS.get((phone.get("type") or "").lower(), "Phone")
            if numbers[name] is None:
                numbers[name] = phone["number"]
            else:
                left.append(phone)
        if left:
            message = "Salesforce keeps one phone, mobile, home and other number per contact; the rest were not written"
            warnings.append(FieldWarning(field="phone_numbers", message=message))
        body.update(numbers)
    body.update(_address(fields, "Mailing", warnings))
    if "companies" in fields:
        body["AccountId"] = _single(fields, "companies", "a Salesforce contact belongs to one account")
    return {**body, **_owner(fields), **_custom(fields)}, warnings


def company_body(fields: Mapping[str, Any]) -> Body:
    warnings: list[FieldWarning] = []
    names = {
        "name": "Name",
        "industry": "Industry",
        "description": "Description",
        "number_of_employees": "NumberOfEmployees",
    }
    body = _simple(fields, names)
    if "website" in fields or "domain" in fields:
        domain = fields.get("domain")
        body["Website"] = fields.get("website") or (f"https://{domain}" if domain else None)
    if "phone_numbers" in fields:
        found = list(fields["phone_numbers"] or [])
        body["Phone"] = found[0]["number"] if found else None
        if len(found) > 1:
            message = "Salesforce keeps one phone number per account; only the first was written"
            warnings.append(FieldWarning(field="phone_numbers", message=message))
    body.update(_address(fields, "Billing", warnings))
    return {**body, **_owner(fields), **_custom(fields)}, warnings


def deal_body(fields: Mapping[str, Any]) -> Body:
    """The opportunity's fields; ``status`` is left to the caller (it needs the stages to pick one)."""
    warnings: list[FieldWarning] = []
    names = {
        "name": "Name",
        "amount": "Amount",
        "currency": "CurrencyIsoCode",
        "stage": "StageName",
        "probability": "Probability",
        "description": "Description",
    }
    body = _simple(fields, names)
    if "close_date" in fields:
        body["CloseDate"] = fields["close_date"].isoformat() if fields["close_date"] else None
    if "companies" in fields:
        body["AccountId"] = _single(fields, "companies", "a Salesforce opportunity has one account")
    if fields.get("contacts"):
        message = "Salesforce links contacts to an opportunity through contact roles; they were not written"
        warnings.append(FieldWarning(field="contacts", message=message))
    pipeline = fields.get("pipeline")
    if pipeline not in (None, "default"):
        message = f"pipeline: Salesforce has one set of opportunity stages, pipeline 'default', not {pipeline!r}"
        raise ProviderError(422, "invalid_request", message, field="pipeline")
    return {**body, **_owner(fields), **_custom(fields)}, warnings


def task_links(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``WhoId`` (a contact) and ``WhatId`` (a company or a deal) of the links sent."""
    body: dict[str, Any] = {}
    if "contacts" in fields:
        body["WhoId"] = _single(fields, "contacts", "a Salesforce task names one contact")
    if "companies" in fields or "deals" in fields:
        what = [*(fields.get("companies") or []), *(fields.get("deals") or [])]
        if len(what) > 1:
            message = "a Salesforce task is related to one account or opportunity; send one id in all"
            raise ProviderError(400, "invalid_request", f"deals: {message}", field="deals")
        body["WhatId"] = record_id(what[0], "deals" if fields.get("deals") else "companies") if what else None
    return body


def task_body(fields: Mapping[str, Any], creating: bool) -> Body:
    warnings: list[FieldWarning] = []
    body = {**_simple(fields, {"subject": "Subject", "content": "Description"}), **task_links(fields)}
    if "due_at" in fields:
        due = fields["due_at"]
        body["ActivityDate"] = format_time(due, "date") if due else None
        if due and (due.hour, due.minute, due.second) != (0, 0, 0):
            message = "Salesforce keeps a task's due date, not its time; the time was not written"
            warnings.append(FieldWarning(field="due_at", message=message))
    if fields.get("status") is not None or creating:
        body["Status"] = "Completed" if fields.get("status") == TaskStatus.COMPLETED else "Not Started"
    return {**body, **_owner(fields), **_custom(fields)}, warnings


def note_body(fields: Mapping[str, Any]) -> Body:
    """A classic note: ``Title`` is the content's first line (80 characters at most), ``ParentId`` its one link."""
    parents = [*(fields.get("contacts") or []), *(fields.get("companies") or []), *(fields.get("deals") or [])]
    if len(parents) != 1:
        message = "a Salesforce note is on one record; send one id in contacts, companies or deals"
        raise ProviderError(400, "invalid_request", f"contacts: {message}", field="contacts")
    parent = record_id(parents[0], "contacts" if fields.get("contacts") else "companies")
    if kind_of(parent) not in ("contacts", "companies", "deals"):
        message = f"contacts: {parent!r} is not a contact (003…), account (001…) or opportunity (006…) id"
        raise ProviderError(400, "invalid_id", message, field="contacts")
    content = str(fields["content"])
    title = next((line.strip() for line in content.splitlines() if line.strip()), content.strip())[:80]
    body = {"Title": title or "Note", "Body": content, "ParentId": parent}
    return {**body, **_owner(fields), **_custom(fields)}, []
