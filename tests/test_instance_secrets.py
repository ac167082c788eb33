from __future__ import annotations

from pathlib import Path

import pytest

from gateway.crypto import generate_key
from gateway.instance_secrets import ConfigurationError, load_instance_secrets
from gateway.settings import Settings


def test_development_generates_private_key_files_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = load_instance_secrets(settings)
    assert sorted(p.name for p in first.generated) == ["encryption.keys", "secret_key"]
    for path in first.generated:
        assert path.stat().st_mode & 0o777 == 0o600
    second = load_instance_secrets(settings)
    assert second.generated == []
    assert second.secret_key == first.secret_key
    assert second.keyring.current().primary_id == first.keyring.current().primary_id


@pytest.mark.parametrize("missing", ["UNIGATE_SECRET_KEY", "UNIGATE_ENCRYPTION_KEY"])
def test_production_refuses_to_start_without_explicit_keys(tmp_path: Path, missing: str) -> None:
    values = {"secret_key": "k" * 36, "encryption_key": generate_key()}
    values.pop(missing.removeprefix("UNIGATE_").lower())
    settings = Settings(env="production", data_dir=tmp_path, **values)
    with pytest.raises(ConfigurationError, match=missing):
        load_instance_secrets(settings)
    assert not any(tmp_path.iterdir())


def test_environment_keyring_lists_new_key_first(tmp_path: Path) -> None:
    new, old = generate_key(), generate_key()
    secrets = load_instance_secrets(Settings(data_dir=tmp_path, secret_key="s", encryption_key=f"{new},{old}"))
    ring = secrets.keyring.current()
    assert len(ring.key_ids) == 2 and not secrets.keyring.is_file


def test_bad_environment_key_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="UNIGATE_ENCRYPTION_KEY"):
        load_instance_secrets(Settings(data_dir=tmp_path, secret_key="s", encryption_key="dG9vIHNob3J0"))
