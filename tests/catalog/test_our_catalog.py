"""Unigate's own providers.yaml: large, complete, clean under the strict checks, and our own writing."""

from __future__ import annotations

import re

from gateway.catalog.capabilities import serving
from gateway.catalog.loader import ROOT_CATALOG, check_catalog_files, load_catalog

BUILT_IN = ["github", "github-app", "jira", "linear", "zendesk", "asana", "gitlab", "hubspot"]
CATEGORIES = [
    "crm",
    "ticketing",
    "dev-tools",
    "productivity",
    "communication",
    "hr",
    "accounting",
    "storage",
    "payment",
]


def test_validates_clean_strictly() -> None:
    count, problems = check_catalog_files([ROOT_CATALOG], strict=True)
    assert count >= 100
    assert [str(p) for p in problems] == []


def test_covers_built_in_providers_and_categories() -> None:
    catalog = load_catalog()
    assert set(BUILT_IN) <= set(catalog)
    categories = {c for entry in catalog.values() for c in entry["categories"]}
    assert set(CATEGORIES) <= categories
    modes = {entry["auth_mode"] for entry in catalog.values()}
    assert {"OAUTH2", "OAUTH2_CC", "API_KEY", "BASIC", "OAUTH1", "APP", "JWT", "TWO_STEP", "NONE"} <= modes


def test_every_entry_is_complete_and_served() -> None:
    for name, entry in load_catalog().items():
        assert entry["proxy"]["base_url"].startswith(("https://", "http://", "${")), name
        assert "nango" not in entry["docs"], name
        if entry["auth_mode"] in ("OAUTH2", "OAUTH1"):
            assert entry.get("authorization_url") and entry.get("token_url"), name
        if entry["auth_mode"] == "API_KEY":
            assert entry["credentials"]["apiKey"]["secret"] is True, name
        if entry["auth_mode"] == "TBA":  # NetSuite token-based auth has no connect flow yet
            assert serving(entry).reason == "auth mode TBA is not supported", name
            continue
        assert serving(entry).served, (name, serving(entry).reason)


def test_file_is_ours() -> None:
    text = ROOT_CATALOG.read_text()
    assert text.startswith("# Unigate API catalog")
    assert not re.search(r"nango\.dev|nangohq", text, re.IGNORECASE)
