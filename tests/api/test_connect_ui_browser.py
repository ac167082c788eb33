"""The Connect UI in Chromium: embedded by the published @nangohq/frontend, its OAuth popup against the suite's OAuth
server (approved and denied), the API-key form's checks in the browser and on the server, search, axe, screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page

from tests.api.connect_ui_world import GOOD_KEY, World, connect_world, consent
from tests.browser import chromium_page, screenshot, serious_violations


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[World]:
    with connect_world(tmp_path_factory.mktemp("connect-ui"), sqlite_template) as found:
        yield found


async def checked(page: Page, state: str) -> None:
    """No serious or critical axe violation in this state, and its screenshot for the docs."""
    assert await serious_violations(page) == [], state
    await screenshot(page, f"connect-{state}")


async def events(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await page.evaluate("window.events")
    return found


async def test_embedded_by_nango_frontend_with_oauth_popup(world: World) -> None:
    token = world.session(allowed_integrations=["idp", "keyed"])
    async with chromium_page() as page:
        await page.goto(f"{world.app_url}/?token={token}&unigate={world.url}")
        await page.wait_for_function("window.events.length > 0")
        frame = page.frame_locator("#connect-ui")
        await frame.get_by_role("heading", name="Test IdP").wait_for()
        assert await events(page) == [{"type": "ready"}]  # then the frontend sent the token; no second ready
        assert (
            await page.locator("#connect-ui").get_attribute("src")
            == f"{world.url}/connect/?apiURL=https%3A%2F%2Fapi.nango.dev"
        )
        await screenshot(page, "connect-embedded")

        async with page.context.expect_page() as opened:
            await frame.get_by_role("button", name="Connect Test IdP").click()
        await consent(await opened.value, approve=False)
        alert = frame.locator("#integration-idp [role=alert]")
        await alert.wait_for()
        assert "access_denied" in (await alert.inner_text())
        await page.wait_for_function("window.events.length > 1")
        [_, error] = await events(page)
        assert error["type"] == "error" and error["payload"]["errorType"] == "access_denied"
        assert world.connections() == []

        async with page.context.expect_page() as opened:
            await frame.get_by_role("button", name="Connect Test IdP").click()
        await consent(await opened.value, approve=True)
        await frame.get_by_role("heading", name="Connected").wait_for()
        await page.wait_for_function("window.events.some(e => e.type === 'connect')")
        connect = (await events(page))[-1]
        [stored] = world.connections()
        assert connect == {
            "type": "connect",
            "payload": {"providerConfigKey": "idp", "connectionId": stored["connection_id"]},
        }
        assert stored["provider_config_key"] == "idp" and stored["end_user"]["id"] == "end-user-7"
        await frame.get_by_role("button", name="Close", exact=True).click()
        await page.wait_for_function("window.events.some(e => e.type === 'close')")
        assert await page.locator("#connect-ui").count() == 0  # the frontend removed the iframe


async def test_states_top_level_with_axe_and_screenshots(world: World) -> None:
    token = world.session(allowed_integrations=["idp", "keyed"], end_user={"id": "end-user-8"})
    async with chromium_page(width=720, height=900) as page:
        await page.goto(f"{world.url}/connect/")
        await page.get_by_role("status").wait_for()
        await checked(page, "shell")

        await page.goto(f"{world.url}/connect?session_token={token}")
        assert await page.locator(".brand-name").inner_text() == "Acme Cloud"
        assert await page.locator("img.brand-logo").get_attribute("alt") == "Acme Cloud"
        await checked(page, "list")

        async with page.expect_popup() as opened:
            await page.get_by_role("button", name="Connect Test IdP").click()
        await consent(await opened.value, approve=False)
        await page.locator("#integration-idp [role=alert]").wait_for()
        await checked(page, "denied")

        key = page.get_by_label("API key")
        assert await key.get_attribute("pattern") == "(?:^ak_[a-z0-9]+$)" and await key.get_attribute("required") == ""
        await key.fill("not a key")
        await page.get_by_role("button", name="Connect Keyed CRM").click()
        assert await key.evaluate("input => input.validity.patternMismatch") is True
        assert page.url.endswith(token)  # the browser did not send it
        await checked(page, "api-key-invalid")

        await key.fill("ak_revoked")
        await page.get_by_role("button", name="Connect Keyed CRM").click()
        await page.locator("#integration-keyed [role=alert]").wait_for()
        assert "revoked" in await page.locator("#integration-keyed [role=alert]").inner_text()
        assert "ak_revoked" not in await page.content()
        await checked(page, "provider-error")

        await page.get_by_label("API key").fill(GOOD_KEY)
        await page.get_by_role("button", name="Connect Keyed CRM").click()
        await page.get_by_role("heading", name="Connected").wait_for()
        [stored] = [c for c in world.connections() if c["end_user"]["id"] == "end-user-8"]
        assert stored["connection_id"] in await page.locator(".connection").inner_text()
        await checked(page, "done")


async def test_server_refuses_what_the_browser_would(world: World) -> None:
    token = world.session(allowed_integrations=["keyed"], end_user={"id": "end-user-9"})
    posted = httpx.post(
        f"{world.url}/connect/forms/keyed", params={"session_token": token}, data={"credentials[apiKey]": "no good!"}
    )
    assert posted.status_code == 400 and "no good!" not in posted.text
    async with chromium_page() as page:
        await page.set_content(posted.text.replace("<head>", f'<head><base href="{world.url}/">'))
        error = page.locator("#keyed-credential-apiKey-error")
        assert await error.inner_text() == "This does not have the expected form, e.g. ak_123."
        assert await page.get_by_label("API key").get_attribute("aria-invalid") == "true"
    assert [c for c in world.connections() if c["end_user"]["id"] == "end-user-9"] == []


async def test_search_and_categories(world: World) -> None:
    token = world.session()  # every integration: twelve
    async with chromium_page(width=720, height=900) as page:
        await page.goto(f"{world.url}/connect?session_token={token}")
        assert await page.locator("section.choice").count() == 12
        assert (
            await page.locator("#integration-github img.logo").get_attribute("src")
            == "/connect/static/logos/github.svg"
        )
        assert await page.locator("#integration-salesforce .initial").inner_text() == "S"  # no simple-icons logo
        await page.get_by_label("Search integrations").fill("git")
        await page.get_by_role("button", name="Search").click()
        names = await page.locator("section.choice h2").all_inner_texts()
        assert names == ["GitHub", "GitLab"]
        await checked(page, "search")
        await page.get_by_role("link", name="All").click()  # all categories, still searching "git"
        assert await page.locator("section.choice").count() == 2
        await page.get_by_label("Search integrations").fill("")
        await page.get_by_role("button", name="Search").click()
        await page.get_by_role("navigation", name="Categories").get_by_role("link", name="CRM").click()
        names = await page.locator("section.choice h2").all_inner_texts()
        assert "HubSpot" in names and "Keyed CRM" in names and "GitHub" not in names
        logo = await page.request.get(f"{world.url}/connect/static/logos/github.svg")
        assert logo.ok and logo.headers["content-type"].startswith("image/svg+xml")
