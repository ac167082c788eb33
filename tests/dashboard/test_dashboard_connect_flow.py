"""The whole operator-to-end-user story in Chromium: sign in to the dashboard, create an integration for the suite's
real OAuth server, open a connect session, complete the Connect UI in its popup, see the connection on the
dashboard, revoke it there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.connect_ui_world import World, connect_world, consent
from tests.browser import chromium_page, serious_violations


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[World]:
    with connect_world(tmp_path_factory.mktemp("dashboard-flow"), sqlite_template) as found:
        yield found


async def test_create_connect_see_and_revoke(world: World) -> None:
    async with chromium_page() as page:
        await page.goto(f"{world.url}/dashboard/login")
        await page.get_by_label("Secret key").fill(world.secret_key)
        await page.keyboard.press("Enter")
        await page.wait_for_url(f"{world.url}/dashboard")

        await page.goto(f"{world.url}/dashboard/integrations/new?provider=test-idp")
        assert await page.get_by_label("Callback URL").input_value() == f"{world.url}/oauth/callback"
        await page.get_by_label("Unique key").fill("idp-dash")
        await page.get_by_label("Client ID").fill("connect-app")
        await page.get_by_label("Client secret").fill("connect-secret")
        await page.get_by_role("button", name="Save integration").click()
        await page.wait_for_url(f"{world.url}/dashboard/integrations/idp-dash?notice=created")

        token = world.session(allowed_integrations=["idp-dash"])  # the integrator's backend opens a session
        connect = await page.context.new_page()
        await connect.goto(f"{world.url}/connect?session_token={token}")
        async with page.context.expect_page() as opened:
            await connect.get_by_role("button", name="Connect Test IdP").click()
        await consent(await opened.value, approve=True)
        await connect.get_by_role("heading", name="Connected").wait_for()
        [made] = [c for c in world.connections() if c["provider_config_key"] == "idp-dash"]
        assert made["end_user"]["id"] == "end-user-7"

        await page.goto(f"{world.url}/dashboard/integrations/idp-dash/connections")
        row = page.get_by_role("row", name=made["connection_id"])
        cells = await row.get_by_role("cell").all_inner_texts()
        assert cells[0] == made["connection_id"] and "end-user-7" in cells[1] and cells[3].startswith("ok")
        assert await serious_violations(page) == []

        await row.get_by_role("link", name="Delete").click()
        await page.get_by_role("button", name="Delete connection").click()
        await page.wait_for_url("**/connections?notice=connection-deleted")
        assert [c for c in world.connections() if c["provider_config_key"] == "idp-dash"] == []
        assert made["connection_id"] not in await page.locator("main").inner_text()
