"""An ASGI factory serving Unigate with the test provider ``doer`` (``tests.actions.doer``) registered, configured
by the environment like ``unigate serve``: ``uvicorn --factory tests.compat.action_server:app``."""

from __future__ import annotations

from starlette.applications import Starlette

from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.settings import Settings
from tests.actions.doer import plugin


def app() -> Starlette:
    return create_app(build_gateway(Settings(), plugins=[plugin]))
