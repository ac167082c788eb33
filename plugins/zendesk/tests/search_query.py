"""The part of Zendesk's search syntax the fake understands: ``property<op>value`` terms, ANDed.

Operators ``:`` ``<`` ``>`` ``<=`` ``>=``; statuses compare in Zendesk's order (new < open < pending < hold <
solved < closed); ``updated``/``created`` take a date or an ISO 8601 date-time; ``assignee`` a user id or ``none``;
``type:ticket`` is accepted; other words match the subject or the first comment.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from zendesk_shapes import STATUSES, ZTicket, parse_stamp

_TERM = re.compile(r"^(\w+)(<=|>=|:|<|>)(.+)$")
Term = tuple[str, str, Any]


def _moment(value: str) -> datetime:
    if len(value) == 10:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return parse_stamp(value)


def parse_query(query: str) -> list[Term]:
    """The terms of ``query``; ValueError for a value the property cannot take."""
    terms: list[Term] = []
    for word in query.split():
        found = _TERM.match(word)
        if not found:
            terms.append(("text", ":", word.lower()))
            continue
        name, op, value = found.groups()
        if name == "status" and value not in STATUSES:
            raise ValueError(f"Invalid status value: {value}")
        if name in ("updated", "created"):
            try:
                terms.append((name, op, _moment(value)))
            except ValueError:
                raise ValueError(f"Invalid date value: {value}") from None
            continue
        terms.append((name, op, value))
    return terms


def _compare(left: Any, op: str, right: Any) -> bool:
    results = {":": left == right, "<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}
    return bool(results[op])


def matches(item: ZTicket, terms: list[Term]) -> bool:
    for name, op, value in terms:
        if name == "type" and value == "ticket":
            continue
        if name == "status":
            ok = _compare(STATUSES.index(item.status), op, STATUSES.index(value))
        elif name == "assignee":
            ok = (item.assignee_id is None) if value == "none" else str(item.assignee_id) == value
        elif name in ("updated", "created"):
            ok = _compare(parse_stamp(item.updated_at if name == "updated" else item.created_at), op, value)
        elif name in ("tags", "tag"):
            ok = value in item.tags
        elif name == "priority":
            ok = item.priority == value
        else:
            first = item.comments[0].body if item.comments else ""
            ok = str(value).lower() in f"{item.subject} {first}".lower()
        if not ok:
            return False
    return True
