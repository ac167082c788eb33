"""Which stored credentials Unigate can renew without the end user: the one definition the proxy, the unified
calls, the refresher and the connection cache share.

OAuth 2 credentials with a refresh token are refreshed; client-credentials tokens are requested anew; JWT,
TWO_STEP and APP (GitHub App installation) credentials are re-minted from what the connection stores. API keys,
Basic credentials, OAuth 1 tokens and OAuth 2 tokens without a refresh token cannot be renewed: a refusal of them
means the end user must reconnect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REMINTED = frozenset({"JWT", "TWO_STEP", "APP"})  # minted again from the stored key or login (gateway.auth.minting)


def can_refresh(credentials: Mapping[str, Any]) -> bool:
    """Whether ``credentials`` (decrypted, with their ``type``) can be refreshed or re-minted."""
    kind = credentials.get("type")
    if kind == "OAUTH2":
        return bool(credentials.get("refresh_token"))
    return kind == "OAUTH2_CC" or kind in REMINTED
