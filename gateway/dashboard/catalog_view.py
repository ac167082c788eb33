"""The catalog as the create page shows it: search by name or category, and the fields each auth mode needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.api.integrations import INTEGRATION_CREDENTIAL_TYPES
from gateway.runtime import Gateway

OAUTH_TYPES = ("OAUTH2", "OAUTH1", "TBA")
#: Integration credential fields per credential type: (form name, label, secret, required)
CREDENTIAL_FIELDS: dict[str, list[tuple[str, str, bool, bool]]] = {
    "OAUTH": [
        ("client_id", "Client ID", False, True),
        ("client_secret", "Client secret", True, True),
        ("scopes", "Scopes (comma-separated)", False, False),
    ],
    "APP": [
        ("app_id", "App ID", False, True),
        ("app_link", "App link", False, True),
        ("private_key", "Private key", True, True),
    ],
    "CUSTOM": [
        ("client_id", "Client ID", False, True),
        ("client_secret", "Client secret", True, True),
        ("app_id", "App ID", False, True),
        ("app_link", "App link", False, True),
        ("private_key", "Private key", True, True),
    ],
}


@dataclass
class ProviderView:
    name: str
    display_name: str
    auth_mode: str
    categories: list[str]
    default_scopes: str
    docs: str | None

    @property
    def credential_type(self) -> str | None:
        """The integration credentials' ``type`` (None: credentials belong to each connection)."""
        return INTEGRATION_CREDENTIAL_TYPES.get(self.auth_mode)

    @property
    def oauth(self) -> bool:
        return self.credential_type in OAUTH_TYPES

    @property
    def fields(self) -> list[tuple[str, str, bool, bool]]:
        kind = self.credential_type
        if kind is None:
            return []
        return CREDENTIAL_FIELDS["OAUTH" if kind in OAUTH_TYPES else kind]


def provider_view(name: str, entry: dict[str, Any]) -> ProviderView:
    scopes = entry.get("default_scopes") or []
    return ProviderView(
        name=name,
        display_name=str(entry.get("display_name") or name),
        auth_mode=str(entry.get("auth_mode") or "NONE"),
        categories=[str(c) for c in entry.get("categories") or []],
        default_scopes=",".join(map(str, scopes)) if isinstance(scopes, list) else str(scopes),
        docs=entry.get("docs"),
    )


def search(gateway: Gateway, text: str) -> list[ProviderView]:
    """Catalog entries whose name, display name or a category contains ``text`` (all of them for an empty text)."""
    needle = text.strip().lower()
    found = []
    for name in sorted(gateway.catalog, key=lambda n: str(gateway.catalog[n].get("display_name") or n).lower()):
        view = provider_view(name, gateway.catalog[name])
        haystack = [name.lower(), view.display_name.lower(), *(c.lower() for c in view.categories)]
        if not needle or any(needle in part for part in haystack):
            found.append(view)
    return found


def credentials_from_form(view: ProviderView, form: dict[str, str]) -> dict[str, Any] | None:
    """The ``credentials`` object of POST /integrations from the form (None for modes that take none)."""
    kind = view.credential_type
    if kind is None:
        return None
    credentials: dict[str, Any] = {"type": kind}
    for name, _, _, required in view.fields:
        value = form.get(name, "").strip() if name != "private_key" else form.get(name, "")
        if value or required:
            credentials[name] = value
    return credentials
