"""``unigate providers|integrations|connections``: read and change what the API serves."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from gateway.catalog import Catalog
from gateway.catalog.capabilities import coverage, serving
from gateway.catalog.loader import check_catalog_files
from gateway.cli.common import call_api, fail, handled, load_settings, print_json, print_table, run

providers = typer.Typer(help="The API catalog (providers.yaml and overrides).", no_args_is_help=True)
integrations = typer.Typer(help="Integrations: your configured uses of catalog providers.", no_args_is_help=True)
connections = typer.Typer(help="Connections: end users' authorised accounts.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _catalog() -> Catalog:
    from gateway.assemble import build_plugin_manager, load_full_catalog

    settings = load_settings()
    with handled():
        return load_full_catalog(settings, build_plugin_manager(settings))
    raise AssertionError("unreachable")


@providers.command("validate")
def providers_validate(
    files: Annotated[list[Path], typer.Argument(help="providers.yaml files, loaded together in order.")],
    lenient: Annotated[bool, typer.Option(help="Check as a foreign catalog: unknown keys are warnings.")] = False,
) -> None:
    """Check catalog files: one line per problem, then a summary; exit 1 on errors."""
    with handled():
        count, problems = check_catalog_files(files, strict=not lenient)
    for problem in problems:
        typer.echo(f"{problem.severity}: {problem}")
    failing = {p.provider for p in problems if p.severity == "error"}
    typer.echo(f"{count} providers, {count - len(failing)} ok, {len(failing)} with errors")
    if any(p.severity == "error" for p in problems):
        raise typer.Exit(1)


@providers.command("coverage")
def providers_coverage(
    as_json: JsonFlag = False,
    unserved: Annotated[bool, typer.Option("--unserved", help="List only entries Unigate cannot serve.")] = False,
) -> None:
    """Whether Unigate can serve each entry's auth mode, and the share per auth mode."""
    catalog = _catalog()
    rows = [(name, entry.get("auth_mode") or "", serving(entry)) for name, entry in catalog.items()]
    if as_json:
        print_json([{"name": n, "auth_mode": m, "served": s.served, "reason": s.reason} for n, m, s in rows])
        return
    print_table(
        ("name", "auth mode", "served", "why not"),
        [(n, m, "yes" if s.served else "no", s.reason or "") for n, m, s in rows if not (unserved and s.served)],
    )
    total, served = coverage(catalog)
    typer.echo("")
    for mode, count in total.most_common():
        typer.echo(f"{mode}: {served[mode]}/{count} served")
    typer.echo(
        f"{sum(served.values())} of {len(catalog)} providers served "
        f"({100 * sum(served.values()) / max(len(catalog), 1):.1f}%)"
    )


