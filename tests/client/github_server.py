"""An ASGI factory serving Unigate with unigate-github and the unigate-github-extras example (milestones, the
close-milestone action), configured by the environment: ``uvicorn --factory tests.client.github_server:app``."""

from __future__ import annotations

from starlette.applications import Starlette

import tests.client.paths  # noqa: F401  (before the example's import)
from gateway.app import create_app
from gateway.assemble import build_gateway
from gateway.settings import Settings


def app() -> Starlette:
    import unigate_github
    import unigate_github_extras

    gateway = build_gateway(Settings(), plugins=[unigate_github, unigate_github_extras], entrypoints=False)
    return create_app(gateway)
