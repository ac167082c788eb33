"""Loading providers.yaml files: parse, deep-merge the sources in order, resolve aliases, freeze.

Sources, each later one overriding earlier ones key by key: the root ``providers.yaml``, then entries plugins
contribute, then the files in ``UNIGATE_PROVIDERS_FILES`` (the operator has the last word).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT_CATALOG = Path(__file__).resolve().parents[2] / "providers.yaml"

Entry = dict[str, Any]

try:  # the C loader parses Nango's 1 MB file several times faster
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class CatalogError(Exception):
    """A catalog file cannot be used; the message names the file, the provider and the key."""


def read_catalog_file(path: Path) -> dict[str, Entry]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read ({exc.strerror}); check UNIGATE_PROVIDERS_FILES") from None
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: must be a mapping of provider name to entry, found a {type(data).__name__}")
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise CatalogError(f"{path}: {name}: entry must be a mapping, found a {type(entry).__name__}")
    return {str(name): entry for name, entry in data.items()}


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` wins key by key; nested mappings merge, everything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve_aliases(raw: Mapping[str, Entry], origin: str = "catalog") -> dict[str, Entry]:
    """Apply ``alias:``: an entry is a shallow overlay of its (recursively resolved) base."""
    resolved: dict[str, Entry] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> Entry:
        if name in resolved:
            return resolved[name]
        entry = raw[name]
        base_name = entry.get("alias")
        if base_name is None:
            result = dict(entry)
        else:
            if base_name not in raw:
                raise CatalogError(f"{origin}: {name}: alias: unknown provider {base_name!r}")
            if base_name in chain:
                cycle = " -> ".join((*chain, name, base_name))
                raise CatalogError(f"{origin}: {name}: alias: cycle {cycle}")
            result = {**resolve(base_name, (*chain, name)), **entry}
        resolved[name] = result
        return result

    for name in raw:
        resolve(name, ())
    return resolved


class Catalog(Mapping[str, Entry]):
    """The resolved catalog, read-only once built."""

    def __init__(self, entries: Mapping[str, Entry], sources: Iterable[str] = ()) -> None:
        self._entries = dict(sorted(entries.items()))
        self.sources = tuple(sources)

    def __getitem__(self, name: str) -> Entry:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def load_catalog(
    files: Iterable[Path] = (ROOT_CATALOG,),
    contributed: Iterable[tuple[str, Mapping[str, Entry]]] = (),
    overrides: Iterable[Path] = (),
) -> Catalog:
    """Merge ``files``, then plugin ``contributed`` mappings, then operator ``overrides``; resolve aliases."""
    raw: dict[str, Entry] = {}
    sources: list[str] = []

    def merge(entries: Mapping[str, Entry], origin: str) -> None:
        for name, entry in entries.items():
            raw[name] = deep_merge(raw.get(name, {}), entry)
        sources.append(origin)

    for path in files:
        merge(read_catalog_file(path), str(path))
    for origin, entries in contributed:
        merge(entries, origin)
    for path in overrides:
        merge(read_catalog_file(path), str(path))
    return Catalog(resolve_aliases(raw), sources)
