"""Checking catalog entries: keys and types per file, then what a resolved entry needs, templates included.

Each problem names the file, the provider and the key, and says how to fix it. Unigate's own files are checked
strictly; foreign files (an operator's copy of Nango's catalog, say) leniently: unknown keys and unknown variables
become warnings, and the keys are kept.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from gateway.catalog.schema import ENTRY_KEY_PATTERN, FORM_SECTIONS, ProviderEntry
from gateway.catalog.templates import FUNCTIONS, TemplateError, Variable, alternatives

Severity = Literal["error", "warning"]

# Roots a template may read; connectionConfig and credentials keys are checked against the entry's forms.
KNOWN_ROOTS = {
    "connectionConfig", "credentials", "apiKey", "accessToken", "clientId", "clientSecret", "refresh_token", "token",
    "assertionOption", "method", "host", "path", "endpoint", "params", "bodyCanonicalParams", "random", "apiSubdomain",
}  # fmt: skip
STEP_ROOT = re.compile(r"^step\d+$")

# Keys whose values are templates (dotted paths; "*" is every value of a mapping).
TEMPLATE_KEYS = (
    "authorization_url", "token_url", "token_url.*", "refresh_url", "request_url", "proxy.base_url", "proxy.headers.*",
    "proxy.query.*", "proxy.verification.base_url_override", "proxy.verification.headers.*", "token_params.*",
    "authorization_params.*", "refresh_params.*", "token_headers.*", "refresh_token_params.*",
    "refresh_token_headers.*", "registration_url",
)  # fmt: skip


@dataclass(frozen=True)
class Problem:
    origin: str
    provider: str
    key: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return ": ".join(part for part in (self.origin, self.provider, self.key, self.message) if part)


def _suggest(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.7)
    return f" (did you mean {close[0]}?)" if close else ""


def _loc(parts: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in parts)


def _model_inside(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The pydantic model an annotation holds, and whether it sits behind a mapping key (``dict[str, Model]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    args = getattr(annotation, "__args__", ())
    for arg in args:
        model, keyed = _model_inside(arg)
        if model is not None:
            is_mapping = getattr(annotation, "__origin__", None) is dict
            return model, keyed or is_mapping
    return None, False


def _allowed_keys(path: tuple[int | str, ...]) -> list[str]:
    """The key names valid at ``path`` inside an entry, for did-you-mean suggestions."""
    model: type[BaseModel] = ProviderEntry
    parts = list(path)
    while parts:
        field = model.model_fields.get(str(parts.pop(0)))
        inner, keyed = _model_inside(field.annotation) if field else (None, False)
        if inner is None:
            return []
        if keyed and parts:
            parts.pop(0)
        model = inner
    return list(model.model_fields)


def check_file_entry(origin: str, name: str, entry: Any, strict: bool) -> list[Problem]:
    """Keys and types of one entry as a file writes it."""
    if not re.match(ENTRY_KEY_PATTERN, name):
        return [Problem(origin, name, "", "provider names use lower-case letters, digits and hyphens; rename it")]
    if not isinstance(entry, Mapping):
        return [Problem(origin, name, "", f"an entry must be a mapping, found {type(entry).__name__}")]
    try:
        ProviderEntry.model_validate(entry)
        return []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
            if error["type"] == "extra_forbidden":
                allowed = _allowed_keys(loc[:-1])
                hint = _suggest(str(loc[-1]), allowed) or "; remove it or check the spelling"
                problems.append(
                    Problem(origin, name, _loc(loc), f"unknown key{hint}", "error" if strict else "warning")
                )
            else:
                problems.append(Problem(origin, name, _loc(loc), f"{error['msg']} (got {error.get('input')!r})"))
        return problems


def _values_at(entry: Mapping[str, Any], dotted: str) -> Iterator[tuple[str, Any]]:
    head, _, rest = dotted.partition(".")
    if head not in entry:
        return
    value = entry[head]
    if not rest:
        yield head, value
    elif isinstance(value, Mapping):
        for key, inner in _values_at(value, rest):
            yield f"{head}.{key}", inner


def template_fields(entry: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for dotted in TEMPLATE_KEYS:
        if "*" in dotted:
            parent = dotted.rsplit(".", 1)[0]
            for key, mapping in _values_at(entry, parent):
                if isinstance(mapping, Mapping):
                    for inner, value in mapping.items():
                        if isinstance(value, str):
                            yield f"{key}.{inner}", value
        else:
            for key, value in _values_at(entry, dotted):
                if isinstance(value, str):
                    yield key, value


def declared_connection_config(entry: Mapping[str, Any]) -> set[str]:
    """Keys of ``connection_config`` a connection can hold: asked in the form or filled after connecting."""
    names = set((entry.get("connection_config") or {}).keys())
    for key in (
        "token_response_metadata",
        "redirect_uri_metadata",
        "connection_configuration",
        "refresh_token_response_metadata",
        "webhook_response_metadata",
    ):
        names.update(str(v) for v in entry.get(key) or [])
    return names


def _check_variable(variable: Variable, entry: Mapping[str, Any]) -> str | None:
    root, key = variable.root, variable.key
    if root not in KNOWN_ROOTS and not STEP_ROOT.match(root):
        return f"unknown variable ${{{variable.name}}}{_suggest(root, KNOWN_ROOTS)}"
    if root == "connectionConfig" and key is not None:
        declared = declared_connection_config(entry)
        if key not in declared:
            hint = _suggest(key, declared) or "; declare it under connection_config"
            return f"unknown variable ${{{variable.name}}}{hint}"
    if root == "credentials" and key is not None and entry.get("credentials") is not None:
        declared = set(entry["credentials"].keys())
        if key not in declared:
            return f"unknown variable ${{{variable.name}}}{_suggest(key, declared) or '; declare it under credentials'}"
    return None


def check_resolved_entry(origin: str, name: str, entry: Mapping[str, Any], strict: bool) -> list[Problem]:
    """What a complete entry needs: identity, an auth mode and base URL (strict), and templates that make sense."""
    problems: list[Problem] = []
    required = ("display_name", "docs", "auth_mode", "categories") if strict else ("display_name", "docs")
    for key in required:
        if not entry.get(key):
            problems.append(Problem(origin, name, key, "missing; every entry needs it"))
    if strict and not (entry.get("proxy") or {}).get("base_url"):
        problems.append(Problem(origin, name, "proxy.base_url", "missing; set the API's base URL"))
    soft: Severity = "error" if strict else "warning"
    for key, text in template_fields(entry):
        try:
            options = alternatives(text)
        except TemplateError as exc:
            problems.append(Problem(origin, name, key, str(exc)))
            continue
        for template in options:
            for variable in template.variables():
                message = _check_variable(variable, entry)
                if message:
                    problems.append(Problem(origin, name, key, message, soft))
            for function in template.functions():
                if function not in FUNCTIONS:
                    problems.append(
                        Problem(
                            origin,
                            name,
                            key,
                            f"function {function}() is not supported yet; "
                            "connections of this provider cannot be served",
                            "warning",
                        )
                    )
    for section in FORM_SECTIONS:
        for field, spec in (entry.get(section) or {}).items():
            pattern = spec.get("pattern") if isinstance(spec, Mapping) else None
            if not pattern:
                continue
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                problems.append(Problem(origin, name, f"{section}.{field}.pattern", f"not a valid regex ({exc})", soft))
                continue
            example = spec.get("example")
            if strict and isinstance(example, str) and not compiled.search(example):
                problems.append(
                    Problem(
                        origin,
                        name,
                        f"{section}.{field}.example",
                        f"{example!r} does not match its own pattern {pattern!r}",
                    )
                )
    return problems
