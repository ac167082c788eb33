"""Page tests' helpers: a real ``unigate serve`` on SQLite, signing in through the form, and the checks every page
gets (no serious axe violation, readable at 375 px, a screenshot for the docs)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.async_api import Page

from tests.browser import screenshot, serious_violations
from tests.servers import RunningServer, running_server, unigate_env

NARROW = {"width": 375, "height": 740}
WIDE = {"width": 1280, "height": 800}


@contextmanager
def dashboard_server(sqlite_template: Path, tmp_path: Path, **env: str) -> Iterator[RunningServer]:
    db = tmp_path / "unigate.db"
    shutil.copy(sqlite_template, db)
    with running_server(unigate_env(tmp_path / "data", f"sqlite:///{db}", **env)) as server:
        yield server


async def sign_in(page: Page, server: RunningServer) -> None:
    """Sign in with the keyboard only: type the key, press Enter."""
    await page.goto(f"{server.url}/dashboard/login")
    await page.get_by_label("Secret key").fill(server.secret_key)
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{server.url}/dashboard")


async def check(page: Page, name: str | None = None) -> None:
    """The page as it is now: a lang and a title, no serious or critical axe violation, no sideways scrolling at
    375 px; with ``name``, saved as docs/screenshots/dashboard-<name>.png."""
    assert await page.get_attribute("html", "lang") == "en"
    assert (await page.title()).strip()
    assert await serious_violations(page) == [], page.url
    await page.set_viewport_size(NARROW)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{page.url} is {width}px wide at 375px"
    assert await serious_violations(page) == [], f"{page.url} at 375px"
    await page.set_viewport_size(WIDE)
    if name:
        await screenshot(page, f"dashboard-{name}")
