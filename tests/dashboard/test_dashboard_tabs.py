"""An integration's tabs in Chromium with real content: a server whose GitHub entry points at the loopback GitHub
fake, a connection imported through the API, proxied calls in the log, syncs run by the server."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx

from tests.browser import chromium_page
from tests.dashboard.dashboard_browser import check, dashboard_server, sign_in

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "plugins" / "github" / "tests"))
from fake_github import FakeGitHub  # noqa: E402


def _wait_for_syncs(url: str, api: dict[str, str]) -> list[dict[str, object]]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answer = httpx.get(f"{url}/sync/status", params={"syncs": "*", "provider_config_key": "gh"}, headers=api)
        syncs: list[dict[str, object]] = answer.json()["syncs"]
        if syncs and any(s["finishedAt"] for s in syncs):
            return syncs
        time.sleep(0.3)
    raise AssertionError("the server created and ran no sync within 30 s")


async def test_reference_scripts_connections_logs_syncs(sqlite_template: Path, tmp_path: Path) -> None:
    fake = FakeGitHub()
    fake.add_user("octo", name="Octo Cat")
    repo = fake.add_repo("octo", "hello")
    fake.add_issue(repo, "First issue", user="octo")
    with fake.run():
        override = tmp_path / "github.yaml"
        override.write_text(f"github:\n  proxy:\n    base_url: {fake.base_url}\n")
        env = {
            "UNIGATE_PROVIDERS_FILES": str(override),
            "UNIGATE_ALLOW_PRIVATE_HOSTS": "true",
            "UNIGATE_SYNC_SWEEP_SECONDS": "0.5",
        }
        with dashboard_server(sqlite_template, tmp_path, **env) as server:
            api = {"Authorization": f"Bearer {server.secret_key}"}
            credentials = {"type": "OAUTH2", "client_id": "cid", "client_secret": "s", "scopes": "repo"}
            integration = {"provider": "github", "unique_key": "gh", "credentials": credentials}
            assert httpx.post(f"{server.url}/integrations", headers=api, json=integration).status_code == 200
            imported = {
                "provider_config_key": "gh",
                "connection_id": "user-42",
                "end_user": {"id": "u42", "email": "octo@example.com"},
                "credentials": {"type": "OAUTH2", "access_token": fake.token_for("octo"), "no_expiration": True},
            }
            assert httpx.post(f"{server.url}/connections", headers=api, json=imported).status_code == 201
            proxied = {**api, "Connection-Id": "user-42", "Provider-Config-Key": "gh"}
            assert httpx.get(f"{server.url}/proxy/user", headers=proxied).status_code == 200
            assert httpx.get(f"{server.url}/proxy/repos/octo/missing", headers=proxied).status_code == 404
            _wait_for_syncs(server.url, api)

            async with chromium_page() as page:
                await sign_in(page, server)
                row = page.get_by_role("row", name="GitHub")
                assert (await row.get_by_role("cell").all_inner_texts())[-1] == "1"  # one connection
                base = f"{server.url}/dashboard/integrations/gh"

                await page.goto(f"{base}/reference")
                text = await page.locator("main").inner_text()
                assert "unigate-github" in text and "GET /tickets" in text
                await check(page, "reference")

                await page.goto(f"{base}/scripts")
                text = await page.locator("main").inner_text()
                assert "unigate_github." in text and "every 6h" in text and "incremental" in text
                await check(page, "scripts")

                await page.goto(f"{base}/connections")
                cells = await page.get_by_role("row", name="user-42").get_by_role("cell").all_inner_texts()
                assert cells[0] == "user-42" and "octo@example.com" in cells[1] and cells[3].startswith("ok")
                await check(page, "connections")

                await page.goto(f"{base}/logs")
                paths = await page.locator("tbody tr td:nth-child(3)").all_inner_texts()
                assert "GET /user" in paths and "GET /repos/octo/missing" in paths
                await page.get_by_label("Connection").select_option("user-42")
                await page.get_by_label("Errors only (status 400 or more)").check()
                await page.get_by_role("button", name="Filter").click()
                await page.wait_for_url("**/logs?connection_id=user-42&errors_only=on")
                failed = await page.locator("tbody tr").all_inner_texts()
                assert any("/repos/octo/missing" in line and "404" in line for line in failed)
                assert not any("GET /user\t" in line for line in failed)
                await check(page, "logs")

                await page.goto(f"{base}/syncs")
                rows = await page.locator("tbody tr").all_inner_texts()
                assert any("collections" in r and "SUCCESS" in r and "1 Collection" in r for r in rows), rows
                await check(page, "syncs")
                run = page.get_by_role("button", name="Run now collections for user-42")
                await run.click()
                await page.wait_for_url(f"{base}/syncs?notice=triggered")
                assert "Sync queued" in await page.get_by_role("status").first.inner_text()

                await page.goto(f"{base}/connections")
                await page.get_by_role("link", name="Delete user-42").click()
                await check(page, "delete-connection")
                await page.get_by_role("button", name="Delete connection").click()
                await page.wait_for_url(f"{base}/connections?notice=connection-deleted")
                assert "No connections yet" in await page.locator("main").inner_text()
            listed = httpx.get(f"{server.url}/connections", headers=api).json()["connections"]
            assert listed == []
