"""``unigate keys``: encryption keys and secret keys."""

from __future__ import annotations

from typing import Annotated

import typer

from gateway.cli.common import handled, load_settings, run
from gateway.crypto import generate_key

keys = typer.Typer(help="Encryption keys (rotation) and API secret keys.", no_args_is_help=True)


@keys.command("generate")
def keys_generate() -> None:
    """Print a new encryption key (base64 of 32 random bytes) for UNIGATE_ENCRYPTION_KEY."""
    typer.echo(generate_key())


@keys.command("rotate")
def keys_rotate(
    settle: Annotated[float, typer.Option(help="Seconds to wait for in-flight writes before retiring old keys.")] = 2.0,
) -> None:
    """Re-encrypt every stored secret under a new key; servers keep serving meanwhile."""
    from gateway.instance_secrets import load_instance_secrets
    from gateway.key_rotation import rotate
    from gateway.store.engine import create_engine_for

    settings = load_settings()
    with handled():
        secrets = load_instance_secrets(settings)

    async def go() -> None:
        engine = create_engine_for(settings.resolved_database_url)
        try:
            report = await rotate(engine, secrets.keyring, settle_seconds=settle)
        finally:
            await engine.dispose()
        parts = ", ".join(f"{label}: {n}" for label, n in sorted(report.reencrypted.items())) or "nothing stored yet"
        typer.echo(f"re-encrypted {report.total} values under key {report.primary_key_id} ({parts})")
        if secrets.keyring.is_file:
            typer.echo(f"retired keys {', '.join(report.retired_key_ids) or '(none)'} from {secrets.keyring.path}")
        elif report.retired_key_ids:
            typer.echo(
                "every value is under the first key of UNIGATE_ENCRYPTION_KEY; "
                f"you may now remove keys {', '.join(report.retired_key_ids)} from it"
            )

    run(go())


@keys.command("create")
def keys_create(name: Annotated[str, typer.Argument(help="A label for the key, e.g. backend-prod.")]) -> None:
    """Create another API secret key and print it once (only its hash is stored)."""
    from gateway.assemble import build_gateway

    async def go() -> str:
        gateway = build_gateway(load_settings())
        try:
            await gateway.start(action_runs=False)
            return await gateway.api_keys.create(name)
        finally:
            await gateway.stop()

    typer.echo(run(go()))
