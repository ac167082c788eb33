"""Which catalog entries Unigate can serve: a known auth mode and only template functions it renders."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.catalog.templates import FUNCTIONS, TemplateError, alternatives
from gateway.catalog.validation import template_fields
from gateway.credentials import CREDENTIAL_TYPE_FOR_AUTH_MODE

SERVED_AUTH_MODES = frozenset(CREDENTIAL_TYPE_FOR_AUTH_MODE)


@dataclass(frozen=True)
class Serving:
    served: bool
    reason: str | None = None


def serving(entry: Mapping[str, Any]) -> Serving:
    mode = entry.get("auth_mode")
    if not mode:
        return Serving(False, "the entry has no auth_mode")
    if mode not in SERVED_AUTH_MODES:
        return Serving(False, f"auth mode {mode} is not supported")
    for key, text in template_fields(entry):
        try:
            functions = {f for template in alternatives(text) for f in template.functions()}
        except TemplateError:
            return Serving(False, f"{key} cannot be parsed")
        missing = sorted(functions - set(FUNCTIONS))
        if missing:
            return Serving(False, f"{key} uses {', '.join(f + '()' for f in missing)}")
    return Serving(True)


def coverage(catalog: Mapping[str, Mapping[str, Any]]) -> tuple[Counter[str], Counter[str]]:
    """Entries per auth mode, and how many of each Unigate serves."""
    total: Counter[str] = Counter()
    served: Counter[str] = Counter()
    for entry in catalog.values():
        mode = str(entry.get("auth_mode") or "(none)")
        total[mode] += 1
        served[mode] += serving(entry).served
    return total, served
