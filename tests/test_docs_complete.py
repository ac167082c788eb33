"""Every environment variable and every command a user can use is documented in the README."""

from __future__ import annotations

from pathlib import Path

import click
import typer.main

from gateway.cli.main import app
from gateway.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"`UNIGATE_{name.upper()}`" in README, f"README: document UNIGATE_{name.upper()}"


def test_every_command_is_documented() -> None:
    def walk(command: click.Command, prefix: str) -> list[str]:
        if isinstance(command, click.Group):
            return [path for name, sub in command.commands.items() for path in walk(sub, f"{prefix} {name}")]
        return [prefix]

    for path in walk(typer.main.get_command(app), "unigate"):
        assert f"`{path}" in README, f"README: document `{path}`"
