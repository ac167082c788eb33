"""Sealing and opening the JSON secrets stored in encrypted columns."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import SQLModel

from gateway.crypto import KeyringSource
from gateway.store.tables import encryption_context


class Vault:
    """Encrypts a column's JSON value under the current primary key, bound to that column."""

    def __init__(self, keyring: KeyringSource) -> None:
        self.keyring = keyring

    def seal(self, table: type[SQLModel], column: str, value: dict[str, Any]) -> str:
        return self.keyring.current().encrypt(
            json.dumps(value, separators=(",", ":")), encryption_context(table, column)
        )

    def open(self, table: type[SQLModel], column: str, stored: str) -> dict[str, Any]:
        data = json.loads(self.keyring.current().decrypt(stored, encryption_context(table, column)))
        assert isinstance(data, dict)
        return data
