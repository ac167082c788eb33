"""Schemathesis against a real ``unigate serve``: every operation of /openapi.json, with generated and broken input,
answers without a server error and as the description says (status, content type, schema). Both databases."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.servers import running_server, unigate_env

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
# Not schemathesis' not_a_server_error: the fuzzed provider has no plugin, so a unified call that gets through
# answers 501 not_supported and a proxied one 502 upstream_unreachable, both documented answers. Server errors
# (500s) are caught in the server's log instead: every one is logged as "unhandled ... (error id ...)".
CHECKS = "status_code_conformance,content_type_conformance,response_schema_conformance"
CATALOG = """
fuzzed:
  display_name: Fuzzed
  categories: [dev-tools]
  docs: https://example.test
  auth_mode: API_KEY
  proxy:
    base_url: https://api.example.test
"""


def _seed(url: str, secret_key: str) -> None:
    """An integration and a connection, so that list and item operations have something to answer."""
    headers = {"Authorization": f"Bearer {secret_key}"}
    with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
        made = client.post("/integrations", json={"provider": "fuzzed", "unique_key": "fuzzed"})
        assert made.status_code in (200, 201), made.text
        imported = client.post(
            "/connections",
            json={
                "provider_config_key": "fuzzed",
                "connection_id": "c1",
                "credentials": {"type": "API_KEY", "apiKey": "k"},
            },
        )
        assert imported.status_code in (200, 201), imported.text


def test_every_operation_answers_as_described(database_url: str, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG)
    env = unigate_env(tmp_path / "data", database_url, UNIGATE_PROVIDERS_FILES=str(catalog))
    migrated = subprocess.run([str(Path(sys.executable).with_name("unigate")), "migrate"], env=env, capture_output=True)
    assert migrated.returncode == 0, migrated.stderr.decode()
    with running_server(env) as server:
        _seed(server.url, server.secret_key)
        run = subprocess.run(
            [
                SCHEMATHESIS,
                "run",
                f"{server.url}/openapi.json",
                "--header",
                f"Authorization: Bearer {server.secret_key}",
                "--checks",
                CHECKS,
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "12",
                "--max-time",
                "40",
                "--seed",
                "20261202",
                "--generation-deterministic",
                "--request-timeout",
                "10",
                "--warnings",
                "off",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=tmp_path,
        )
        log = server.log.read_text()
    output = run.stdout + run.stderr
    tested = re.search(r"Tested: (\d+)", output)
    generated = re.search(r"(\d+) generated", output)
    assert run.returncode == 0, output[-6000:]
    assert tested and int(tested.group(1)) >= 45, output[-3000:]  # every operation of the description was run
    assert generated and int(generated.group(1)) >= 500, output[-3000:]
    assert "Traceback" not in log and "server_error" not in log and "unhandled" not in log, log[-3000:]
    print(f"schemathesis: {tested.group(1)} operations, {generated.group(1)} requests, 0 failures")
