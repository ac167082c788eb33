"""``unigate plugin new``: in a fresh virtualenv, ``pip install -e UNIGATE -e '.[test]'`` then ``pytest`` passes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import gateway
from gateway.scaffold import ScaffoldError, template_values, write_plugin
from tests.servers import UNIGATE

ROOT = Path(gateway.__file__).resolve().parents[1]  # the checkout under test
TREE = re.compile(r"`unigate plugin new acme` writes `unigate-acme/`:\n\n *```\n(?P<tree>.*?)\n *```", re.DOTALL)


def clean_env() -> dict[str, str]:
    """The caller's environment without what would leak this checkout or its virtualenv into the new one."""
    leaks = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    return {k: v for k, v in os.environ.items() if k not in leaks and not k.startswith(("UNIGATE_", "PYTEST_"))}


def run(command: list[str], cwd: Path, timeout: int) -> subprocess.CompletedProcess[str]:
    """Run a command of the new virtualenv."""
    return subprocess.run(command, cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=timeout)


def test_generated_plugin_installs_in_a_fresh_venv_and_its_tests_pass(tmp_path: Path) -> None:
    command = [UNIGATE, "plugin", "new", "acme-crm", "--directory", str(tmp_path)]  # this checkout's CLI
    created = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stderr
    package = tmp_path / "unigate-acme-crm"
    assert {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()} == {
        "pyproject.toml",
        "README.md",
        "unigate_acme_crm/__init__.py",
        "unigate_acme_crm/tickets.py",
        "unigate_acme_crm/providers.yaml",
        "tests/fake_acme_crm.py",
        "tests/test_acme_crm.py",
    }

    # A bare venv filled by this pip (so no ensurepip); builds stay isolated, so every build dependency must be
    # declared; pip's cache is used and --no-compile skips byte-compiling the dependencies (~1/3 of the install).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], env=clean_env(), check=True, timeout=60)
    bin_dir = venv / "bin"
    pip = [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "--quiet", "--no-compile"]
    install = run([*pip, "-e", str(ROOT), "-e", ".[test]"], package, 600)
    assert install.returncode == 0, install.stdout + install.stderr
    assert "deprecat" not in install.stderr.lower(), install.stderr  # e.g. setuptools on a non-SPDX licence

    listed = run([str(bin_dir / "unigate"), "plugins", "--json"], tmp_path, 60)
    assert '"unigate-acme-crm"' in listed.stdout, listed.stdout + listed.stderr
    tests = run([str(bin_dir / "pytest"), "-p", "no:cacheprovider"], package, 300)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "11 passed" in tests.stdout, tests.stdout  # installed + the 10 contract checks, live ones included


@pytest.mark.parametrize("name", ["Acme", "1acme", "acme--crm", "acme_crm", "a", "acme-"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(ScaffoldError, match="lower-case letters"):
        template_values(name)


def test_existing_folder_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "unigate-acme").mkdir()
    with pytest.raises(ScaffoldError, match="already exists"):
        write_plugin("acme", tmp_path)


def documented_tree() -> set[str]:
    """The files docs/plugins.md shows in the tree of a new plugin: nesting by two-space indent, ``#`` comments."""
    found = TREE.search((ROOT / "docs" / "plugins.md").read_text())
    assert found, "docs/plugins.md has no file tree after 'unigate plugin new acme writes'"
    lines = [line.split("#")[0].rstrip() for line in found["tree"].splitlines()]
    base = min(len(line) - len(line.lstrip()) for line in lines)
    files: set[str] = set()
    folders: list[str] = []  # the open folder at each depth
    for line in lines[1:]:  # the first line is the package folder itself
        depth = (len(line) - len(line.lstrip()) - base) // 2 - 1
        del folders[depth:]
        name = line.strip()
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
        else:
            files.add("/".join([*folders, name]))
    return files


def test_docs_tree_matches_what_the_scaffold_writes(tmp_path: Path) -> None:
    package = write_plugin("acme", tmp_path)
    assert documented_tree() == {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}
