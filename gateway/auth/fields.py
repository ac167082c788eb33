"""Credential fields an end user types for JWT and TWO_STEP entries, and the template lookup over them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.catalog.forms import FormError, check_field
from gateway.catalog.templates import Lookup, Variable
from gateway.errors import GatewayError

MAX_FIELD = 65_536


def credential_fields(entry: Mapping[str, Any], body: Mapping[str, Any], mode: str) -> dict[str, str]:
    """The body's fields, checked against the entry's ``credentials`` schema (required, pattern, format, enum)."""
    specs: Mapping[str, Any] = entry.get("credentials") or {}
    given = {k: v for k, v in body.items() if not (k == "type" and v == mode)}
    fields: dict[str, str] = {}
    for name, value in given.items():
        if specs and name not in specs:
            known = ", ".join(sorted(specs))
            raise GatewayError(400, "invalid_body", f"{name}: not a credential of this provider; send {known}")
        if not isinstance(value, str) or not value or len(value) > MAX_FIELD:
            raise GatewayError(400, "invalid_body", f"{name}: send a non-empty string")
        fields[name] = value
    for name, spec in specs.items():
        if not isinstance(spec, Mapping):
            continue
        if name not in fields:
            if spec.get("optional") or spec.get("automated") or spec.get("hidden"):
                continue
            raise GatewayError(400, "invalid_body", f"{name}: required ({spec.get('title') or name})")
        try:
            check_field("credentials", name, spec, fields[name])
        except FormError as exc:  # a secret's value is never echoed
            message = f"credentials.{name}: does not have the expected form" if spec.get("secret") else str(exc)
            raise GatewayError(400, "invalid_credentials", message) from None
    return fields


def _dig(value: Any, path: list[str]) -> Any:
    for part in path:
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, str) and ":" in value and part in ("id", "secret"):
            value = dict(zip(("id", "secret"), value.split(":", 1), strict=True))[part]  # "id:secret" keys (Ghost)
        else:
            return None
    return value


def mode_lookup(
    credentials: Mapping[str, Any],
    connection_config: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> Lookup:
    """``${credentials.x}``, ``${connectionConfig.x}`` and the roots in ``extra`` (``step1``, ``refresh_token``...)."""
    roots: dict[str, Any] = {"credentials": credentials, "connectionConfig": connection_config, **(extra or {})}

    def lookup(variable: Variable) -> str | None:
        if variable.root not in roots:
            return None
        value = _dig(roots[variable.root], variable.key.split(".") if variable.key else [])
        if value is None or value == "" or isinstance(value, Mapping | list):
            return None
        return str(value).lower() if isinstance(value, bool) else str(value)

    return lookup
