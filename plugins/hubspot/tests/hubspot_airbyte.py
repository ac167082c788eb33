"""The HubSpot record schemas of ``airbyte-source-hubspot`` 5.7.0, read at test time.

The wheel is downloaded into the test cache (``gateway.testing.npm_cache.pypi_member``; ELv2, so nothing of it is
committed): ``source_hubspot/schemas/`` (objects and engagements) and ``source_hubspot/manifest.yaml`` (owners).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import yaml

from gateway.testing.npm_cache import pypi_member

PACKAGE = ("airbyte-source-hubspot", "5.7.0")


@cache
def _text(member: str) -> str:
    return pypi_member(*PACKAGE, f"source_hubspot/{member}").read_text()


def record(name: str) -> dict[str, Any]:
    """``schemas/{name}.json`` (``contacts``, ``engagements_notes``, ...); a fresh copy each call."""
    schema: dict[str, Any] = json.loads(_text(f"schemas/{name}.json"))
    schema.pop("$schema", None)
    return schema


def manifest_schema(name: str) -> dict[str, Any]:
    """A schema the manifest declares inline (``owners``); a fresh copy each call."""
    schema: dict[str, Any] = yaml.safe_load(_text("manifest.yaml"))["schemas"][name]
    schema.pop("$schema", None)
    return schema
