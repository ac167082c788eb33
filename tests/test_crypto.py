from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest

from gateway.crypto import CryptoError, Keyring, KeyringSource, generate_key, key_id, parse_key, value_key_id


def test_round_trip_tags_value_with_primary_key_id() -> None:
    key = os.urandom(32)
    ring = Keyring([key])
    stored = ring.encrypt("gho_secret", "connections.credentials")
    assert "gho_secret" not in stored
    assert value_key_id(stored) == key_id(key)
    assert ring.decrypt(stored, "connections.credentials") == "gho_secret"


def test_same_plaintext_encrypts_differently_each_time() -> None:
    ring = Keyring([os.urandom(32)])
    assert ring.encrypt("x", "c") != ring.encrypt("x", "c")


def test_value_moved_to_another_column_does_not_open() -> None:
    ring = Keyring([os.urandom(32)])
    stored = ring.encrypt("secret", "integrations.secrets")
    with pytest.raises(CryptoError, match="altered or moved"):
        ring.decrypt(stored, "connections.credentials")


def test_tampered_value_does_not_open() -> None:
    ring = Keyring([os.urandom(32)])
    stored = ring.encrypt("secret", "c")
    prefix, blob = stored.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(blob))
    raw[-1] ^= 1
    with pytest.raises(CryptoError):
        ring.decrypt(prefix + "." + base64.urlsafe_b64encode(bytes(raw)).decode(), "c")


def test_old_keys_decrypt_new_key_encrypts() -> None:
    old, new = os.urandom(32), os.urandom(32)
    stored_old = Keyring([old]).encrypt("v", "c")
    ring = Keyring([new, old])
    assert ring.decrypt(stored_old, "c") == "v"
    assert value_key_id(ring.encrypt("v", "c")) == key_id(new)


def test_unknown_key_is_named() -> None:
    stored = Keyring([os.urandom(32)]).encrypt("v", "c")
    with pytest.raises(CryptoError, match=value_key_id(stored)):
        Keyring([os.urandom(32)]).decrypt(stored, "c")


@pytest.mark.parametrize(
    ("text", "reason"),
    [("not base64!!", "not valid base64"), (base64.b64encode(b"short").decode(), "decodes to 5 bytes")],
)
def test_malformed_keys_are_refused_with_the_fix(text: str, reason: str) -> None:
    with pytest.raises(CryptoError, match=reason) as info:
        parse_key(text, "UNIGATE_ENCRYPTION_KEY")
    assert "unigate keys generate" in str(info.value)


def test_generated_key_is_32_bytes() -> None:
    assert len(base64.b64decode(generate_key())) == 32


def test_file_source_rereads_the_file_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    first = generate_key()
    path.write_text(first + "\n")
    source = KeyringSource(path=path)
    before = source.current().primary_id
    second = generate_key()
    time.sleep(0.01)
    source.write([second, first])
    ring = source.current()
    assert ring.primary_id != before
    assert ring.key_ids == (ring.primary_id, before)
    assert path.stat().st_mode & 0o777 == 0o600
