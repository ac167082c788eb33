"""Integrations in Chromium: create an OAuth integration from the catalog search (its callback URL and default
scopes shown), see a duplicate refused on the form, rename it, see it listed, open every tab, delete it."""

from __future__ import annotations

from pathlib import Path

import httpx
import yaml

from tests.browser import chromium_page
from tests.dashboard.dashboard_browser import check, dashboard_server, sign_in

ROOT = Path(__file__).resolve().parents[2]


async def test_create_rename_list_tabs_delete(sqlite_template: Path, tmp_path: Path) -> None:
    catalog = yaml.safe_load((ROOT / "providers.yaml").read_text())
    jira = catalog["jira"]
    token_entry = next(k for k, v in catalog.items() if v.get("display_name") == "Jira Cloud (API token)")
    with dashboard_server(sqlite_template, tmp_path) as server:
        api = {"Authorization": f"Bearer {server.secret_key}"}
        async with chromium_page() as page:
            await sign_in(page, server)
            await check(page, "home-empty")
            # click 1: New integration
            await page.locator("main").get_by_role("link", name="New integration").click()
            await page.get_by_label("Search providers by name or category").fill("ticketing")
            await page.keyboard.press("Enter")  # a plain GET form: works without JavaScript
            await page.wait_for_url("**/dashboard/integrations/new?q=ticketing")
            listed = await page.locator(".providers li > a").all_inner_texts()
            assert "Jira Cloud" in listed and "Linear" in listed and "HubSpot" not in listed
            await check(page, "new")
            # click 2: the provider
            await page.get_by_role("link", name="Jira Cloud", exact=True).click()
            assert await page.get_by_label("Callback URL").input_value() == f"{server.url}/oauth/callback"
            assert await page.get_by_label("Scopes (comma-separated)").input_value() == ",".join(jira["default_scopes"])
            assert await page.get_by_label("Unique key").input_value() == "jira"
            await check(page, "new-oauth")
            await page.get_by_label("Client ID").fill("Iv1.dashboard")
            await page.get_by_label("Client secret").fill("dashboard-secret")
            # click 3: Save
            await page.get_by_role("button", name="Save integration").click()
            await page.wait_for_url(f"{server.url}/dashboard/integrations/jira?notice=created")
            assert await page.get_by_role("status").inner_text() == "Integration created."
            stored = httpx.get(f"{server.url}/integrations/jira?include=credentials", headers=api).json()["data"]
            assert stored["credentials"]["client_id"] == "Iv1.dashboard"
            assert stored["credentials"]["client_secret"] == "dashboard-secret"

            await page.goto(f"{server.url}/dashboard/integrations/new?provider={token_entry}")
            labels = await page.locator("form.card label").all_inner_texts()
            assert labels == ["Unique key"]  # an API-token provider: nothing else to fill in
            await check(page, "new-api-key")

            await page.goto(f"{server.url}/dashboard/integrations/new?provider=jira")
            await page.get_by_label("Client ID").fill("other")
            await page.get_by_label("Client secret").fill("other")
            await page.get_by_role("button", name="Save integration").click()
            assert "already exists" in await page.get_by_role("alert").inner_text()
            assert await page.get_by_label("Client ID").input_value() == "other"  # what was typed is kept
            await check(page)
            assert len(httpx.get(f"{server.url}/integrations", headers=api).json()["data"]) == 1

            await page.goto(f"{server.url}/dashboard/integrations/jira")
            await page.get_by_label("Display name").fill("Our Jira")
            await page.get_by_label("Unique key").fill("jira-prod")
            await page.get_by_role("button", name="Save changes").click()
            await page.wait_for_url(f"{server.url}/dashboard/integrations/jira-prod?notice=saved")
            await check(page, "settings")
            renamed = httpx.get(f"{server.url}/integrations/jira-prod?include=credentials", headers=api).json()
            assert renamed["data"]["display_name"] == "Our Jira"
            assert renamed["data"]["credentials"]["client_secret"] == "dashboard-secret"  # left empty: kept

            await page.get_by_role("link", name="Integrations", exact=True).first.click()
            row = page.get_by_role("row", name="Our Jira")
            assert await row.get_by_role("cell").all_inner_texts() == [
                "Our Jira",
                "jira-prod",
                "Jira Cloud",
                "OAUTH2",
                "0",
            ]
            await check(page, "home")

            await row.get_by_role("link", name="Our Jira").click()
            for tab in ("API reference", "Scripts", "Connections", "Logs", "Syncs", "Settings"):
                await page.get_by_role("navigation", name="Integration sections").get_by_role("link", name=tab).click()
                current = page.locator('nav.tabs a[aria-current="page"]')
                assert await current.inner_text() == tab
                await check(page)

            await page.get_by_role("link", name="Delete this integration…").click()
            assert "and its 0 connections" in await page.locator("main").inner_text()
            await check(page, "delete")
            await page.get_by_role("button", name="Delete integration").click()
            await page.wait_for_url(f"{server.url}/dashboard?notice=deleted")
            assert "No integrations yet" in await page.locator("main").inner_text()
        assert httpx.get(f"{server.url}/integrations", headers=api).json() == {"data": []}
