"""Unified list cursors: sealed to one connection and list, tamper-proof, and carrying the list's filters."""

from __future__ import annotations

import pytest

from gateway.errors import GatewayError
from gateway.unified.cursors import cursor_key, seal, unseal

KEY = cursor_key("00000000-0000-4000-8000-00000000test")
SCOPE = ("github-prod", "user-1", "tickets")


def test_cursor_carries_the_provider_cursor_and_the_filters() -> None:
    filters = {"status": "OPEN", "collection_id": "octo/hello"}
    cursor = seal(KEY, *SCOPE, "https://api.github.com/repositories/1/issues?page=2", filters)
    assert "octo" not in cursor.split(".")[1]  # the MAC part holds nothing readable
    assert unseal(KEY, *SCOPE, cursor) == ("https://api.github.com/repositories/1/issues?page=2", filters)


@pytest.mark.parametrize(
    "scope",
    [("github-prod", "user-2", "tickets"), ("github-prod", "user-1", "users"), ("other", "user-1", "tickets")],
)
def test_cursor_of_another_connection_or_list_is_refused(scope: tuple[str, str, str]) -> None:
    cursor = seal(KEY, *SCOPE, "page-2")
    with pytest.raises(GatewayError) as refused:
        unseal(KEY, *scope, cursor)
    assert (refused.value.status_code, refused.value.code) == (400, "invalid_cursor")


def test_edited_or_foreign_cursor_is_refused() -> None:
    cursor = seal(KEY, *SCOPE, "page-2", {"status": "OPEN"})
    payload, mac = cursor.split(".")
    forged = seal(cursor_key("another-instance-secret-key-000000000"), *SCOPE, "page-2", {"status": "CLOSED"})
    for bad in (forged, f"{forged.split('.')[0]}.{mac}", f"{payload}x.{mac}", "not a cursor", ""):
        with pytest.raises(GatewayError) as refused:
            unseal(KEY, *SCOPE, bad)
        assert refused.value.code == "invalid_cursor", bad
