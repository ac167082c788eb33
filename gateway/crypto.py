"""AES-256-GCM encryption of secrets at rest, under a keyring of tagged keys.

A stored value reads ``v1.<key id>.<base64url(nonce || ciphertext || tag)>``. The key id is the first 12 hex
digits of the SHA-256 of the key, so a value always names the key that opens it and a keyring can hold the new
key and the old ones while ``unigate keys rotate`` re-encrypts everything.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gateway.private_paths import FILE_MODE, private_dir

VERSION = "v1"
NONCE_BYTES = 12
KEY_BYTES = 32


class CryptoError(Exception):
    """A key is malformed, missing, or does not open a value."""


def generate_key() -> str:
    """A new random key, as base64 of 32 bytes."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def parse_key(text: str, source: str) -> bytes:
    """Decode one base64 key and check its length; ``source`` names where it came from in errors."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError(f"{source}: not valid base64; generate a key with `unigate keys generate`") from None
    if len(raw) != KEY_BYTES:
        raise CryptoError(
            f"{source}: decodes to {len(raw)} bytes, AES-256 needs exactly {KEY_BYTES}; "
            "generate a key with `unigate keys generate`"
        )
    return raw


def key_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:12]


def value_key_id(stored: str) -> str:
    """The id of the key a stored value was encrypted with."""
    parts = stored.split(".", 2)
    if len(parts) != 3 or parts[0] != VERSION:
        raise CryptoError("stored value is not in Unigate's encrypted format")
    return parts[1]


class Keyring:
    """An ordered set of keys: the first encrypts, every one decrypts."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise CryptoError("a keyring needs at least one key")
        self._ciphers = {key_id(k): AESGCM(k) for k in keys}
        self.primary_id = key_id(keys[0])
        self.key_ids = tuple(self._ciphers)

    def encrypt(self, plaintext: str, context: str) -> str:
        """Encrypt ``plaintext`` bound to ``context`` (e.g. the column), under the primary key."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.primary_id].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{VERSION}.{self.primary_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, context: str) -> str:
        kid = value_key_id(stored)
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise CryptoError(f"value was encrypted with key {kid}, which is not in the keyring")
        blob = base64.urlsafe_b64decode(stored.split(".", 2)[2])
        try:
            return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode()).decode()
        except InvalidTag:
            raise CryptoError(f"value does not open with key {kid}: it was altered or moved") from None


def key_file_lines(text: str) -> list[tuple[int, str]]:
    """The (line number, value) pairs of a key file: blank lines and ``#`` comment lines are skipped."""
    stripped = ((number, line.strip()) for number, line in enumerate(text.splitlines(), start=1))
    return [(number, line) for number, line in stripped if line and not line.startswith("#")]


class KeyringSource:
    """Where the keyring comes from: fixed keys (the environment) or a key file that may change while serving.

    The file holds one base64 key per line, the primary first; blank and ``#`` lines are ignored. ``current()``
    re-reads it when its modification time changes, so a server picks up a rotation started by
    ``unigate keys rotate`` in another process.
    """

    def __init__(self, *, keys: Sequence[bytes] | None = None, path: Path | None = None) -> None:
        if (keys is None) == (path is None):
            raise ValueError("give either keys or path")
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._keyring = Keyring(keys) if keys is not None else self._read()

    @property
    def is_file(self) -> bool:
        return self.path is not None

    def current(self) -> Keyring:
        if self.path is not None:
            stat = self.path.stat()
            if (stat.st_mtime_ns, stat.st_size) != self._stamp:
                self._keyring = self._read()
        return self._keyring

    def _read(self) -> Keyring:
        assert self.path is not None
        stat = self.path.stat()
        lines = key_file_lines(self.path.read_text())
        keyring = Keyring([parse_key(text, f"{self.path} line {number}") for number, text in lines])
        self._stamp = (stat.st_mtime_ns, stat.st_size)
        return keyring

    def write(self, keys: Sequence[str]) -> None:
        """Replace the key file atomically (file sources only)."""
        assert self.path is not None
        write_private_file(self.path, "\n".join(keys) + "\n")

    def read_lines(self) -> list[str]:
        assert self.path is not None
        return [text for _, text in key_file_lines(self.path.read_text())]


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600, atomically; a missing folder is created with mode 0700."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)
