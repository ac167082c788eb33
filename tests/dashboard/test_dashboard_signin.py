"""The sign-in page in Chromium: a wrong key is refused on the page, the right one opens the dashboard, the
keyboard reaches everything with a visible focus, and signing out ends the session."""

from __future__ import annotations

from pathlib import Path

from tests.browser import chromium_page
from tests.dashboard.dashboard_browser import check, dashboard_server, sign_in


async def test_sign_in_with_the_keyboard_and_sign_out(sqlite_template: Path, tmp_path: Path) -> None:
    with dashboard_server(sqlite_template, tmp_path) as server:
        async with chromium_page() as page:
            await page.goto(server.url + "/")  # a browser asking for / lands on the sign-in page
            assert page.url == f"{server.url}/dashboard/login"
            await check(page, "signin")
            await page.get_by_label("Secret key").fill("not-the-key")
            await page.get_by_role("button", name="Sign in").click()
            assert await page.get_by_role("alert").inner_text() == "That secret key is not valid."
            await check(page)

            await page.keyboard.press("Shift+Tab")  # focus leaves the field: the skip link or the key field
            await page.keyboard.press("Tab")
            outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("none", ""), outline  # the focused element shows it

            await sign_in(page, server)
            assert await page.get_by_role("heading", level=1).inner_text() == "Integrations"
            await check(page)
            await page.get_by_role("button", name="Sign out").click()
            await page.wait_for_url(f"{server.url}/dashboard/login")
            await page.goto(f"{server.url}/dashboard")
            assert page.url == f"{server.url}/dashboard/login"  # the session is gone
