"""Copy simple-icons' SVG logos (CC0) of the catalog's providers into ``gateway/static/logos/<provider>.svg``.

    python scripts/vendor_logos.py                     # npm pack simple-icons@VERSION into a temp dir
    python scripts/vendor_logos.py --package DIR       # an unpacked simple-icons package (its package.json's dir)

A catalog key is matched to a simple-icons slug by the explicit table below, then by the key itself, the key
without a variant suffix (``-pat``, ``-api-key``, ``-sandbox``...), and the display name turned into a slug as
simple-icons does. Icons carrying a licence other than CC0 are skipped. Each SVG gets the brand's colour as its
fill (black when the brand colour is too light to see on white). Run it again after adding providers.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from pathlib import Path

import yaml

VERSION = "16.37.0"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "gateway" / "static" / "logos"
#: Catalog keys whose simple-icons slug is not found by the rules below.
SLUGS = {
    "google-mail": "gmail",
    "google-calendar": "googlecalendar",
    "google-docs": "googledocs",
    "google-drive": "googledrive",
    "google-sheets": "googlesheets",
    "google-gemini": "googlegemini",
    "twitter": "x",
    "twitter-v2": "x",
    "wordpress": "wordpress",
    "bitbucket": "bitbucket",
    "confluence": "confluence",
    "jira": "jira",
    "huggingface": "huggingface",
    "mistral": "mistralai",
    "quickbooks": "quickbooks",
    "zoho-crm": "zoho",
    "supabase": "supabase",
    "auth0": "auth0",
    "greenhouse": "greenhouse",
    "paddle": "paddle",
    "ghost-admin": "ghost",
    "app-store-connect": "appstore",
    "nager-date": "",
    "open-meteo": "",
}
SUFFIXES = re.compile(
    r"-(pat|api-key|api-token|basic|app|private-app|sandbox|v2|tba|connect|server-to-server|client-credentials|"
    r"app-password|admin)$"
)
SLUG_CHARS = {"+": "plus", ".": "dot", "&": "and", "đ": "d", "ħ": "h", "ı": "i", "ĸ": "k", "ŀ": "l", "ł": "l"}


def title_to_slug(title: str) -> str:
    """simple-icons' rule: lower case, a few characters spelled out, accents and other characters dropped."""
    text = "".join(SLUG_CHARS.get(c, c) for c in title.lower())
    text = unicodedata.normalize("NFD", text)
    return re.sub(r"[^a-z0-9]", "", text)


def candidates(key: str, display_name: str) -> list[str]:
    if key in SLUGS:
        return [SLUGS[key]] if SLUGS[key] else []
    base = SUFFIXES.sub("", key)
    name = re.sub(r"\s*\(.*\)$", "", display_name)
    return [key.replace("-", ""), base.replace("-", ""), title_to_slug(display_name), title_to_slug(name)]


def fill(svg: str, hex_colour: str) -> str:
    """Give the icon its brand colour, or black when that colour would be too light on a white page."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    light = 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.8
    return svg.replace("<svg ", f'<svg fill="#{"000000" if light else hex_colour}" ', 1)


def fetch_package(into: Path) -> Path:
    out = subprocess.run(
        ["npm", "pack", "--silent", f"simple-icons@{VERSION}", "--pack-destination", str(into)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    with tarfile.open(into / out.stdout.strip().splitlines()[-1]) as tar:
        tar.extractall(into, filter="data")
    return into / "package"


def vendor(package: Path, catalog: dict[str, dict[str, object]]) -> dict[str, str]:
    """Write the logos; returns ``{catalog key: slug}`` of those written."""
    icons = {i["slug"]: i for i in json.loads((package / "data" / "simple-icons.json").read_text())}
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.svg"):
        old.unlink()
    written: dict[str, str] = {}
    for key, entry in sorted(catalog.items()):
        for slug in candidates(key, str(entry.get("display_name") or key)):
            icon = icons.get(slug)
            if icon is None or (icon.get("license") or {}).get("type", "CC0-1.0") != "CC0-1.0":
                continue
            svg = (package / "icons" / f"{slug}.svg").read_text()
            (OUT / f"{key}.svg").write_text(fill(svg, icon["hex"]))
            written[key] = slug
            break
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="an unpacked simple-icons package folder")
    args = parser.parse_args()
    catalog = yaml.safe_load((ROOT / "providers.yaml").read_text())
    with tempfile.TemporaryDirectory(prefix="simple-icons-") as tmp:
        package = args.package or fetch_package(Path(tmp))
        written = vendor(package, catalog)
    missing = sorted(set(catalog) - set(written))
    print(f"{len(written)} logos written to {OUT.relative_to(ROOT)}; no logo for {len(missing)}: {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
