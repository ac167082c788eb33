"""``unigate``: serve, migrate, and manage providers, integrations, connections and keys."""

from __future__ import annotations

from typing import Annotated

import typer

from gateway import __version__
from gateway.cli.common import fail, handled, load_settings
from gateway.cli.install import install_command, uninstall_command
from gateway.cli.keys import keys
from gateway.cli.plugins import plugin, plugins_command
from gateway.cli.resources import connections, integrations, logs_command, providers
from gateway.cli.worker import worker_command
from gateway.settings import Settings

app = typer.Typer(
    name="unigate",
    help="Unigate, a self-hostable unified API gateway. Configuration comes from UNIGATE_* variables (see README).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(providers, name="providers")
app.add_typer(integrations, name="integrations")
app.add_typer(connections, name="connections")
app.add_typer(keys, name="keys")
app.add_typer(plugin, name="plugin")
app.command("plugins")(plugins_command)
app.command("install")(install_command)
app.command("uninstall")(uninstall_command)
app.command("logs")(logs_command)
app.command("worker")(worker_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"unigate {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Unigate's command line."""


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic migrations; procrastinate's tables with its job engine)."""
    from gateway.assemble import check_job_engine
    from gateway.store.migrate import upgrade

    settings = load_settings()
    with handled():
        check_job_engine(settings)
        upgrade(settings.resolved_database_url)
        if settings.job_engine == "procrastinate":
            from gateway.syncs.jobs import apply_schema

            if apply_schema(settings.resolved_database_url):
                typer.echo("created the job engine's tables (procrastinate)")
    typer.echo(f"database is up to date ({_describe_db(settings.resolved_database_url)})")


def _describe_db(url: str) -> str:
    from gateway.store.engine import parse_database_url

    return parse_database_url(url).render_as_string(hide_password=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default UNIGATE_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default UNIGATE_PORT).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes; they share state through the database (docs/operators.md).")
    ] = 1,
) -> None:
    """Start the gateway server: ``workers`` uvicorn processes on one port, stopped gracefully on SIGTERM."""
    import os

    import uvicorn

    from gateway.assemble import check_job_engine
    from gateway.catalog import load_catalog
    from gateway.http_protocol import LimitedHttpToolsProtocol
    from gateway.instance_secrets import load_instance_secrets
    from gateway.store.migrate import is_current

    if host:
        os.environ["UNIGATE_HOST"] = host
    if port:
        os.environ["UNIGATE_PORT"] = str(port)
    settings = load_settings()
    with handled():
        check_job_engine(settings)
        secrets = load_instance_secrets(settings)
        load_catalog(overrides=settings.extra_provider_files)
        if not is_current(settings.resolved_database_url):
            fail("the database schema is not up to date; run `unigate migrate` first")
    typer.echo(f"Unigate {__version__} at {settings.resolved_public_url}  (API reference: /docs)")
    typer.echo(f"database: {_describe_db(settings.resolved_database_url)}")
    if secrets.secret_key_file in secrets.generated:  # printed once: on later starts, only where it is kept
        typer.echo(f"secret key: {secrets.secret_key}  (new; kept in {secrets.secret_key_file})")
    elif secrets.secret_key_file is not None:
        typer.echo(f"secret key: kept in {secrets.secret_key_file}")
    if secrets.keyring.path is not None:
        typer.echo(f"encryption keys: {secrets.keyring.path}")
    for path in secrets.generated:
        typer.echo(f"generated {path} (mode 0600)")
    if settings.metrics == "on":
        _prepare_metrics(settings, workers)
    uvicorn.run(
        "gateway.asgi:app_factory",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        access_log=False,
        log_level=settings.log_level,
        lifespan="on",
        http=LimitedHttpToolsProtocol,
        timeout_keep_alive=settings.keep_alive_timeout,  # type: ignore[arg-type]  # uvicorn's timer takes floats
        h11_max_incomplete_event_size=settings.max_header_bytes,
        timeout_graceful_shutdown=settings.shutdown_grace,  # type: ignore[arg-type]  # a float works as well
    )


def _prepare_metrics(settings: Settings, workers: int) -> None:
    """With several workers, a fresh directory for their metrics files (read by each /metrics); with
    ``UNIGATE_METRICS_PORT``, the metrics served on that port, without auth, by this process."""
    import os
    import shutil

    from gateway.metrics import MULTIPROC_ENV

    if workers > 1:
        directory = (settings.data_dir / "metrics").resolve()
        shutil.rmtree(directory, ignore_errors=True)  # values of an earlier run must not be added to this one's
        directory.mkdir(parents=True, mode=0o700)
        os.environ[MULTIPROC_ENV] = str(directory)  # set before the workers import prometheus_client
    if settings.metrics_port is not None:
        from prometheus_client import start_http_server

        from gateway.metrics import registry

        start_http_server(settings.metrics_port, addr=settings.host, registry=registry())
        typer.echo(f"metrics: http://{settings.host}:{settings.metrics_port}/metrics")


def add_plugin_commands() -> None:
    """Let installed plugins add commands (the ``register_commands`` hook); a broken plugin is reported by ``serve``."""
    from gateway.assemble import build_plugin_manager
    from gateway.plugins import PluginError

    try:
        build_plugin_manager(load_settings()).hook.register_commands(cli=app)
    except PluginError:
        pass


def main() -> None:
    add_plugin_commands()
    app()
