"""``unigate plugins`` and ``unigate plugin new``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from gateway.cli.common import fail, handled, load_settings, print_json, print_table

plugin = typer.Typer(help="Write provider plugins.", no_args_is_help=True)


def plugins_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List installed plugins: version, entry point, hooks, and the providers and resources each serves."""
    from gateway.assemble import build_plugin_manager, load_full_catalog
    from gateway.plugins import plugin_infos
    from gateway.registry import build_registry

    settings = load_settings()
    with handled():
        pm = build_plugin_manager(settings)
        registry = build_registry(pm, load_full_catalog(settings, pm))
    rows: list[dict[str, Any]] = []
    for info in plugin_infos(pm):
        served = {
            key: {name: list(resource.operations()) for name, resource in reg.provider.resources.items()}
            for key, reg in registry.registrations.items()
            if reg.distribution == info.distribution and key
        }
        replaced = {
            key: reg.replaced or "?"
            for key, reg in registry.registrations.items()
            if reg.distribution == info.distribution and reg.replaces
        }
        rows.append(
            {
                "name": info.name,
                "distribution": info.distribution,
                "version": info.version,
                "entry_point": info.entry_point,
                "hooks": list(info.hooks),
                "providers": served,
                "replaces": replaced,
            }
        )
    if as_json:
        print_json(rows)
        return
    print_table(
        ("plugin", "distribution", "version", "entry point", "hooks", "providers (resources)", "replaces"),
        [
            (
                r["name"],
                r["distribution"],
                r["version"],
                r["entry_point"] or "-",
                ",".join(r["hooks"]),
                "; ".join(f"{k} ({','.join(v) or '-'})" for k, v in r["providers"].items()),
                ", ".join(f"{k} (of {dist})" for k, dist in r["replaces"].items()) or "-",
            )
            for r in rows
        ],
    )


@plugin.command("new")
def plugin_new(
    name: Annotated[str, typer.Argument(help="Provider name, e.g. acme (gives the distribution unigate-acme).")],
    directory: Annotated[Path, typer.Option(help="Folder to create the package in.")] = Path("."),
) -> None:
    """Scaffold unigate-NAME: pyproject with the entry point, package, catalog entry, README and tests."""
    from gateway.scaffold import ScaffoldError, write_plugin

    try:
        target = write_plugin(name, directory)
    except ScaffoldError as exc:
        fail(str(exc))
    typer.echo(f"created {target}; install it with `pip install -e {target}` and run its tests with pytest")
