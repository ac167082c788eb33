from __future__ import annotations

from pathlib import Path

import pytest

from gateway.catalog.loader import CatalogError, check_catalog_files, load_catalog

ZENDESK = """\
zendesk:
  display_name: Zendesk
  categories: [ticketing]
  docs: https://developer.zendesk.com/api-reference/
  auth_mode: OAUTH2
  authorization_url: https://${connectionConfig.subdomain}.zendesk.com/oauth/authorizations/new
  token_url: https://${connectionConfig.subdomain}.zendesk.com/oauth/tokens
  proxy:
    base_url: https://${connectionConfig.subdomian}.zendesk.com
  connection_config:
    subdomain:
      type: string
      title: Subdomain
      description: Your Zendesk subdomain
      pattern: '^[a-z0-9-]+$'
      example: acme
"""


def write(tmp_path: Path, text: str, name: str = "providers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def messages(path: Path, strict: bool = True) -> list[str]:
    return [f"{p.severity}: {p}" for p in check_catalog_files([path], strict=strict)[1]]


def test_unknown_variable_names_file_provider_key_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, ZENDESK)
    assert messages(path) == [
        f"error: {path}: zendesk: proxy.base_url: unknown variable ${{connectionConfig.subdomian}} "
        "(did you mean subdomain?)"
    ]


def test_unknown_keys_suggest_the_right_one(tmp_path: Path) -> None:
    text = ZENDESK.replace("subdomian", "subdomain").replace("  proxy:\n", "  proxi: {}\n  proxy:\n")
    text = text.replace("      title: Subdomain", "      titel: Subdomain\n      title: Subdomain")
    found = messages(write(tmp_path, text))
    assert any("zendesk: proxi: unknown key (did you mean proxy?)" in m for m in found)
    assert any("zendesk: connection_config.subdomain.titel: unknown key (did you mean title?)" in m for m in found)


def test_lenient_mode_keeps_unknown_keys_as_warnings(tmp_path: Path) -> None:
    text = ZENDESK.replace("subdomian", "subdomain").replace("  proxy:\n", "  brand_new_key: 1\n  proxy:\n")
    path = write(tmp_path, text)
    assert all(m.startswith("warning:") for m in messages(path, strict=False))
    catalog = load_catalog(files=[], overrides=[path])
    assert catalog["zendesk"]["brand_new_key"] == 1
    assert any("brand_new_key: unknown key" in w for w in catalog.warnings)
    with pytest.raises(CatalogError, match="brand_new_key: unknown key"):
        load_catalog(files=[path])


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (("auth_mode: OAUTH2", "auth_mode: OAUTH3"), "auth_mode: Input should be"),
        (("  display_name: Zendesk\n", ""), "zendesk: display_name: missing"),
        (("example: acme", "example: ACME!"), "does not match its own pattern"),
        (("pattern: '^[a-z0-9-]+$'", "pattern: '^[a-z'"), "pattern: not a valid regex"),
        (("zendesk:", "Zendesk:"), "provider names use lower-case letters"),
        (("base_url: https://${connectionConfig.subdomain}", "base_url: https://${connectionConfig.x"), "unclosed"),
        (
            ("base_url: https://${connectionConfig.subdomain}", "base_url: https://${secrets.x}"),
            "unknown variable ${secrets.x}",
        ),
    ],
)
def test_each_problem_is_reported(tmp_path: Path, replace: tuple[str, str], expected: str) -> None:
    text = ZENDESK.replace("subdomian", "subdomain").replace(*replace)
    found = messages(write(tmp_path, text))
    assert any(expected in m for m in found), found


def test_alias_problems(tmp_path: Path) -> None:
    cycle = write(
        tmp_path, "a:\n  alias: b\n  display_name: A\n  docs: d\nb:\n  alias: a\n  display_name: B\n  docs: d\n"
    )
    assert any("alias: cycle" in m for m in messages(cycle))
    unknown = write(tmp_path, "a:\n  alias: nowhere\n  display_name: A\n  docs: d\n", "unknown.yaml")
    assert any("alias: unknown provider 'nowhere'" in m for m in messages(unknown))
