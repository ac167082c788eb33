"""``unigate install`` / ``uninstall``: a plugin built as a wheel installs into a fresh virtualenv holding only
Unigate, loads there (``unigate plugins`` lists it with its version, entry point and providers), and goes away."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.test_scaffold import ROOT, clean_env, run


def build_wheel(project: Path, out: Path) -> Path:
    """``python -m build --wheel`` on a copy, so the build leaves no ``build/`` or ``*.egg-info`` in the checkout (an
    egg-info there would announce the plugin to every test run from this tree)."""
    source = out / "src" / project.name
    shutil.copytree(project, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
    out = out / project.name
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(source)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = out.glob("unigate_*.whl")
    return wheel


def listed(unigate: Path, cwd: Path) -> dict[str, dict[str, Any]]:
    answer = run([str(unigate), "plugins", "--json"], cwd, 120)
    assert answer.returncode == 0, answer.stdout + answer.stderr
    return {row["distribution"]: row for row in json.loads(answer.stdout)}


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv (with pip, which ``unigate install`` runs) holding Unigate from this checkout and nothing else."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], env=clean_env(), check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile"]
    installed = run([*pip, "-e", str(ROOT)], venv, 600)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv


def test_a_built_plugin_and_the_example_install_load_and_uninstall(fresh_venv: Path, tmp_path: Path) -> None:
    unigate = fresh_venv / "bin" / "unigate"
    assert "unigate-github" not in listed(unigate, tmp_path)  # only Unigate's own plugins to begin with
    wheels = [
        build_wheel(ROOT / "plugins" / "github", tmp_path),
        build_wheel(ROOT / "examples" / "unigate-acme", tmp_path),
    ]

    done = run([str(unigate), "install", *map(str, wheels)], tmp_path, 600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "restart `unigate serve`" in done.stdout
    plugins = listed(unigate, tmp_path)
    github, acme = plugins["unigate-github"], plugins["unigate-acme"]
    assert github["version"] == "0.1.0" and github["entry_point"] == "github = unigate_github"
    assert acme["entry_point"] == "acme = unigate_acme"
    assert acme["replaces"] == {"github": "unigate-github"}  # the example overrides the GitHub template...
    assert "tickets" in acme["providers"]["github"] and "tickets" in github["providers"]["github-app"]  # ...only

    removed = run([str(unigate), "uninstall", "--yes", "unigate-acme", "unigate-github"], tmp_path, 300)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert {"unigate-github", "unigate-acme"}.isdisjoint(listed(unigate, tmp_path))


def test_unigate_itself_is_not_uninstalled_this_way(fresh_venv: Path, tmp_path: Path) -> None:
    refused = run([str(fresh_venv / "bin" / "unigate"), "uninstall", "--yes", "unigate"], tmp_path, 60)
    assert refused.returncode != 0 and "uninstall Unigate itself with pip" in refused.stderr + refused.stdout
    assert listed(fresh_venv / "bin" / "unigate", tmp_path)["unigate"]["version"]
