"""Hostile end-user values never move a request to another host or path."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from gateway.catalog.safe_urls import render_header, render_url
from gateway.catalog.templates import TemplateError, Variable

SUBDOMAIN = "https://${connectionConfig.subdomain}.zendesk.com/api/v2"
HOSTNAME = "https://${connectionConfig.hostname}/api/v4 || https://gitlab.com/api/v4"
IN_PATH = "https://api.atlassian.com/ex/jira/${connectionConfig.cloudId}/rest"
WHOLE = "${connectionConfig.instance_url}/services/data"

HOSTILE = [
    "evil.com/x?",
    "a.b@evil.com",
    "../",
    "..",
    "%2e%2e",
    "a\nb",
    "",
    "evil.com#",
    "evil.com:80@x",
    "\\\\evil.com",
    "a/../../b",
    "x?y=1",
    " acme",
    "acme.zendesk.com.evil.com/",
    "ac me",
    "%00",
    "a\rb",
    "http://evil.com",
]


def values(**config: str) -> object:
    def lookup(variable: Variable) -> str | None:
        return config.get(variable.key or "") if variable.root == "connectionConfig" else None

    return lookup


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_subdomain_is_refused(hostile: str) -> None:
    with pytest.raises(TemplateError) as info:
        render_url(SUBDOMAIN, values(subdomain=hostile))  # type: ignore[arg-type]
    assert str(info.value).startswith("connection_config.subdomain")


@pytest.mark.parametrize("hostile", [h for h in HOSTILE if h])
def test_hostile_path_value_is_refused(hostile: str) -> None:
    with pytest.raises(TemplateError) as info:
        render_url(IN_PATH, values(cloudId=hostile))  # type: ignore[arg-type]
    assert str(info.value).startswith("connection_config.cloudId")


@pytest.mark.parametrize("hostile", [h for h in HOSTILE if h])
def test_hostile_hostname_never_leaves_the_given_host(hostile: str) -> None:
    try:
        url = render_url(HOSTNAME, values(hostname=hostile))  # type: ignore[arg-type]
    except TemplateError as exc:
        assert str(exc).startswith("connection_config.hostname")
        return
    pytest.fail(f"{hostile!r} was accepted as {url!r}")


@pytest.mark.parametrize(
    "hostile",
    [
        "javascript:alert(1)",
        "http://user:pw@evil.com",
        "https://x.com/?q=1",
        "ftp://x",
        "https://x.com#frag",
        "//evil.com",
        "",
    ],
)
def test_hostile_whole_base_url_is_refused(hostile: str) -> None:
    with pytest.raises(TemplateError):
        render_url(WHOLE, values(instance_url=hostile))  # type: ignore[arg-type]


def test_legitimate_values() -> None:
    assert render_url(SUBDOMAIN, values(subdomain="acme-corp")) == "https://acme-corp.zendesk.com/api/v2"  # type: ignore[arg-type]
    assert render_url(HOSTNAME, values(hostname="git.acme.io:8443")) == "https://git.acme.io:8443/api/v4"  # type: ignore[arg-type]
    assert render_url(HOSTNAME, values()) == "https://gitlab.com/api/v4"  # type: ignore[arg-type]
    cloud = "11223344-a1b2-3b33-c444-def123456789"
    assert urlsplit(render_url(IN_PATH, values(cloudId=cloud))).path == f"/ex/jira/{cloud}/rest"  # type: ignore[arg-type]
    assert render_url(WHOLE, values(instance_url="https://na1.salesforce.com/")) == (  # type: ignore[arg-type]
        "https://na1.salesforce.com/services/data"
    )


def test_empty_value_falls_back_or_names_the_field() -> None:
    assert render_url(HOSTNAME, values(hostname="")) == "https://gitlab.com/api/v4"  # type: ignore[arg-type]
    with pytest.raises(TemplateError, match="connection_config.subdomain: required"):
        render_url(SUBDOMAIN, values(subdomain=""))  # type: ignore[arg-type]


def test_query_values_are_encoded() -> None:
    url = render_url("https://x.com/api?site=${connectionConfig.site}", values(site="a&b=c#d"))  # type: ignore[arg-type]
    assert url == "https://x.com/api?site=a%26b%3Dc%23d"


def test_header_values_cannot_inject_lines() -> None:
    def lookup(variable: Variable) -> str:
        return "k\r\nX-Evil: 1"

    with pytest.raises(TemplateError, match="line breaks"):
        render_header("Bearer ${apiKey}", lookup)
