"""Loading the catalog: parse, check, deep-merge the sources in order, resolve aliases, freeze.

Sources, each later one overriding earlier ones key by key: the root ``providers.yaml`` and plugin contributions
(checked strictly), then the files in ``UNIGATE_PROVIDERS_FILES`` (checked leniently: the operator has the last
word and may point at a foreign catalog). Parsing a 1 MB YAML file costs about 300 ms, so the checked result is
cached as JSON under a hash of every input; a restart with unchanged sources reads the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from gateway import __version__
from gateway.catalog.validation import Problem, check_file_entry, check_resolved_entry
from gateway.private_paths import private_dir

logger = logging.getLogger("unigate.catalog")

ROOT_CATALOG = Path(__file__).resolve().parents[2] / "providers.yaml"

Entry = dict[str, Any]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (the C one when available) that keeps dates as the strings the file wrote."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class CatalogError(Exception):
    """A catalog cannot be used; the message lists each problem with its file, provider and key."""

    def __init__(self, problems: Iterable[Problem | str]) -> None:
        self.problems = [str(p) for p in problems]
        super().__init__("\n".join(self.problems))


def parse_catalog_text(text: str, origin: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise CatalogError([f"{origin}: not valid YAML: {exc}".replace("\n", " ")]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise CatalogError([f"{origin}: must map provider names to entries, found a {type(data).__name__}"])
    return {str(name): entry for name, entry in data.items()}


def read_catalog_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError([f"{path}: cannot read ({exc.strerror}); check UNIGATE_PROVIDERS_FILES"]) from None
    return parse_catalog_text(text, str(path))


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` wins key by key; nested mappings merge, everything else is replaced.

    Neither input is changed; values taken whole are shared with the inputs, not copied (catalog entries are
    read-only, and every input is freshly parsed)."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolve_aliases(raw: Mapping[str, Entry], origins: Mapping[str, str] | None = None) -> dict[str, Entry]:
    """Apply ``alias:``: an entry is a shallow overlay of its (recursively resolved) base."""
    resolved: dict[str, Entry] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> Entry:
        if name in resolved:
            return resolved[name]
        entry = raw[name]
        base_name = entry.get("alias")
        origin = (origins or {}).get(name, "catalog")
        if base_name is None:
            result = dict(entry)
        elif base_name not in raw:
            raise CatalogError([f"{origin}: {name}: alias: unknown provider {base_name!r}"])
        elif base_name in chain or base_name == name:
            raise CatalogError([f"{origin}: {name}: alias: cycle {' -> '.join((*chain, name, base_name))}"])
        else:
            result = {**resolve(base_name, (*chain, name)), **entry}
        resolved[name] = result
        return result

    for name in raw:
        resolve(name, ())
    return resolved


class Catalog(Mapping[str, Entry]):
    """The resolved catalog, read-only once built; ``warnings`` lists what lenient checks let through."""

    def __init__(self, entries: Mapping[str, Entry], sources: Iterable[str] = (), warnings: Iterable[str] = ()) -> None:
        self._entries = dict(sorted(entries.items()))
        self.sources = tuple(sources)
        self.warnings = tuple(warnings)

    def __getitem__(self, name: str) -> Entry:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def _build(sources: Sequence[tuple[str, bool, Mapping[str, Any]]]) -> tuple[dict[str, Entry], list[Problem]]:
    raw: dict[str, Entry] = {}
    origins: dict[str, str] = {}
    strictness: dict[str, bool] = {}
    problems: list[Problem] = []
    for origin, strict, entries in sources:
        for name, entry in entries.items():
            problems.extend(check_file_entry(origin, name, entry, strict))
            if isinstance(entry, Mapping):
                raw[name] = deep_merge(raw[name], entry) if name in raw else dict(entry)
                origins[name] = origin
                strictness[name] = strict
    if any(p.severity == "error" for p in problems):
        return {}, problems
    try:
        resolved = resolve_aliases(raw, origins)
    except CatalogError as exc:
        return {}, [*problems, *(Problem("", "", "", message) for message in exc.problems)]
    for name, entry in resolved.items():
        problems.extend(check_resolved_entry(origins[name], name, entry, strictness[name]))
    return resolved, problems


def _fingerprint(parts: list[tuple[str, bool, bytes]]) -> str:
    digest = hashlib.sha256(__version__.encode())
    for origin, strict, data in parts:
        digest.update(f"\0{origin}\0{strict}\0".encode())
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:32]


def load_catalog(
    files: Iterable[Path] = (ROOT_CATALOG,),
    contributed: Iterable[tuple[str, Mapping[str, Any]]] = (),
    overrides: Iterable[Path] = (),
    cache_dir: Path | None = None,
) -> Catalog:
    """Load ``files`` and plugin ``contributed`` entries (strict), then operator ``overrides`` (lenient)."""
    inputs: list[tuple[str, bool, bytes, Mapping[str, Any] | None]] = []
    for path in files:
        inputs.append((str(path), True, _read_bytes(path), None))
    for origin, entries in contributed:
        data = json.dumps(entries, sort_keys=True, default=str).encode()
        inputs.append((origin, True, data, json.loads(data)))  # a copy: the catalog never shares a plugin's dicts
    for path in overrides:
        inputs.append((str(path), False, _read_bytes(path), None))
    cache = cache_dir / f"catalog-{_fingerprint([(o, s, b) for o, s, b, _ in inputs])}.json" if cache_dir else None
    if cache is not None and cache.exists():
        cached = json.loads(cache.read_text())
        return Catalog(cached["entries"], [o for o, *_ in inputs], cached["warnings"])
    sources = [
        (origin, strict, entries if entries is not None else parse_catalog_text(data.decode("utf-8"), origin))
        for origin, strict, data, entries in inputs
    ]
    resolved, problems = _build(sources)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise CatalogError(errors)
    warnings = [str(p) for p in problems]
    if cache is not None:
        private_dir(cache.parent)  # inside the data directory, which must not be created world-readable
        staged = cache.with_name(f".{cache.name}.{os.getpid()}")
        staged.write_text(json.dumps({"entries": resolved, "warnings": warnings}))
        os.replace(staged, cache)  # whole or not at all: servers sharing the directory never read half a file
    return Catalog(resolved, [o for o, *_ in inputs], warnings)


def check_catalog_files(paths: Iterable[Path], strict: bool = True) -> tuple[int, list[Problem]]:
    """``unigate providers validate``: every problem of the given files loaded together, and the entry count."""
    sources = [(str(p), strict, read_catalog_file(p)) for p in paths]
    _, problems = _build(sources)
    return len({name for _, _, entries in sources for name in entries}), problems


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogError([f"{path}: cannot read ({exc.strerror}); check UNIGATE_PROVIDERS_FILES"]) from None
