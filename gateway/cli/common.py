"""What every command shares: settings, one-line errors, and an in-process API client.

Commands that change data call the REST API in-process (``httpx.ASGITransport``), so the CLI validates and
answers exactly as the API does.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import httpx
import typer
from sqlalchemy.exc import OperationalError, ProgrammingError

from gateway.catalog import CatalogError
from gateway.crypto import CryptoError
from gateway.instance_secrets import ConfigurationError
from gateway.plugins import PluginError
from gateway.settings import Settings
from gateway.store.engine import DatabaseUrlError

T = TypeVar("T")

EXPECTED_ERRORS = (ConfigurationError, CatalogError, CryptoError, DatabaseUrlError, PluginError)


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"unigate: error: {message}", err=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError, from the environment
        fail(f"invalid configuration: {exc}".replace("\n", " "))


@contextmanager
def handled() -> Iterator[None]:
    """Known failures become one line on stderr and exit 1."""
    try:
        yield
    except EXPECTED_ERRORS as exc:
        fail(str(exc))
    except (OperationalError, ProgrammingError) as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        fail(f"database not ready ({reason}); check UNIGATE_DATABASE_URL and run `unigate migrate`")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine under ``handled``."""
    with handled():
        return asyncio.run(coroutine)
    raise AssertionError("unreachable")


async def call_api(method: str, path: str, *, body: Any = None, params: dict[str, Any] | None = None) -> Any:
    from gateway.app import create_app
    from gateway.assemble import build_gateway

    gateway = build_gateway(load_settings())
    app = create_app(gateway)
    await gateway.start(action_runs=False)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://unigate.cli") as client:
            response = await client.request(
                method,
                path,
                json=body,
                params=params,
                headers={"Authorization": f"Bearer {gateway.secrets.secret_key}"},
            )
    finally:
        await gateway.stop()
    data = response.json()
    if response.status_code >= 400:
        fail(data.get("error", {}).get("message", f"HTTP {response.status_code}"))
    return data


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain aligned table; an empty list prints a one-line note instead."""
    if not rows:
        typer.echo("(none)")
        return
    cells = [[str(c) if c is not None else "" for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    typer.echo("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
