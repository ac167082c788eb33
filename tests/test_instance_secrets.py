from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.crypto import generate_key, key_id, parse_key
from gateway.instance_secrets import ConfigurationError, load_instance_secrets
from gateway.key_rotation import rotate
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


def test_generated_data_dir_is_private_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        load_instance_secrets(Settings(data_dir=tmp_path / "new" / "data"))
    finally:
        os.umask(previous)
    assert (tmp_path / "new" / "data").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "new" / "data").iterdir()} == {0o600}


def test_key_files_may_hold_comment_lines(tmp_path: Path) -> None:
    """Operators annotate key files; ``#`` lines (indented or not) and blank lines are not keys."""
    new, old = generate_key(), generate_key()
    (tmp_path / "secret_key").write_text("# API key of the staging instance\n\n  sk-staging-1\n")
    (tmp_path / "encryption.keys").write_text(f"# primary first\n{new}\n  # kept until rotation ends\n{old}\n")
    secrets = load_instance_secrets(Settings(data_dir=tmp_path))
    assert secrets.secret_key == "sk-staging-1"
    assert secrets.keyring.current().key_ids == (key_id(parse_key(new, "t")), key_id(parse_key(old, "t")))
    assert secrets.keyring.read_lines() == [new, old]


def test_bad_key_is_reported_at_its_real_line(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("sk\n")
    (tmp_path / "encryption.keys").write_text(f"# comment\n{generate_key()}\nnot-a-key\n")
    with pytest.raises(ConfigurationError, match=r"encryption.keys line 3: not valid base64"):
        load_instance_secrets(Settings(data_dir=tmp_path))


def test_secret_key_file_with_two_keys_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("# comment\nsk-one\nsk-two\n")
    with pytest.raises(ConfigurationError, match=r"secret_key line 3: holds a second key"):
        load_instance_secrets(Settings(data_dir=tmp_path))


async def test_rotation_keeps_working_with_a_commented_key_file(settings: Settings) -> None:
    old = generate_key()
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / "encryption.keys").write_text(f"# rotated by ops\n{old}\n")
    gateway = build_gateway(settings)
    await gateway.start()
    try:
        transport = httpx.ASGITransport(app=create_app(gateway))
        headers = {"Authorization": f"Bearer {gateway.secrets.secret_key}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as client:
            await client.post("/integrations", json={"provider": "linear-api-key", "unique_key": "lin"})
            credentials = {"type": "API_KEY", "apiKey": "k"}
            body = {"provider_config_key": "lin", "connection_id": "c1", "credentials": credentials}
            assert (await client.post("/connections", json=body)).status_code == 201
            report = await rotate(gateway.engine, gateway.secrets.keyring, settle_seconds=0)
            assert report.total == 1 and report.retired_key_ids == [key_id(parse_key(old, "t"))]
            got = await client.get("/connections/c1", params={"provider_config_key": "lin"})
            assert got.json()["credentials"]["apiKey"] == "k"
    finally:
        await gateway.stop()
    (remaining,) = gateway.secrets.keyring.read_lines()
    assert key_id(parse_key(remaining, "t")) == report.primary_key_id != key_id(parse_key(old, "t"))
