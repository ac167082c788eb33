"""A real browser for page tests: Playwright driving Debian's Chromium (no browser download), and axe's checks.

async with chromium_page() as page:
    await page.goto(url)
    assert await serious_violations(page) == []
    await screenshot(page, "dashboard-home")  # docs/screenshots/dashboard-home.png
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
SERIOUS = ("serious", "critical")


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium is missing: .ci/run installs Debian's chromium package (make system-deps)"
    return path


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def chromium_page(width: int = 1280, height: int = 800, **options: Any) -> AsyncIterator[Page]:
    """A fresh page (its own cookies) in a fresh Chromium; ``options`` go to ``new_context``."""
    async with chromium() as browser:
        context: BrowserContext = await browser.new_context(viewport={"width": width, "height": height}, **options)
        page = await context.new_page()
        try:
            yield page
        finally:
            await context.close()


async def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each (empty: none).

    Text drawn in its background's colour (a 1:1 contrast) counts too: axe files it under "needs review", since
    such text may be hidden on purpose, but on these pages it is text nobody can read."""
    results = await Axe().run(page)
    found = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
    for check in results.response["incomplete"]:
        invisible = [
            n["target"]
            for n in check["nodes"]
            if check["id"] == "color-contrast" and any("1:1 contrast" in a.get("message", "") for a in n["any"])
        ]
        if invisible:
            found.append(f"color-contrast (serious): text in its background's colour at {invisible[:3]}")
    return found


async def screenshot(page: Page, name: str) -> Path:
    """Save the page as docs/screenshots/<name>.png (the docs show what the suite saw)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
