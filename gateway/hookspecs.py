"""The hooks a Unigate plugin can implement.

Plugins are modules or objects with functions marked ``@hookimpl`` (``from gateway.provider import hookimpl``),
registered through the ``unigate`` entry-point group. A provider plugin must implement only
``register_providers``. Hook implementations may accept fewer arguments than the specification; adding an
argument to a specification later does not break them. Every hook is documented in ``docs/plugins.md``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from gateway.provider.markers import PROJECT_NAME as PROJECT_NAME

if TYPE_CHECKING:
    import typer
    from starlette.routing import BaseRoute

    from gateway.provider import ErrorResolution, Provider, UpstreamError


hookspec = pluggy.HookspecMarker(PROJECT_NAME)

RegisterProvider = Callable[..., None]  # register(ProviderClass, *, replaces: str | Sequence[str] | None = None)
RegisterCatalog = Callable[["Mapping[str, Any] | Path"], None]
# The running gateway (``gateway.runtime.Gateway``): its settings, database sessions, catalog and registry. Typed
# loosely here because the container sits above the plugin layer; hooks that take it treat it as read-only.
RunningGateway = Any


@hookspec
def register_providers(register: RegisterProvider) -> None:
    """Register ``Provider`` classes: ``register(GitHubProvider)``, or ``register(MyGitHub, replaces="github")``.

    Called once at startup. :param register: records a provider class for each of its ``catalog_keys``;
    ``replaces`` (or the class's ``replaces``) names catalog keys, served by another plugin, that it takes over.
    """


@hookspec
def register_catalog(register: RegisterCatalog) -> None:
    """Contribute providers.yaml entries: ``register({"acme": {...}})`` or ``register(Path("acme.yaml"))``.

    Called once at startup, before ``register_providers``. Contributed entries are merged after the root catalog
    and before ``UNIGATE_PROVIDERS_FILES``, key by key, and checked strictly.
    """


@hookspec
def register_routes(gateway: RunningGateway) -> list[BaseRoute] | None:
    """Return extra Starlette routes to mount on the gateway (they handle their own authentication).

    Called once when the application is built.
    """


@hookspec
def register_commands(cli: typer.Typer) -> None:
    """Add commands to the ``unigate`` command line: ``@cli.command() def hello(): ...``.

    Called once when the command line is built.
    """


@hookspec
def startup(gateway: RunningGateway) -> Awaitable[None] | None:
    """Run when the server starts, after the database and registries are ready; may be a coroutine."""


@hookspec
def shutdown(gateway: RunningGateway) -> Awaitable[None] | None:
    """Run when the server stops; may be a coroutine."""


@hookspec(firstresult=True)
def classify_upstream_error(provider: Provider, error: UpstreamError) -> ErrorResolution | None:
    """Decide what an upstream failure means: retry, refresh the token then retry, wait, or fail.

    Called for each failed upstream call, most recently registered plugin first; the first non-None answer wins.
    The provider's own ``Provider.classify_error`` is consulted before this hook; Unigate's default (a table of
    statuses driven by the catalog's ``proxy.retry``) answers last. Must not block: no I/O.
    """
