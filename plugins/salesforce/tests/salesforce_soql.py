"""The fake Salesforce's SOQL: ``SELECT f, … FROM Type [WHERE …] [ORDER BY f [ASC|DESC], …] [LIMIT n]``.

Conditions: ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``LIKE`` (``%``/``_``, ``\\%`` escapes), ``IN (…)``,
joined by ``AND``/``OR`` with parentheses; values are strings, numbers, ``true``/``false``/``null``, dateTime
(``2024-01-02T03:04:05Z``) and date literals. Text compares case-insensitively, as SOQL does. Refusals are raised as
``SoqlError(errorCode, message)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:\\.|[^'\\])*')|(?P<stamp>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))"
    r"|(?P<date>\d{4}-\d\d-\d\d)|(?P<number>-?\d+(?:\.\d+)?)|(?P<op><=|>=|!=|<>|=|<|>)|(?P<punct>[(),])"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))"
)
Record = dict[str, Any]
Test = Callable[[Record], bool]


class SoqlError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Query:
    fields: list[str]
    sobject: str
    where: Test = lambda record: True
    order: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    limit: int | None = None
    named: set[str] = field(default_factory=set)  # every field the query names

    def run(self, records: list[Record]) -> list[Record]:
        found = [r for r in records if self.where(r)]
        for name, descending in reversed(self.order):
            found.sort(key=lambda r: _sortable(r.get(name)), reverse=descending)
        return found[: self.limit] if self.limit is not None else found


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")  # nulls first, as SOQL's default
    return (1, value.lower() if isinstance(value, str) else value)


def as_time(value: Any) -> datetime | date | None:
    """A record's or literal's dateTime (``+0000`` offsets) or date."""
    if not isinstance(value, str):
        return None
    text = value.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        return datetime.fromisoformat(text).astimezone(UTC) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return None


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(text.rstrip()):
            found = TOKEN.match(text, position)
            if found is None or found.end() == position:
                raise SoqlError("MALFORMED_QUERY", f"unexpected token: {text[position:].split()[0]!r}")
            kind = found.lastgroup or ""
            self.tokens.append((kind, found.group(kind)))
            position = found.end()
        self.at = 0
        self.named: set[str] = set()

    def peek(self, *words: str) -> bool:
        if self.at >= len(self.tokens):
            return False
        kind, value = self.tokens[self.at]
        return not words or value.upper() in words or value in words

    def take(self, *words: str) -> str:
        if not self.peek(*words):
            got = self.tokens[self.at][1] if self.at < len(self.tokens) else "end of query"
            expected = f", expected {words[0]}" if words else ""
            raise SoqlError("MALFORMED_QUERY", f"unexpected token: {got!r}{expected}")
        self.at += 1
        return self.tokens[self.at - 1][1]

    def name(self) -> str:
        if self.at >= len(self.tokens) or self.tokens[self.at][0] != "word":
            return self.take("a field name")
        self.named.add(self.tokens[self.at][1])
        return self.take()

    def query(self) -> Query:
        self.take("SELECT")
        fields = [self.name()]
        while self.peek(","):
            self.take(",")
            fields.append(self.name())
        self.take("FROM")
        sobject = self.take()
        query = Query(fields, sobject)
        if self.peek("WHERE"):
            self.take("WHERE")
            query.where = self.disjunction()
        if self.peek("ORDER"):
            self.take("ORDER")
            self.take("BY")
            query.order.append(self.ordering())
            while self.peek(","):
                self.take(",")
                query.order.append(self.ordering())
        if self.peek("LIMIT"):
            self.take("LIMIT")
            query.limit = int(self.take())
        if self.at < len(self.tokens):
            raise SoqlError("MALFORMED_QUERY", f"unexpected token: {self.tokens[self.at][1]!r}")
        query.named = self.named
        return query

    def ordering(self) -> tuple[str, bool]:
        name = self.name()
        descending = self.peek("DESC")
        if self.peek("ASC", "DESC"):
            self.take()
        return name, descending

    def disjunction(self) -> Test:
        tests = [self.conjunction()]
        while self.peek("OR"):
            self.take()
            tests.append(self.conjunction())
        return lambda r: any(t(r) for t in tests)

    def conjunction(self) -> Test:
        tests = [self.atom()]
        while self.peek("AND"):
            self.take()
            tests.append(self.atom())
        return lambda r: all(t(r) for t in tests)

    def atom(self) -> Test:
        if self.peek("NOT"):
            self.take()
            inner = self.atom()
            return lambda r: not inner(r)
        if self.peek("("):
            self.take("(")
            inner = self.disjunction()
            self.take(")")
            return inner
        name = self.name()
        if self.peek("LIKE"):
            self.take()
            pattern = _like(self.value())
            return lambda r: isinstance(r.get(name), str) and bool(pattern.fullmatch(r[name]))
        if self.peek("IN"):
            self.take()
            self.take("(")
            values = [self.value()]
            while self.peek(","):
                self.take(",")
                values.append(self.value())
            self.take(")")
            return lambda r: any(_compare(r.get(name), "=", v) for v in values)
        operator = self.take("=", "!=", "<>", "<", "<=", ">", ">=")
        value = self.value()
        if isinstance(value, str):
            value = re.sub(r"\\(.)", r"\1", value)
        return lambda r: _compare(r.get(name), operator, value)

    def value(self) -> Any:
        kind, text = self.tokens[self.at] if self.at < len(self.tokens) else ("", "")
        self.take()
        if kind == "string":
            quoted = {"n": "\n", "r": "\r", "t": "\t", "'": "'", '"': '"'}  # \\, \% and \_ stay for LIKE
            return re.sub(r"\\(.)", lambda m: quoted.get(m.group(1), m.group(0)), text[1:-1])
        if kind in ("stamp", "date"):
            return as_time(text)
        if kind == "number":
            return float(text)
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        if text.lower() == "null":
            return None
        raise SoqlError("MALFORMED_QUERY", f"unexpected token: {text!r}")


def _like(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\\\\|\\%|\\_|%|_)", pattern)
    wild = {"%": ".*", "_": ".", "\\%": "%", "\\_": "_", "\\\\": "\\\\"}
    return re.compile("".join(wild[p] if p in wild else re.escape(p.replace("\\'", "'")) for p in parts), re.I | re.S)


def _compare(actual: Any, operator: str, expected: Any) -> bool:
    if isinstance(expected, datetime | date):
        actual = as_time(actual)
        if isinstance(expected, datetime) and isinstance(actual, date) and not isinstance(actual, datetime):
            actual = datetime(actual.year, actual.month, actual.day, tzinfo=UTC)
    elif isinstance(expected, str) and isinstance(actual, str):
        actual, expected = actual.lower(), expected.lower()
    elif isinstance(expected, float) and isinstance(actual, int | float) and not isinstance(actual, bool):
        actual = float(actual)
    if operator in ("=", "!=", "<>"):
        same = actual == expected
        return same if operator == "=" else not same
    if actual is None or expected is None or type(actual) is not type(expected):
        return False
    return {"<": actual < expected, "<=": actual <= expected, ">": actual > expected, ">=": actual >= expected}[
        operator
    ]


def parse(text: str, known: Callable[[str], Collection[str] | None]) -> Query:
    """The query, checked against ``known(sobject)`` (the type's fields; None for a type the org lacks)."""
    query = _Parser(text).query()
    fields = known(query.sobject)
    if fields is None:
        message = f"sObject type '{query.sobject}' is not supported. Check the spelling of the name."
        raise SoqlError("INVALID_TYPE", message)
    lowered = {f.lower() for f in fields}
    for name in sorted(query.named):
        if name.lower() not in lowered:
            message = f"No such column '{name}' on entity '{query.sobject}'. Check the spelling of the field name."
            raise SoqlError("INVALID_FIELD", message)
    return query
