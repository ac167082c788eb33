"""``unigate plugin new``: the generated package installs into a fresh virtualenv and its tests pass."""

from __future__ import annotations

import site
import subprocess
import sys
from pathlib import Path

import pytest

import gateway
from gateway.scaffold import ScaffoldError, template_values, write_plugin
from tests.servers import UNIGATE


def test_generated_plugin_installs_and_its_tests_pass(tmp_path: Path) -> None:
    created = subprocess.run(
        [UNIGATE, "plugin", "new", "acme-crm", "--directory", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
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

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    venv_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Unigate and its dependencies come from the project's environment; the plugin is installed into the new one.
    # (.pth files are not read in folders another .pth adds, so the editable project and plugins are listed too.)
    root = Path(gateway.__file__).resolve().parents[1]
    plugins = [str(p.parent) for p in root.glob("plugins/*/pyproject.toml")]  # the repository's own plugins
    paths = [*site.getsitepackages(), str(root), *plugins]
    Path(venv_site, "unigate-under-test.pth").write_text("\n".join(paths) + "\n")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "-e", str(package)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    listed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "gateway.cli", "plugins", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert '"unigate-acme-crm"' in listed.stdout, listed.stderr
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "10 passed" in tests.stdout, tests.stdout  # installed + the 9 contract checks, live ones included


@pytest.mark.parametrize("name", ["Acme", "1acme", "acme--crm", "acme_crm", "a", "acme-"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(ScaffoldError, match="lower-case letters"):
        template_values(name)


def test_existing_folder_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "unigate-acme").mkdir()
    with pytest.raises(ScaffoldError, match="already exists"):
        write_plugin("acme", tmp_path)
