"""What syncing costs and what the cache buys, against baselines in the same run.

A GitHub fake (unigate-github's test fake) holds N issues in one repository; a ``unigate serve`` process on SQLite
runs the ``tickets`` sync (100 per page). Measured:

1. the first sync of N issues against the time to fetch the same pages straight from the fake (target: sync adds
   at most 50 %);
2. the server's peak RSS after syncing N and 10 N issues (target: flat);
3. wrk req/s of ``GET /records?model=Ticket&limit=100`` and ``GET /tickets?source=cache&page_size=100`` against live
   ``GET /tickets?page_size=100`` over the same data (targets: at least 2x each).

Run: `.venv/bin/python bench/syncs.py [--issues 10000] [--seconds 5]` (needs wrk).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "plugins" / "github" / "tests")]

from fake_github import FakeGitHub  # noqa: E402
from proxy import BIN, free_port, peak_rss_mb, start, stop, wait_http, wrk  # noqa: E402


def fake_with(issues: int) -> FakeGitHub:
    fake = FakeGitHub(frozen_issues=True)
    fake.add_user("octo")
    repo = fake.add_repo("octo", "hello")
    for n in range(issues):
        fake.add_issue(repo, f"Issue {n}", user="octo", labels=["bug"] if n % 3 else [], body="Steps to reproduce")
    return fake


def fetch_all(upstream: str, token: str) -> float:
    """Seconds to read every page of the repository's issues straight from the fake, 100 a page."""
    started = time.perf_counter()
    url: str | None = f"{upstream}/repos/octo/hello/issues?state=all&per_page=100"
    with httpx.Client(headers={"authorization": f"Bearer {token}"}) as client:
        while url:
            answer = client.get(url)
            answer.raise_for_status()
            url = answer.links.get("next", {}).get("url")
    return time.perf_counter() - started


class Server:
    """A ``unigate serve`` process on a fresh SQLite database, with one GitHub connection to the fake."""

    def __init__(self, upstream: str, token: str) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="unigate-bench-syncs-"))
        catalog = self.work / "github.yaml"
        catalog.write_text(f"github:\n  proxy:\n    base_url: {upstream}\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("UNIGATE_")}
        env.update(
            {
                "UNIGATE_DATA_DIR": str(self.work / "data"),
                "UNIGATE_PROVIDERS_FILES": str(catalog),
                "UNIGATE_ALLOW_PRIVATE_HOSTS": "true",
                "UNIGATE_LOG_LEVEL": "warning",
                "UNIGATE_SYNC_SWEEP_SECONDS": "3600",
            }
        )
        subprocess.run([str(BIN / "unigate"), "migrate"], env=env, check=True, capture_output=True)
        port = free_port()
        self.process = start([str(BIN / "unigate"), "serve", "--port", str(port)], env, self.work / "unigate.log")
        self.base = f"http://127.0.0.1:{port}"
        wait_http(f"{self.base}/health")
        self.auth = {"Authorization": f"Bearer {(self.work / 'data' / 'secret_key').read_text().strip()}"}
        self.headers = {**self.auth, "Connection-Id": "c1", "Provider-Config-Key": "gh"}
        httpx.post(f"{self.base}/integrations", headers=self.auth, json={"provider": "github", "unique_key": "gh"})
        credentials = {"type": "OAUTH2", "access_token": token, "no_expiration": True}
        body = {"provider_config_key": "gh", "connection_id": "c1", "credentials": credentials}
        httpx.post(f"{self.base}/connections", headers=self.auth, json=body).raise_for_status()

    def sync_tickets(self) -> tuple[float, dict[str, Any]]:
        """Seconds from the trigger to the run's end, and its status."""
        scope = {"provider_config_key": "gh", "connection_id": "c1"}
        started = time.perf_counter()
        httpx.post(f"{self.base}/sync/trigger", headers=self.auth, json={"syncs": ["tickets"], **scope})
        while True:
            status = httpx.get(f"{self.base}/sync/status", headers=self.auth, params={"syncs": "tickets", **scope})
            entry: dict[str, Any] = status.json()["syncs"][0]
            if entry["status"] in ("SUCCESS", "ERROR"):
                return time.perf_counter() - started, entry
            time.sleep(0.02)

    def close(self) -> None:
        stop(self.process)
        shutil.rmtree(self.work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=5)
    options = parser.parse_args()
    results: dict[int, dict[str, Any]] = {}
    for issues in (options.issues, options.issues * 10):
        fake = fake_with(issues)
        with fake.run() as upstream:
            token = fake.token_for("octo")
            fetch = fetch_all(upstream, token)
            server = Server(upstream, token)
            try:
                took, status = server.sync_tickets()
                assert status["status"] == "SUCCESS" and status["recordCount"] == {"Ticket": issues}, status
                results[issues] = {"fetch": fetch, "sync": took, "rss": peak_rss_mb(server.process.pid)}
                if issues == options.issues:
                    urls = {
                        "live /tickets": f"{server.base}/tickets?collection_id=octo/hello&page_size=100",
                        "GET /records": f"{server.base}/records?model=Ticket&limit=100",
                        "cached /tickets": f"{server.base}/tickets?source=cache&page_size=100",
                    }
                    for url in urls.values():
                        assert httpx.get(url, headers=server.headers).status_code == 200, url
                    results["rps"] = {name: wrk(url, server.headers, options.seconds) for name, url in urls.items()}
            finally:
                server.close()
    small, large = options.issues, options.issues * 10
    print(f"{'issues':>8}{'fetch s':>10}{'sync s':>10}{'overhead':>10}{'peak RSS MB':>13}")
    for issues in (small, large):
        r = results[issues]
        overhead = (r["sync"] / r["fetch"] - 1) * 100
        print(f"{issues:>8}{r['fetch']:>10.2f}{r['sync']:>10.2f}{overhead:>9.0f}%{r['rss']:>13.0f}")
    live = results["rps"]["live /tickets"]["rps"]
    for name, r in results["rps"].items():
        print(f"{name:18}{r['rps']:>8.0f} req/s  p99 {r['p99']:.1f} ms  {r['rps'] / live:.2f}x live")


if __name__ == "__main__":
    main()
