"""Checking what an end user typed into a connect form against the catalog entry's field schemas.

A value must match its field's ``pattern``, ``format`` and ``enum``; and the connection's values must build the
entry's URLs (``proxy.base_url``, the OAuth URLs) without leaving the provider's host (``safe_urls``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from gateway.catalog.safe_urls import HOST_WITH_PORT, render_url
from gateway.catalog.templates import TemplateError, Variable

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL_KEYS = ("authorization_url", "token_url", "refresh_url")


class FormError(ValueError):
    """A form value is refused; the message starts with the field (``connection_config.subdomain: ...``)."""


def _check_format(fmt: str, value: str) -> bool:
    if fmt == "hostname":
        return bool(HOST_WITH_PORT.match(value))
    if fmt in ("uri", "url"):
        return bool(re.match(r"^https?://[^\s/@\\]+(/[^\s]*)?$", value))
    if fmt == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            return False
        return True
    if fmt == "email":
        return bool(EMAIL.match(value))
    return True


def check_field(section: str, name: str, spec: Mapping[str, Any], value: Any) -> None:
    label = f"{section}.{name}"
    if not isinstance(value, str):
        raise FormError(f"{label}: must be a string, got {type(value).__name__}")
    example = f" (e.g. {spec['example']!r})" if spec.get("example") else ""
    pattern = spec.get("pattern")
    if pattern:
        try:
            matched = re.search(pattern, value) is not None
        except re.error:
            matched = True  # a pattern Python cannot read is reported by the catalog checks, not held against users
        if not matched:
            raise FormError(f"{label}: {value!r} does not match the expected form {pattern}{example}")
    if spec.get("format") and not _check_format(str(spec["format"]), value):
        raise FormError(f"{label}: {value!r} is not a valid {spec['format']}{example}")
    if spec.get("enum") and value not in spec["enum"]:
        raise FormError(f"{label}: {value!r} is not one of {', '.join(map(str, spec['enum']))}")


def check_connection_config(entry: Mapping[str, Any], config: Mapping[str, Any]) -> None:
    """Raise ``FormError`` for the first value the entry's schemas refuse, or that would build an unsafe URL."""
    fields: Mapping[str, Any] = entry.get("connection_config") or {}
    for name, value in config.items():
        spec = fields.get(name)
        if isinstance(spec, Mapping) and value is not None:
            check_field("connection_config", name, spec, value)

    def lookup(variable: Variable) -> str | None:
        if variable.root == "connectionConfig":
            found = config.get(variable.key or "")
            return None if found is None else str(found)
        return "x"  # credentials and tokens are not part of the host or path structure

    templates = [(key, entry.get(key)) for key in URL_KEYS]
    templates.append(("proxy.base_url", (entry.get("proxy") or {}).get("base_url")))
    for key, text in templates:
        if isinstance(text, str):
            try:
                render_url(text, lookup)
            except TemplateError as exc:
                raise FormError(str(exc) if exc.variable else f"{key}: {exc}") from None
