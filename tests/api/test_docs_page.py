"""The API reference page, rendered by headless Chromium against a running server (no network beyond loopback)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.servers import running_server, unigate_env

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium is missing: .ci/run installs Debian's chromium package"
    return path


def test_docs_page_renders_every_operation(sqlite_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "unigate.db"
    shutil.copy(sqlite_template, db)
    with running_server(unigate_env(tmp_path / "data", f"sqlite:///{db}")) as server:
        dom = subprocess.run(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp_path / 'profile'}",
                "--virtual-time-budget=15000",
                "--dump-dom",
                f"{server.url}/docs",
            ],
            capture_output=True,
            text=True,
            timeout=90,
        ).stdout
        subprocess.run(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp_path / 'profile'}",
                "--virtual-time-budget=15000",
                "--window-size=1280,2000",
                f"--screenshot={tmp_path / 'docs.png'}",
                f"{server.url}/docs",
            ],
            capture_output=True,
            timeout=90,
        )
    assert "Unigate API" in dom
    for text in ("Create an integration", "/connections/{connection_id}", "Import a connection with its credentials"):
        assert text in dom, text
    assert (tmp_path / "docs.png").stat().st_size > 10_000
