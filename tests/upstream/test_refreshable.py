"""One definition of renewable credentials, shared by the proxy, unified calls, the cache and the refresher."""

from __future__ import annotations

import pytest

from gateway.auth.minting import MINTERS
from gateway.upstream.refreshable import REMINTED, can_refresh


@pytest.mark.parametrize(
    ("credentials", "renewable"),
    [
        ({"type": "OAUTH2", "access_token": "a", "refresh_token": "r"}, True),
        ({"type": "OAUTH2", "access_token": "a"}, False),
        ({"type": "OAUTH2", "access_token": "a", "refresh_token": ""}, False),
        ({"type": "OAUTH2_CC", "token": "t"}, True),
        ({"type": "APP", "access_token": "installation-token"}, True),  # GitHub App: re-minted from the app key
        ({"type": "JWT", "token": "t"}, True),
        ({"type": "TWO_STEP", "token": "t"}, True),
        ({"type": "API_KEY", "apiKey": "k"}, False),
        ({"type": "BASIC", "username": "u", "password": "p"}, False),
        ({"type": "OAUTH1", "oauth_token": "t", "oauth_token_secret": "s"}, False),
        ({}, False),
    ],
)
def test_can_refresh(credentials: dict[str, str], renewable: bool) -> None:
    assert can_refresh(credentials) is renewable


def test_every_minted_type_is_renewable() -> None:
    assert set(MINTERS) == REMINTED