@providers.command("list")
def providers_list(
    category: Annotated[str | None, typer.Option(help="Only providers in this category.")] = None,
    auth_mode: Annotated[str | None, typer.Option("--auth-mode", help="Only this auth mode, e.g. OAUTH2.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List catalog providers."""
    catalog = _catalog()
    rows = [
        (name, e.get("display_name", ""), e.get("auth_mode", ""), ",".join(e.get("categories") or []))
        for name, e in catalog.items()
        if (category is None or category in (e.get("categories") or []))
        and (auth_mode is None or str(e.get("auth_mode", "")).upper() == auth_mode.upper())
    ]
    if as_json:
        print_json([dict(zip(("name", "display_name", "auth_mode", "categories"), r, strict=True)) for r in rows])
    else:
        print_table(("name", "display name", "auth mode", "categories"), rows)


@providers.command("show")
def providers_show(name: str) -> None:
    """Print one provider's resolved entry as JSON."""
    catalog = _catalog()
    if name not in catalog:
        fail(f"provider {name!r} is not in the catalog; see `unigate providers list`")
    print_json({"name": name, **catalog[name]})


@integrations.command("list")
def integrations_list(as_json: JsonFlag = False) -> None:
    """List integrations."""
    data = run(call_api("GET", "/integrations"))["data"]
    if as_json:
        print_json(data)
    else:
        print_table(
            ("unique key", "provider", "display name", "created"),
            [(i["unique_key"], i["provider"], i["display_name"], i["created_at"]) for i in data],
        )


@integrations.command("create")
def integrations_create(
    provider: Annotated[str, typer.Argument(help="Catalog provider, e.g. github.")],
    unique_key: Annotated[str, typer.Argument(help="Your name for the integration, e.g. github-prod.")],
    client_id: Annotated[str | None, typer.Option(help="OAuth client id.")] = None,
    client_secret: Annotated[
        str | None,
        typer.Option(help="OAuth client secret (or UNIGATE_CLIENT_SECRET).", envvar="UNIGATE_CLIENT_SECRET"),
    ] = None,
    scopes: Annotated[str | None, typer.Option(help="Comma-separated scopes.")] = None,
    display_name: Annotated[str | None, typer.Option(help="Name shown to users.")] = None,
) -> None:
    """Create an integration (OAuth client credentials optional)."""
    body: dict[str, Any] = {"provider": provider, "unique_key": unique_key}
    if display_name:
        body["display_name"] = display_name
    if client_id or client_secret:
        if not (client_id and client_secret):
            fail("--client-id and --client-secret go together")
        mode = str(_catalog().get(provider, {}).get("auth_mode", "OAUTH2"))
        body["credentials"] = {
            "type": mode if mode in ("OAUTH1", "TBA") else "OAUTH2",
            "client_id": client_id,
            "client_secret": client_secret,
            "scopes": scopes,
        }
    data = run(call_api("POST", "/integrations", body=body))["data"]
    typer.echo(f"created integration {data['unique_key']} ({data['provider']})")


@integrations.command("delete")
def integrations_delete(unique_key: str) -> None:
    """Delete an integration and all its connections."""
    run(call_api("DELETE", f"/integrations/{unique_key}"))
    typer.echo(f"deleted integration {unique_key}")


@connections.command("list")
def connections_list(
    integration: Annotated[str | None, typer.Option(help="Only this integration's connections.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List connections (without credentials)."""
    params = {"integrationId": integration} if integration else None
    data = run(call_api("GET", "/connections", params=params))["connections"]
    if as_json:
        print_json(data)
    else:
        print_table(
            ("connection id", "integration", "provider", "end user", "created"),
            [
                (
                    c["connection_id"],
                    c["provider_config_key"],
                    c["provider"],
                    (c.get("end_user") or {}).get("id"),
                    c["created"],
                )
                for c in data
            ],
        )


@connections.command("delete")
def connections_delete(
    connection_id: str,
    integration: Annotated[str, typer.Option(help="The connection's integration (unique key).")],
) -> None:
    """Delete one connection."""
    run(call_api("DELETE", f"/connections/{connection_id}", params={"provider_config_key": integration}))
    typer.echo(f"deleted connection {connection_id} of {integration}")


def logs_command(
    connection: Annotated[str | None, typer.Option(help="Only this connection id.")] = None,
    integration: Annotated[str | None, typer.Option(help="Only this integration (unique key).")] = None,
    errors: Annotated[
        bool, typer.Option("--errors", help="Only calls that ended with a status of 400 or more.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many entries.")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Show the proxy's request log, newest first."""
    params: dict[str, Any] = {"limit": limit, "errors_only": str(errors).lower()}
    if connection:
        params["connection_id"] = connection
    if integration:
        params["integration"] = integration
    data = run(call_api("GET", "/logs", params=params))["logs"]
    if as_json:
        print_json(data)
    else:
        print_table(
            ("time", "integration", "connection", "method", "path", "status", "ms", "attempts", "error"),
            [
                (
                    r["created_at"],
                    r["integration"],
                    r["connection_id"],
                    r["method"],
                    r["path"],
                    r["status"],
                    r["duration_ms"],
                    r["attempts"],
                    r["error"],
                )
                for r in data
            ],
        )
