"""``unigate plugin new NAME``: write a provider plugin package whose tests pass as generated."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, StrictUndefined

TEMPLATE_DIR = Path(__file__).parent / "templates" / "plugin"
NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}[a-z0-9]$")


class ScaffoldError(Exception):
    """The plugin cannot be written; the message says why."""


def template_values(name: str) -> dict[str, str]:
    if not NAME.match(name) or "--" in name:
        raise ScaffoldError(
            f"plugin name {name!r}: use lower-case letters, digits and single hyphens, starting with a letter"
        )
    words = name.split("-")
    return {
        "name": name,
        "module": name.replace("-", "_"),
        "class_name": "".join(w.capitalize() for w in words),
        "display_name": " ".join(w.capitalize() for w in words),
    }


def write_plugin(name: str, parent: Path) -> Path:
    """Render the plugin template into ``parent/unigate-NAME``; refuses to overwrite an existing folder."""
    values = template_values(name)
    target = parent / f"unigate-{name}"
    if target.exists():
        raise ScaffoldError(f"{target} already exists; choose another name or folder")
    environment = Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)  # noqa: S701
    for source in sorted(TEMPLATE_DIR.rglob("*.j2")):
        relative = environment.from_string(str(source.relative_to(TEMPLATE_DIR))).render(values)
        destination = target / relative.removesuffix(".j2")
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(environment.from_string(source.read_text()).render(values))
    return target
