"""The ``unigate`` command line, run as a user runs it: a subprocess with UNIGATE_* variables."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gateway.cli.main import app as cli_app
from tests.servers import UNIGATE, running_server, unigate_env


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return unigate_env(tmp_path / "data", database_url)


def unigate(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([UNIGATE, *args], env=env, capture_output=True, text=True, timeout=60)


def test_integrations_and_connections_round_trip(env: dict[str, str]) -> None:
    created = unigate(env, "integrations", "create", "github", "gh", "--client-id", "cid", "--client-secret", "cs")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "created integration gh (github)"
    listed = unigate(env, "integrations", "list")
    assert listed.stdout.splitlines()[0].split() == [
        "UNIQUE",
        "KEY",
        "PROVIDER",
        "DISPLAY",
        "NAME",
        "CREATED",
    ]
    assert listed.stdout.splitlines()[1].startswith("gh ")
    as_json = json.loads(unigate(env, "integrations", "list", "--json").stdout)
    assert [i["unique_key"] for i in as_json] == ["gh"] and "cs" not in str(as_json)
    assert unigate(env, "connections", "list").stdout.strip() == "(none)"
    duplicate = unigate(env, "integrations", "create", "github", "gh")
    assert duplicate.returncode == 1
    assert duplicate.stderr.strip() == (
        "unigate: error: unique_key: an integration named 'gh' already exists; choose another unique_key"
    )
    assert unigate(env, "integrations", "delete", "gh").returncode == 0
    missing = unigate(env, "integrations", "delete", "gh")
    assert missing.returncode == 1 and "Integration does not exist" in missing.stderr


def test_connections_delete_unknown_is_one_line_error(env: dict[str, str]) -> None:
    result = unigate(env, "connections", "delete", "nobody", "--integration", "gh")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "No connection 'nobody'" in result.stderr


def test_providers_list_filters_and_show(tmp_path: Path) -> None:
    env = unigate_env(tmp_path, "sqlite:///unused.db")
    listed = unigate(env, "providers", "list", "--auth-mode", "oauth2", "--json")
    rows = json.loads(listed.stdout)
    assert rows and all(r["auth_mode"] == "OAUTH2" for r in rows)
    assert "github" in [r["name"] for r in rows]
    shown = json.loads(unigate(env, "providers", "show", "github").stdout)
    assert shown["name"] == "github" and shown["proxy"]["base_url"] == "https://api.github.com"
    unknown = unigate(env, "providers", "show", "nope")
    assert unknown.returncode == 1 and "not in the catalog" in unknown.stderr


def test_help_everywhere() -> None:
    """The installed script answers ``--help``; every command group's help is read in-process (each subprocess
    would import the whole gateway again)."""
    installed = subprocess.run([UNIGATE, "--help"], capture_output=True, text=True, timeout=60)
    assert installed.returncode == 0 and "Usage" in installed.stdout
    runner = CliRunner()
    for args in (
        [],
        ["providers"],
        ["integrations"],
        ["connections"],
        ["keys"],
        ["serve"],
        ["migrate"],
        ["keys", "rotate"],
        ["integrations", "create"],
    ):
        result = runner.invoke(cli_app, [*args, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, args


def test_unmigrated_database_is_one_clear_line(tmp_path: Path) -> None:
    env = unigate_env(tmp_path / "data", f"sqlite:///{tmp_path / 'empty.db'}")
    result = unigate(env, "integrations", "list")
    assert result.returncode == 1
    assert result.stderr.startswith("unigate: error: database not ready") and "unigate migrate" in result.stderr
    serve = unigate(env, "serve", "--port", "1")
    assert serve.returncode == 1 and "run `unigate migrate` first" in serve.stderr


def test_production_without_keys_names_the_variable(tmp_path: Path) -> None:
    env = unigate_env(
        tmp_path / "data",
        f"sqlite:///{tmp_path / 'db.sqlite'}",
        UNIGATE_ENV="production",
        UNIGATE_SECRET_KEY="5b9e0c4e-0000-4000-8000-000000000000",
    )
    result = unigate(env, "serve")
    assert result.returncode == 1
    assert "UNIGATE_ENCRYPTION_KEY is not set" in result.stderr


def test_bad_database_url_is_one_clear_line(tmp_path: Path) -> None:
    result = unigate(unigate_env(tmp_path, "mysql://x@y/z"), "migrate")
    assert result.returncode == 1 and "UNIGATE_DATABASE_URL" in result.stderr


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    env = unigate_env(tmp_path, f"sqlite:///{tmp_path / 'fresh.db'}")
    for _ in range(2):
        result = unigate(env, "migrate")
        assert result.returncode == 0 and "database is up to date" in result.stdout


def test_keys_generate_prints_a_usable_key(tmp_path: Path) -> None:
    key = unigate(unigate_env(tmp_path, "sqlite:///x.db"), "keys", "generate").stdout.strip()
    assert len(key) == 44


def test_providers_validate_summarises(tmp_path: Path) -> None:
    env = unigate_env(tmp_path, "sqlite:///unused.db")
    good = unigate(env, "providers", "validate", "providers.yaml")
    assert good.returncode == 0, good.stdout
    assert good.stdout.strip().splitlines()[-1].endswith(" ok, 0 with errors")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "acme:\n  display_name: Acme\n  docs: https://acme.test\n  auth_mode: API_KEY\n"
        "  categories: [crm]\n  proxy:\n    base_ur: https://api.acme.test\n"
        "widget:\n  display_name: W\n  docs: https://w.test\n  auth_mode: NONE\n  categories: [crm]\n"
        "  proxy:\n    base_url: https://w.test\n"
    )
    result = unigate(env, "providers", "validate", str(bad))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0] == f"error: {bad}: acme: proxy.base_ur: unknown key (did you mean base_url?)"
    assert lines[-1] == "2 providers, 1 ok, 1 with errors"


def test_providers_coverage_reports_share(tmp_path: Path) -> None:
    result = unigate(unigate_env(tmp_path, "sqlite:///unused.db"), "providers", "coverage", "--json")
    rows = json.loads(result.stdout)
    assert {"name": "github", "auth_mode": "OAUTH2", "served": True, "reason": None} in rows


def test_plugins_lists_built_ins_with_hooks(tmp_path: Path) -> None:
    result = unigate(unigate_env(tmp_path, "sqlite:///unused.db"), "plugins", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    classifier = rows["gateway.default_plugins.error_classifier"]
    assert classifier["distribution"] == "unigate" and classifier["hooks"] == ["classify_upstream_error"]
    assert all(row["replaces"] == {} for row in rows.values())  # no installed plugin replaces another's provider


def test_serve_prints_the_secret_key_only_when_it_generates_it(env: dict[str, str]) -> None:
    data_dir = Path(env["UNIGATE_DATA_DIR"])
    with running_server(env) as first:
        key = first.secret_key
        first_output = first.log.read_text()
    assert f"secret key: {key}  (new; kept in {data_dir / 'secret_key'})" in first_output.splitlines()
    with running_server(env) as second:
        assert second.secret_key == key
        second_output = second.log.read_text()
    assert f"secret key: kept in {data_dir / 'secret_key'}" in second_output.splitlines()
    assert key not in second_output


def test_serve_never_prints_a_secret_key_from_the_environment(env: dict[str, str]) -> None:
    key = "5b9e0c4e-1111-4000-8000-00000000abcd"
    with running_server({**env, "UNIGATE_SECRET_KEY": key}) as server:
        output = server.log.read_text()
    assert key not in output and "secret key" not in output
