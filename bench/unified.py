"""What mapping costs: ``/tickets`` against ``/proxy`` for the same GitHub page, in one run.

A GitHub fake (unigate-github's test fake) serves 100 issues; one Unigate worker serves both routes. wrk loads
``/proxy/repos/octo/hello/issues?per_page=50`` and then ``/tickets?collection_id=octo/hello&page_size=50`` (the same
upstream call, mapped to unified tickets), interleaved rounds, medians. The target: mapping adds at most 15 %.
Run: `.venv/bin/python bench/unified.py [--seconds 10] [--rounds 3]` (needs wrk).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "plugins" / "github" / "tests")]

from fake_github import FakeGitHub  # noqa: E402
from proxy import BIN, free_port, start, stop, wait_http, wrk  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    fake = FakeGitHub()
    fake.add_user("octo")
    repo = fake.add_repo("octo", "hello")
    for n in range(100):
        fake.add_issue(repo, f"Issue {n}", user="octo", labels=["bug"] if n % 3 else [], body="Steps to reproduce")
    work = Path(tempfile.mkdtemp(prefix="unigate-bench-unified-"))
    with fake.run() as upstream:
        catalog = work / "github.yaml"
        catalog.write_text(f"github:\n  proxy:\n    base_url: {upstream}\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("UNIGATE_")}
        env.update(
            {
                "UNIGATE_DATA_DIR": str(work / "data"),
                "UNIGATE_PROVIDERS_FILES": str(catalog),
                "UNIGATE_ALLOW_PRIVATE_HOSTS": "true",
                "UNIGATE_LOG_LEVEL": "warning",
            }
        )
        subprocess.run([str(BIN / "unigate"), "migrate"], env=env, check=True, capture_output=True)
        port = free_port()
        server = start([str(BIN / "unigate"), "serve", "--port", str(port)], env, work / "unigate.log")
        try:
            base = f"http://127.0.0.1:{port}"
            wait_http(f"{base}/health")
            auth = {"Authorization": f"Bearer {(work / 'data' / 'secret_key').read_text().strip()}"}
            httpx.post(f"{base}/integrations", headers=auth, json={"provider": "github", "unique_key": "gh"})
            httpx.post(
                f"{base}/connections",
                headers=auth,
                json={
                    "provider_config_key": "gh",
                    "connection_id": "c1",
                    "credentials": {"type": "OAUTH2", "access_token": fake.token_for("octo"), "no_expiration": True},
                },
            )
            headers = {**auth, "Connection-Id": "c1", "Provider-Config-Key": "gh"}
            urls = {
                "proxy": f"{base}/proxy/repos/octo/hello/issues?per_page=50",
                "tickets": f"{base}/tickets?collection_id=octo/hello&page_size=50",
            }
            for url in urls.values():
                assert httpx.get(url, headers=headers).status_code == 200
                wrk(url, headers, 2)
            if os.environ.get("PROFILE"):
                spy = subprocess.Popen(
                    [
                        str(BIN / "py-spy"),
                        "record",
                        "-o",
                        os.environ["PROFILE"],
                        "-f",
                        "raw",
                        "-d",
                        "6",
                        "-p",
                        str(server.pid),
                    ],
                    stdout=subprocess.DEVNULL,
                )
                wrk(urls["tickets"], headers, 6)
                spy.wait()
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in urls}
            for _ in range(options.rounds):
                for name, url in urls.items():
                    runs[name].append(wrk(url, headers, options.seconds))
        finally:
            stop(server)
            shutil.rmtree(work, ignore_errors=True)
    results = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for name, rs in runs.items()}
    print(f"GitHub fake, 50 issues per page, {options.rounds} interleaved rounds of {options.seconds} s; medians")
    print(f"{'':10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, r in results.items():
        print(f"{name:10}{r['rps']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}")
    overhead = results["proxy"]["rps"] / results["tickets"]["rps"] - 1
    print(f"mapping adds {overhead * 100:.1f} % per call (req/s proxy / tickets - 1; target at most 15 %)")


if __name__ == "__main__":
    main()
