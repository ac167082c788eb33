"""The Zendesk Support record schemas of ``airbyte-source-zendesk-support`` 4.9.1, read at test time.

The wheel is downloaded into the test cache (``gateway.testing.npm_cache.pypi_member``; ELv2, so nothing of it is
committed) and only ``source_zendesk_support/schemas/`` is extracted. Their ``$ref``s name sibling files of
``schemas/shared`` (``via_channel.json``): ``load`` inlines them so any validator or generator can use the result.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from gateway.testing.npm_cache import pypi_member

PACKAGE = ("airbyte-source-zendesk-support", "4.9.1", "source_zendesk_support/schemas")
FILES = {  # the record each schema describes -> its file
    "ticket": "shared/tickets.json",
    "comment": "ticket_comments.json",
    "user": "users.json",
    "group": "groups.json",
    "organization": "organizations.json",
    "tag": "tags.json",
}


@cache
def folder() -> Path:
    return pypi_member(*PACKAGE)


def _inline(node: Any) -> Any:
    if isinstance(node, dict):
        if set(node) >= {"$ref"} and str(node["$ref"]).endswith(".json"):
            target = json.loads((folder() / "shared" / node["$ref"]).read_text())
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return {**_inline(target), **_inline(rest)}
        return {k: _inline(v) for k, v in node.items() if k != "$schema"}
    if isinstance(node, list):
        return [_inline(v) for v in node]
    return node


@cache
def _load(name: str) -> str:
    return json.dumps(_inline(json.loads((folder() / FILES[name]).read_text())))


def load(name: str) -> dict[str, Any]:
    """The schema of ``name`` (a key of ``FILES``), references inlined; a fresh copy each call."""
    schema: dict[str, Any] = json.loads(_load(name))
    return schema
