"""``unigate install`` and ``unigate uninstall``: plugin packages into Unigate's own environment, with pip.

Unigate finds plugins by their ``unigate`` entry points, so a package installed into the environment Unigate runs
from is loaded at the next start (restart ``unigate serve``). Like ``datasette install``, these run pip with the
interpreter running Unigate, so they work whatever virtualenv (or pipx) Unigate lives in.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from typing import Annotated

import typer

from gateway.cli.common import fail


def _pip(*arguments: str) -> None:
    if importlib.util.find_spec("pip") is None:
        fail(f"pip is not installed in Unigate's environment ({sys.prefix}): run `{sys.executable} -m ensurepip`")
    completed = subprocess.run([sys.executable, "-m", "pip", *arguments], check=False)
    if completed.returncode != 0:
        fail(f"pip {arguments[0]} failed (exit status {completed.returncode}); see pip's output above")


def install_command(
    packages: Annotated[list[str], typer.Argument(help="Distributions, wheel files or folders, as pip takes them.")],
    upgrade: Annotated[bool, typer.Option("--upgrade", "-U", help="Upgrade packages already installed.")] = False,
    editable: Annotated[bool, typer.Option("--editable", "-e", help="Install folders in editable mode.")] = False,
) -> None:
    """Install plugin packages (e.g. unigate-hubspot, ./dist/unigate_acme-0.1.0-py3-none-any.whl) for Unigate."""
    arguments = ["install", *(["--upgrade"] if upgrade else [])]
    for package in packages:
        arguments += ["-e", package] if editable else [package]
    _pip(*arguments)
    typer.echo("installed; restart `unigate serve` to load the plugins, and see them with `unigate plugins`")


def uninstall_command(
    packages: Annotated[list[str], typer.Argument(help="Distribution names, e.g. unigate-hubspot.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Uninstall plugin packages from Unigate's environment."""
    if any(name.lower().replace("_", "-") == "unigate" for name in packages):
        fail("unigate install/uninstall manage plugins; uninstall Unigate itself with pip")
    _pip("uninstall", *(["--yes"] if yes else []), *packages)
