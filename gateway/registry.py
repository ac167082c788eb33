"""The provider registry: every plugin's ``register_providers`` called once, conflicts resolved, then frozen.

Requests read ``registry[catalog_key]``; no hook is called to find a provider at request time. One provider
instance serves every key of its class's ``catalog_keys``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pluggy

from gateway.catalog.loader import read_catalog_file
from gateway.plugins import PluginError, distribution_of
from gateway.provider import Provider


@dataclass(frozen=True)
class Registration:
    provider: Provider
    distribution: str
    replaces: str | None = None
    replaced: str | None = None  # the distribution whose provider this one took over


class ProviderRegistry(Mapping[str, Provider]):
    """Catalog key → provider instance, with the distribution each came from."""

    def __init__(self, registrations: Mapping[str, Registration]) -> None:
        self.registrations = MappingProxyType(dict(registrations))

    def __getitem__(self, key: str) -> Provider:
        return self.registrations[key].provider

    def __iter__(self) -> Iterator[str]:
        return iter(self.registrations)

    def __len__(self) -> int:
        return len(self.registrations)


def collect_catalog_contributions(pm: pluggy.PluginManager) -> list[tuple[str, Mapping[str, Any]]]:
    """Every plugin's ``register_catalog`` entries, labelled with the contributing distribution."""
    contributions: list[tuple[str, Mapping[str, Any]]] = []
    for impl in pm.hook.register_catalog.get_hookimpls():
        origin = f"plugin {distribution_of(pm, impl.plugin)[0]}"

        def register(source: Mapping[str, Any] | Path, _origin: str = origin) -> None:
            contributions.append((_origin, read_catalog_file(source) if isinstance(source, Path) else source))

        impl.function(**{name: register for name in impl.argnames})
    return contributions


Replaces = str | Sequence[str] | None


def _record(
    chosen: dict[str, Registration], catalog: Mapping[str, Any], cls: Any, dist: str, replaces: Replaces
) -> None:
    """Register one instance of ``cls`` under each of its ``catalog_keys``, taking over the keys it ``replaces``
    (a class that replaces some keys leaves the other claimed ones, e.g. inherited, to their owner)."""
    if not (isinstance(cls, type) and issubclass(cls, Provider)) or not cls.catalog_keys:
        raise PluginError(f"{dist} registered {cls!r}: register a Provider subclass that sets catalog_keys")
    taken = set(cls.replaces) | ({replaces} if isinstance(replaces, str) else set(replaces or ()))
    for name in sorted(taken - set(cls.catalog_keys)):
        raise PluginError(
            f"{dist} registers {cls.__name__} for {', '.join(cls.catalog_keys)} with replaces={name!r}; "
            "it can only replace keys it serves"
        )
    provider = cls()
    for key in cls.catalog_keys:
        if key not in catalog:
            raise PluginError(
                f"{dist} registers provider {key!r}, which the catalog does not have; contribute its entry with the "
                "register_catalog hook or add it to a file in UNIGATE_PROVIDERS_FILES"
            )
        existing = chosen.get(key)
        replacing = key in taken
        if existing is not None and taken and not replacing:
            continue  # a class replacing some keys leaves the others it inherits with their owner
        if existing is not None and (not replacing or existing.replaces is not None):
            raise PluginError(
                f"provider {key!r} is claimed by both {existing.distribution} and {dist}; "
                + ("uninstall one of them" if replacing else f"the overriding plugin must set replaces={key!r}")
            )
        chosen[key] = Registration(
            provider, dist, key if replacing else None, existing.distribution if existing else None
        )


def build_registry(pm: pluggy.PluginManager, catalog: Mapping[str, Any]) -> ProviderRegistry:
    """Call each plugin's ``register_providers`` (built-ins first) and resolve who serves each catalog key."""
    chosen: dict[str, Registration] = {}
    for impl in pm.hook.register_providers.get_hookimpls():
        dist = distribution_of(pm, impl.plugin)[0]

        def register(cls: type[Provider], *, replaces: Replaces = None, _dist: str = dist) -> None:
            _record(chosen, catalog, cls, _dist, replaces)

        impl.function(**{name: register for name in impl.argnames})
    return ProviderRegistry(chosen)
