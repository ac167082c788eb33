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


@pytest.mark.parametrize(
    ("template", "hostile"),
    [
        (SUBDOMAIN, "evil.com:443"),  # the port would end the host: https://evil.com:443.zendesk.com
        ("https://${connectionConfig.subdomain}:8443/api", "evil.com:443"),
        ("https://api.${connectionConfig.subdomain}.zendesk.com/api", "evil.com:443"),
        ("${connectionConfig.subdomain}.zendesk.com/api", "https://evil.com:443"),  # a whole URL, host continued
        ("${connectionConfig.subdomain}.zendesk.com/api", "https://evil.com"),
        ("https://api.zendesk.com:${connectionConfig.subdomain}/api", "evil.com"),  # after ':' only a port
        ("https://${connectionConfig.host}:${connectionConfig.subdomain}/api", "evil.com:443"),
        (HOSTNAME, "git.acme.io:99999"),
        (HOSTNAME, "git.acme.io:443:80"),
    ],
)
def test_a_port_only_where_the_host_ends(template: str, hostile: str) -> None:
    with pytest.raises(TemplateError) as info:
        render_url(template, values(subdomain=hostile, hostname=hostile, host="acme"))  # type: ignore[arg-type]
    assert str(info.value).startswith(("connection_config.subdomain", "connection_config.hostname"))


def test_legitimate_ports() -> None:
    assert render_url(HOSTNAME, values(hostname="git.acme.io:8443")) == "https://git.acme.io:8443/api/v4"  # type: ignore[arg-type]
    port = "https://api.acme.io:${connectionConfig.port}/v1"
    assert render_url(port, values(port="8443")) == "https://api.acme.io:8443/v1"  # type: ignore[arg-type]
    assert render_url(WHOLE, values(instance_url="https://na1.salesforce.com:8443")) == (  # type: ignore[arg-type]
        "https://na1.salesforce.com:8443/services/data"
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "https://git.acme.io/./admin",
        "https://git.acme.io/.",
        "https://git.acme.io/a/../../admin",
        "https://git.acme.io/..",
        "https://git.acme.io/%2e%2e/admin",
        "https://git.acme.io/%2E/admin",
    ],
)
def test_whole_base_url_without_dot_segments(hostile: str) -> None:
    with pytest.raises(TemplateError, match=r"^connection_config.instance_url: .* \. or \.\. path segment"):
        render_url(WHOLE, values(instance_url=hostile))  # type: ignore[arg-type]
    assert render_url(WHOLE, values(instance_url="https://git.acme.io/gitlab")) == (  # type: ignore[arg-type]
        "https://git.acme.io/gitlab/services/data"
    )


@pytest.mark.parametrize("value", [".", ".."])
def test_dot_path_values_are_refused_whatever_the_template_around_them(value: str) -> None:
    for template in (
        IN_PATH,
        "https://x.com/${connectionConfig.cloudId}",
        "https://x.com/a/${connectionConfig.cloudId}/",
    ):
        with pytest.raises(TemplateError, match="connection_config.cloudId"):
            render_url(template, values(cloudId=value))  # type: ignore[arg-type]


def test_rendered_path_has_no_dot_segment() -> None:
    with pytest.raises(TemplateError, match=r"\. or \.\. segment"):
        render_url("https://x.com/./api/${connectionConfig.cloudId}", values(cloudId="a"))  # type: ignore[arg-type]
