from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from gateway.catalog.templates import FunctionCall, TemplateError, Variable, alternatives, format_date, parse, render

VALUES = {
    "credentials.username": "ann",
    "credentials.password": "p,w",
    "apiKey": "k-1",
    "connectionConfig.region": "eu",
}


def lookup(variable: Variable) -> str | None:
    return VALUES.get(variable.name)


def test_variables_and_literals() -> None:
    template = parse("https://${connectionConfig.region}.api.example.com/v1?key=${apiKey}")
    assert [v.name for v in template.variables()] == ["connectionConfig.region", "apiKey"]
    assert render(template, lookup) == "https://eu.api.example.com/v1?key=k-1"


def test_nested_function_arguments_keep_their_commas() -> None:
    template = parse("Basic ${base64(${credentials.username}:${credentials.password})}")
    assert render(template, lookup) == "Basic " + base64.b64encode(b"ann:p,w").decode()
    signed = parse("${hmacSha1Hex(a, b, ${apiKey})}")
    part = signed.parts[0]
    assert isinstance(part, FunctionCall) and len(part.arguments) == 2
    expected = hmac.new(b"k-1", b"a, b", hashlib.sha1).hexdigest()
    assert render(signed, lookup) == expected
    assert render(parse("${sha256Hex(x)}"), lookup) == hashlib.sha256(b"x").hexdigest()


def test_now_formats_and_offsets() -> None:
    moment = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert render(parse("${now:YYYY-MM-DDTHH:mm:ss}"), lookup, moment) == "2026-03-04T05:06:07"
    assert render(parse("${now+7:days:YYYY-MM-DD}"), lookup, moment) == "2026-03-11"
    assert render(parse("${now:X}"), lookup, moment) == str(int(moment.timestamp()))
    assert format_date(moment, "ddd, DD MMM YYYY HH:mm:ss ZZ") == "Wed, 04 Mar 2026 05:06:07 +0000"
    assert format_date(moment, "YYYYMMDD[T]HHmmss[Z]") == "20260304T050607Z"


def test_fallback_alternatives_are_split_outside_placeholders() -> None:
    options = alternatives("https://${connectionConfig.hostname}/api || https://api.example.com")
    assert len(options) == 2 and options[1].is_literal


def test_missing_value_names_the_variable() -> None:
    with pytest.raises(TemplateError) as info:
        render(parse("https://${connectionConfig.subdomain}.x.com"), lookup)
    assert info.value.variable == "connectionConfig.subdomain"


@pytest.mark.parametrize(
    ("text", "message"),
    [("${unclosed", "unclosed"), ("${a b}", "cannot read"), ("${awsSigV4(a, b)}", "not supported")],
)
def test_bad_templates(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        render(parse(text), lookup)
