"""The readable unified API reference: pages per provider, rendered by headless Chromium against a running server."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx

from tests.api.test_docs_page import CHROMIUM_FLAGS, chromium
from tests.servers import running_server, unigate_env


def test_reference_pages_list_providers_routes_and_fields(sqlite_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "unigate.db"
    shutil.copy(sqlite_template, db)
    with running_server(unigate_env(tmp_path / "data", f"sqlite:///{db}")) as server:
        pages = {}
        for path in ("/reference", "/reference/jira"):
            pages[path] = subprocess.run(
                [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'p'}", "--dump-dom", server.url + path],
                capture_output=True,
                text=True,
                timeout=90,
            ).stdout
        auth = {"Authorization": f"Bearer {server.secret_key}"}
        httpx.post(f"{server.url}/integrations", headers=auth, json={"provider": "zendesk", "unique_key": "desk"})
        as_page = httpx.get(f"{server.url}/integrations/desk/reference", headers={**auth, "Accept": "text/html"})
        unknown = httpx.get(f"{server.url}/reference/no-such-provider")
    index, jira = pages["/reference"], pages["/reference/jira"]
    for provider in ("github", "jira", "linear", "zendesk", "asana", "gitlab"):
        assert f'href="/reference/{provider}"' in index, provider
    assert "<h1>Jira Cloud</h1>" in jira and "<code>unigate-jira</code>" in jira
    assert '<section id="scripts">' in jira and "<code>unigate_jira." in jira  # the classes behind each resource
    assert "<code>/tickets/{id}/comments</code>" in jira and '<span class="method">PATCH</span>' in jira
    assert "<code>status</code></td><td><code>TicketStatus | null</code>" in jira
    assert "<code>remote_priority</code>" in jira and "provider's own" in jira.lower()
    assert as_page.status_code == 200 and "<h1>Zendesk" in as_page.text and 'id="contacts"' in as_page.text
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_provider"
