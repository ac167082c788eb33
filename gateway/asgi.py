"""The ASGI entry point uvicorn imports: ``uvicorn --factory gateway.asgi:app_factory``."""

from __future__ import annotations

from starlette.applications import Starlette

from gateway.access_log import configure_logging
from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.settings import Settings


def app_factory() -> Starlette:
    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(build_gateway(settings))
