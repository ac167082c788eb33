"""Which catalog entries Unigate can serve: an auth mode with a working flow and only template functions it renders.

MCP_OAUTH2 entries are served through the OAuth 2 code flow only with ``client_registration: static`` (the client
is the integration's); dynamic registration, MCP_OAUTH2_GENERIC (URLs discovered from the server) and CUSTOM
(GitHub App install plus OAuth in one flow) have no flow yet, nor do TBA, BILL, SIGNATURE, AWS_SIGV4 and
INSTALL_PLUGIN.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from gateway.catalog.algorithms import JWT_ALGORITHMS, OAUTH1_SIGNATURE_METHODS
from gateway.catalog.templates import FUNCTIONS, TemplateError, alternatives
from gateway.catalog.validation import template_fields

SERVED_AUTH_MODES = frozenset(
    ("OAUTH2", "OAUTH2_CC", "API_KEY", "BASIC", "NONE", "OAUTH1", "JWT", "TWO_STEP", "APP", "MCP_OAUTH2")
)


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
    reason = _mode_gap(str(mode), entry)
    if reason:
        return Serving(False, reason)
    for key, text in [
        *template_fields(entry),
        *_nested_strings(entry, "token"),
        *_nested_strings(entry, "additional_steps"),
    ]:
        try:
            functions = {f for template in alternatives(text) for f in template.functions()}
        except TemplateError:
            return Serving(False, f"{key} cannot be parsed")
        missing = sorted(functions - set(FUNCTIONS))
        if missing:
            return Serving(False, f"{key} uses {', '.join(f + '()' for f in missing)}")
    return Serving(True)


def _nested_strings(value: Any, key: str) -> Iterator[tuple[str, str]]:
    """Templates inside the JWT ``token`` spec and TWO_STEP ``additional_steps``, which the validator leaves out."""
    found = value.get(key) if isinstance(value, Mapping) else None
    if isinstance(found, str):
        yield key, found
    elif isinstance(found, Mapping):
        for inner in found:
            yield from ((f"{key}.{k}", v) for k, v in _nested_strings(found, str(inner)))
    elif isinstance(found, list):
        for index, item in enumerate(found):
            yield from ((f"{key}.{k}", v) for k, v in _nested_strings({str(index): item}, str(index)))


def _mode_gap(mode: str, entry: Mapping[str, Any]) -> str | None:
    """What a served mode's flow lacks for this entry, if anything."""
    if mode == "MCP_OAUTH2" and entry.get("client_registration") != "static":
        return f"MCP client registration {entry.get('client_registration') or '(none)'} is not supported"
    if mode == "OAUTH1" and str(entry.get("signature_method") or "HMAC-SHA1") not in OAUTH1_SIGNATURE_METHODS:
        return f"OAuth 1 signature method {entry.get('signature_method')} is not supported"
    if mode == "JWT":
        alg = str(((entry.get("token") or {}).get("header") or {}).get("alg") or "")
        if alg not in JWT_ALGORITHMS:
            return f"JWT algorithm {alg or '(none)'} is not supported"
    if mode == "TWO_STEP":
        if entry.get("assertion") or entry.get("token"):
            return "TWO_STEP client assertions are not supported"
        steps = [s for s in entry.get("additional_steps") or [] if isinstance(s, Mapping)]
        formats = [entry.get("body_format"), *(s.get("body_format") for s in steps)]
        if any(f not in (None, "form", "json", "query") for f in formats):
            return "TWO_STEP body_format xml is not supported"
    return None


def coverage(catalog: Mapping[str, Mapping[str, Any]]) -> tuple[Counter[str], Counter[str]]:
    """Entries per auth mode, and how many of each Unigate serves."""
    total: Counter[str] = Counter()
    served: Counter[str] = Counter()
    for entry in catalog.values():
        mode = str(entry.get("auth_mode") or "(none)")
        total[mode] += 1
        served[mode] += serving(entry).served
    return total, served
