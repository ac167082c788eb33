"""What the Connect UI offers: one ``Choice`` per integration the session allows, its form, logo and category.

Auth modes fall in three kinds: ``redirect`` (OAUTH2, OAUTH1, MCP_OAUTH2: a button starting
``/oauth/connect/{key}``), ``install`` (APP: the GitHub App's install link, the same route) and ``form``
(API_KEY, BASIC, OAUTH2_CC, NONE, JWT, TWO_STEP: credentials posted to ``/connect/forms/{key}``, run by the
same code as their ``/api-auth``, ``/oauth2/auth`` and ``/auth/...`` routes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from gateway.api import credential_routes, mode_routes
from gateway.api.connect_fields import FormField, fields_of
from gateway.api.endpoint import Handler, NoInput
from gateway.store.tables import Integration

STATIC = Path(__file__).resolve().parent.parent / "static"
LOGOS = STATIC / "logos"
REDIRECT_MODES = ("OAUTH2", "OAUTH1", "MCP_OAUTH2")
SEARCH_FROM = 7  # more integrations than 6: a search box and category links
INITIAL_COLOURS = 8  # connect.css's .initial-0 to .initial-7: dark enough for white text (WCAG AA)


@dataclass(frozen=True)
class FormMode:
    """A credential mode the page collects: its route handler, body model and default fields."""

    handler: Handler
    body: type[BaseModel]
    defaults: Mapping[str, Mapping[str, Any]]
    from_catalog: bool = False  # JWT, TWO_STEP: the fields are the entry's ``credentials``


FORM_MODES: dict[str, FormMode] = {
    "API_KEY": FormMode(
        credential_routes.api_key, credential_routes.ApiKeyBody, {"apiKey": {"title": "API key", "secret": True}}
    ),
    "BASIC": FormMode(
        credential_routes.basic,
        credential_routes.BasicBody,
        {"username": {"title": "Username"}, "password": {"title": "Password", "secret": True, "optional": True}},
    ),
    "OAUTH2_CC": FormMode(
        credential_routes.oauth2_client_credentials,
        credential_routes.ClientCredentialsBody,
        {"client_id": {"title": "Client ID"}, "client_secret": {"title": "Client secret", "secret": True}},
    ),
    "NONE": FormMode(credential_routes.unauthenticated, NoInput, {}),
    "JWT": FormMode(mode_routes.jwt_auth, mode_routes.ModeCredentials, {}, from_catalog=True),
    "TWO_STEP": FormMode(mode_routes.two_step_auth, mode_routes.ModeCredentials, {}, from_catalog=True),
}


@dataclass
class Choice:
    """One integration as the page shows it."""

    key: str
    provider: str
    name: str
    mode: str
    categories: list[str]
    settings: list[FormField]  # connection_config fields the user types
    credentials: list[FormField] = field(default_factory=list)
    error: str | None = None
    error_type: str | None = None

    @property
    def kind(self) -> str:
        if self.mode in REDIRECT_MODES:
            return "redirect"
        if self.mode == "APP":
            return "install"
        return "form" if self.mode in FORM_MODES else "unsupported"

    @property
    def oauth(self) -> bool:
        return self.kind in ("redirect", "install")

    @property
    def supported(self) -> bool:
        return self.kind != "unsupported"

    @property
    def fields(self) -> list[FormField]:
        return [*self.settings, *self.credentials]

    @property
    def logo(self) -> str | None:
        """The vendored simple-icons logo's path under ``/connect/static``, when there is one."""
        return f"logos/{self.provider}.svg" if (LOGOS / f"{self.provider}.svg").is_file() else None

    @property
    def initial(self) -> str:
        return next((c.upper() for c in self.name if c.isalnum()), "?")

    @property
    def initial_class(self) -> str:
        """The neutral initial's colour, the same for a provider on every page."""
        return f"initial-{hashlib.sha256(self.provider.encode()).digest()[0] % INITIAL_COLOURS}"


def choice_for(catalog: Mapping[str, Any], integration: Integration) -> Choice:
    entry: Mapping[str, Any] = catalog.get(integration.provider) or {}
    mode = str(entry.get("auth_mode") or "")
    key = integration.unique_key
    settings = fields_of(key, "params", entry.get("connection_config") or {})
    if mode == "APP":  # the app's slug comes from the integration's credentials
        settings = [f for f in settings if f.name != "appPublicLink"]
    declared: Mapping[str, Any] = entry.get("credentials") or {}
    form = FORM_MODES.get(mode)
    if form is None:
        specs: dict[str, Any] = {}
    elif form.from_catalog:
        specs = dict(declared)
    else:  # the mode's fields, described by the entry where it declares them
        specs = {
            name: ({"title": spec["title"], **declared[name]} if name in declared else spec)
            for name, spec in form.defaults.items()
        }
    name = integration.display_name or entry.get("display_name") or key
    categories = [str(c) for c in entry.get("categories") or []]
    return Choice(
        key, integration.provider, str(name), mode, categories, settings, fields_of(key, "credentials", specs)
    )


def matching(choices: list[Choice], query: str, category: str) -> list[Choice]:
    """The choices whose name (or key) holds every word of ``query``, in ``category`` when one is given."""
    words = query.lower().split()
    return [
        c
        for c in choices
        if (not category or category in c.categories) and all(w in f"{c.name} {c.key}".lower() for w in words)
    ]


ACRONYMS = {"ai": "AI", "cms": "CMS", "crm": "CRM", "hr": "HR"}


def categories_of(choices: list[Choice]) -> list[tuple[str, str]]:
    """The categories of these choices: ``(catalog name, label)`` pairs, e.g. ``("dev-tools", "Dev tools")``."""
    names = sorted({c for choice in choices for c in choice.categories})
    return [(n, ACRONYMS.get(n) or n.replace("-", " ").capitalize()) for n in names]
