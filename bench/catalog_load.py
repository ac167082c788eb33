"""How long loading a 1,000-entry catalog takes: cold (parse and check) and warm (the checked-result cache).

Uses Nango's published catalog (1,013 entries) as the input, installed from npm into a cache outside the
repository, layered over Unigate's own providers.yaml exactly as `UNIGATE_PROVIDERS_FILES` would. As a baseline in
the same run, it times PyYAML alone parsing the same input: both files, the bytes the loader reads.
Run: `.venv/bin/python bench/catalog_load.py`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import yaml

from gateway.catalog.loader import ROOT_CATALOG, load_catalog
from gateway.testing.npm_cache import npm_member

ROUNDS = 7


def nango_catalog() -> Path:
    """Nango's catalog from npm, kept in the test suite's package cache (fetched once)."""
    return npm_member("@nangohq/providers", "0.71.10", "package/providers.yaml")


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main() -> None:
    path = nango_catalog()
    texts = [ROOT_CATALOG.read_text(), path.read_text()]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    parse_only = [timed(lambda: [yaml.load(text, Loader=loader) for text in texts]) for _ in range(ROUNDS)]
    cold, warm = [], []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as cache:
            cold.append(timed(lambda: load_catalog(overrides=[path], cache_dir=Path(cache))))  # noqa: B023
            warm.append(timed(lambda: load_catalog(overrides=[path], cache_dir=Path(cache))))  # noqa: B023
    entries = len(load_catalog(overrides=[path]))
    print(f"catalog: {entries} entries ({path.stat().st_size // 1024} KB of YAML), median of {ROUNDS} rounds")
    print(f"baseline, PyYAML parse only : {statistics.median(parse_only):7.1f} ms")
    print(f"cold load (parse + check)   : {statistics.median(cold):7.1f} ms")
    print(f"warm load (cached result)   : {statistics.median(warm):7.1f} ms  (target < 150 ms)")
    ratio = statistics.median(cold) / statistics.median(parse_only)
    print(f"cold / parse-only ratio     : {ratio:7.2f}  (target <= 1.25)")
    print(f"warm / parse-only ratio     : {statistics.median(warm) / statistics.median(parse_only):7.2f}")


if __name__ == "__main__":
    main()
