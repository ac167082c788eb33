"""The instance's own secrets: the API secret key and the encryption keyring.

Both come from the environment (``UNIGATE_SECRET_KEY``, ``UNIGATE_ENCRYPTION_KEY``). In development, a missing
one is generated on first run and kept in the data directory with mode 0600; in production
(``UNIGATE_ENV=production``) a missing one stops the server with the name of the variable to set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gateway.crypto import CryptoError, KeyringSource, generate_key, key_file_lines, parse_key, write_private_file
from gateway.secret_keys import new_secret_key
from gateway.settings import Settings

SECRET_KEY_FILE = "secret_key"
ENCRYPTION_KEYS_FILE = "encryption.keys"


class ConfigurationError(Exception):
    """The instance cannot start as configured; the message says which variable to set."""


@dataclass
class InstanceSecrets:
    secret_key: str
    keyring: KeyringSource
    secret_key_file: Path | None = None
    generated: list[Path] = field(default_factory=list)


def _require_production(settings: Settings, variable: str, hint: str) -> None:
    if settings.env == "production":
        raise ConfigurationError(f"{variable} is not set; UNIGATE_ENV=production needs it explicitly: {hint}")


def load_secret_key(settings: Settings, generated: list[Path]) -> tuple[str, Path | None]:
    if settings.secret_key:
        return settings.secret_key.strip(), None
    _require_production(settings, "UNIGATE_SECRET_KEY", "set it to a long random value, e.g. a UUIDv4")
    path = settings.data_dir / SECRET_KEY_FILE
    if not path.exists():
        write_private_file(path, new_secret_key() + "\n")
        generated.append(path)
    lines = key_file_lines(path.read_text())
    if not lines:
        raise ConfigurationError(f"{path} is empty; delete it to generate a new key or set UNIGATE_SECRET_KEY")
    if len(lines) > 1:
        raise ConfigurationError(
            f"{path} line {lines[1][0]}: holds a second key; keep only one (lines starting with # are comments)"
        )
    return lines[0][1], path


def load_keyring(settings: Settings, generated: list[Path]) -> KeyringSource:
    if settings.encryption_key:
        parts = [p for p in settings.encryption_key.split(",") if p.strip()]
        keys = [parse_key(p, f"UNIGATE_ENCRYPTION_KEY (key {i + 1})") for i, p in enumerate(parts)]
        if not keys:
            raise ConfigurationError("UNIGATE_ENCRYPTION_KEY is empty; set it to base64 of 32 random bytes")
        return KeyringSource(keys=keys)
    _require_production(settings, "UNIGATE_ENCRYPTION_KEY", "generate one with `unigate keys generate`")
    path = settings.data_dir / ENCRYPTION_KEYS_FILE
    if not path.exists():
        write_private_file(path, generate_key() + "\n")
        generated.append(path)
    return KeyringSource(path=path)


def load_instance_secrets(settings: Settings) -> InstanceSecrets:
    generated: list[Path] = []
    try:
        secret_key, secret_file = load_secret_key(settings, generated)
        keyring = load_keyring(settings, generated)
    except CryptoError as exc:
        raise ConfigurationError(str(exc)) from None
    return InstanceSecrets(secret_key, keyring, secret_file, generated)
