from __future__ import annotations

from pathlib import Path

import pytest

from gateway.catalog.loader import CatalogError, deep_merge, load_catalog

ENTERPRISE = "github:\n  proxy:\n    base_url: https://ghe.acme.internal/api/v3\n"


def test_override_changes_one_key_and_keeps_the_rest(tmp_path: Path) -> None:
    override = tmp_path / "ghe.yaml"
    override.write_text(ENTERPRISE)
    base = load_catalog()
    catalog = load_catalog(overrides=[override])
    assert catalog["github"]["proxy"]["base_url"] == "https://ghe.acme.internal/api/v3"
    assert catalog["github"]["proxy"]["retry"] == base["github"]["proxy"]["retry"]
    assert catalog["github"]["authorization_url"] == base["github"]["authorization_url"]


def test_later_files_win(tmp_path: Path) -> None:
    first, second = tmp_path / "1.yaml", tmp_path / "2.yaml"
    first.write_text(ENTERPRISE)
    second.write_text(ENTERPRISE.replace("ghe.acme.internal", "127.0.0.1:9999"))
    catalog = load_catalog(overrides=[first, second])
    assert catalog["github"]["proxy"]["base_url"] == "https://127.0.0.1:9999/api/v3"


def test_plugin_contributions_sit_between_root_and_operator(tmp_path: Path) -> None:
    contributed = {
        "acme": {
            "display_name": "Acme",
            "docs": "https://acme.test/docs",
            "auth_mode": "API_KEY",
            "categories": ["crm"],
            "proxy": {"base_url": "https://api.acme.test"},
        }
    }
    override = tmp_path / "o.yaml"
    override.write_text("acme:\n  proxy:\n    base_url: http://127.0.0.1:8080\n")
    catalog = load_catalog(contributed=[("unigate-acme", contributed)], overrides=[override])
    assert catalog["acme"]["display_name"] == "Acme"
    assert catalog["acme"]["proxy"]["base_url"] == "http://127.0.0.1:8080"


def test_alias_is_a_shallow_overlay(tmp_path: Path) -> None:
    extra = tmp_path / "alias.yaml"
    extra.write_text("github-ghe:\n  alias: github\n  display_name: GHE\n  proxy:\n    base_url: https://ghe.test\n")
    catalog = load_catalog(overrides=[extra])
    entry = catalog["github-ghe"]
    assert entry["auth_mode"] == catalog["github"]["auth_mode"] and entry["display_name"] == "GHE"
    assert entry["proxy"] == {"base_url": "https://ghe.test"}  # proxy replaced whole, as Nango does


def test_cache_is_used_and_invalidated_by_content(tmp_path: Path) -> None:
    override = tmp_path / "o.yaml"
    override.write_text(ENTERPRISE)
    cache = tmp_path / "cache"
    first = load_catalog(overrides=[override], cache_dir=cache)
    assert len(list(cache.iterdir())) == 1
    assert dict(load_catalog(overrides=[override], cache_dir=cache)) == dict(first)
    override.write_text(ENTERPRISE.replace("ghe.acme.internal", "other.test"))
    assert load_catalog(overrides=[override], cache_dir=cache)["github"]["proxy"]["base_url"] == (
        "https://other.test/api/v3"
    )


def test_dates_stay_strings(tmp_path: Path) -> None:
    extra = tmp_path / "d.yaml"
    extra.write_text("notion:\n  proxy:\n    headers:\n      notion-version: 2022-06-28\n")
    assert load_catalog(overrides=[extra])["notion"]["proxy"]["headers"]["notion-version"] == "2022-06-28"


@pytest.mark.parametrize(
    ("text", "message"),
    [("a: [1, 2", "not valid YAML"), ("- a\n- b\n", "must map provider names to entries")],
)
def test_unreadable_files_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(CatalogError, match=f"{bad}: {message}"):
        load_catalog(overrides=[bad])
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(overrides=[tmp_path / "missing.yaml"])


def test_deep_merge_does_not_touch_its_inputs() -> None:
    base = {"proxy": {"base_url": "a", "headers": {"x": "1"}}}
    merged = deep_merge(base, {"proxy": {"headers": {"y": "2"}}})
    assert merged == {"proxy": {"base_url": "a", "headers": {"x": "1", "y": "2"}}}
    assert base == {"proxy": {"base_url": "a", "headers": {"x": "1"}}}
