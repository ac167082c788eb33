"""A test provider ``doer`` with actions, talking to a loopback fake of its API (``DoerApi``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.plugins import hookimpl
from gateway.provider import Action, NotSupported, Provider, ProviderContext, raise_for_answer
from gateway.runtime import Gateway
from gateway.testing.kit import make_gateway

HEADERS = {"Connection-Id": "c1", "Provider-Config-Key": "doer-prod"}
API_KEY = "doer-api-key-1"


class LabelsInput(BaseModel):
    issue: int
    labels: list[str]


class LabelsOutput(BaseModel):
    issue: int
    labels: list[str]


class AddLabels(Action[LabelsInput, LabelsOutput]):
    """Add labels to an issue.

    Labels the issue does not have yet are created."""

    async def run(self, ctx: ProviderContext, input: LabelsInput) -> LabelsOutput:
        answer = await ctx.http.post(f"/issues/{input.issue}/labels", json={"labels": input.labels})
        raise_for_answer(ctx, answer, f"labelling issue {input.issue}")
        return LabelsOutput(issue=input.issue, labels=answer.json()["labels"])


class Path_(BaseModel):
    path: str


class Done(BaseModel):
    ok: bool


class CallPath(Action[Path_, Done]):
    """GET a path of the fake (flaky, refusing...)."""

    async def run(self, ctx: ProviderContext, input: Path_) -> Done:
        answer = await ctx.http.get(input.path)
        raise_for_answer(ctx, answer, f"calling {input.path}")
        return Done(ok=True)


class BadOutput(Action[BaseModel, LabelsOutput]):
    """Answers something its output model refuses."""

    async def run(self, ctx: ProviderContext, input: BaseModel) -> Any:
        return {"issue": "not a number", "labels": [f"token {API_KEY}"]}


class Crash(Action[BaseModel, Done]):
    """Fails with an exception whose text must not leak."""

    async def run(self, ctx: ProviderContext, input: BaseModel) -> Done:
        raise RuntimeError(f"boom with {API_KEY}")


class Unsupported(Action[BaseModel, Done]):
    """Refuses as a provider lacking the feature."""

    async def run(self, ctx: ProviderContext, input: BaseModel) -> Done:
        raise NotSupported(ctx.provider, "archiving issues")


class Echo(Action):
    """Answers its input (no declared models)."""

    async def run(self, ctx: ProviderContext, input: BaseModel) -> Any:
        return input.model_dump()


class Huge(Action):
    """Answers a number JSON answers cannot carry (beyond 64 bits)."""

    async def run(self, ctx: ProviderContext, input: BaseModel) -> Any:
        return {"n": 2**70}


class Doer(Provider):
    catalog_key = "doer"
    actions: ClassVar[Mapping[str, type[Action[Any, Any]]]] = {
        "add-labels": AddLabels,
        "call": CallPath,
        "bad-output": BadOutput,
        "crash": Crash,
        "unsupported": Unsupported,
        "echo": Echo,
        "huge": Huge,
    }


plugin = SimpleNamespace(register_providers=hookimpl(lambda register: register(Doer)))


@dataclass
class DoerApi:
    """The fake provider: labels issues, fails ``flaky_left`` times with 503 on /flaky, refuses /refuse with 422."""

    flaky_left: int = 2
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, authorization)

    def app(self) -> Starlette:
        async def labels(request: Request) -> Response:
            self._record(request)
            body = await request.json()
            return JSONResponse({"labels": sorted(set(body["labels"]) | {"existing"})})

        async def flaky(request: Request) -> Response:
            self._record(request)
            if self.flaky_left > 0:
                self.flaky_left -= 1
                return JSONResponse({"message": "try again later"}, status_code=503)
            return JSONResponse({"ok": True})

        async def refuse(request: Request) -> Response:
            self._record(request)
            return JSONResponse({"message": "issue is locked"}, status_code=422)

        async def slow(request: Request) -> Response:
            self._record(request)
            await asyncio.sleep(float(request.query_params.get("seconds", "2")))
            return JSONResponse({"ok": True})

        async def down(request: Request) -> Response:
            self._record(request)
            return JSONResponse({"message": "down"}, status_code=500)

        return Starlette(
            routes=[
                Route("/issues/{n}/labels", labels, methods=["POST"]),
                Route("/flaky", flaky),
                Route("/refuse", refuse),
                Route("/down", down),
                Route("/slow", slow),
            ]
        )

    def _record(self, request: Request) -> None:
        self.seen.append((request.method, request.url.path, request.headers.get("authorization", "")))

    def paths(self) -> list[str]:
        return [path for _, path, _ in self.seen]


def doer_catalog(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "doer.yaml"
    path.write_text(
        "doer:\n  display_name: Doer\n  categories: [ticketing]\n  docs: https://example.test\n  auth_mode: API_KEY\n"
        f"  proxy:\n    base_url: {base_url}\n    headers:\n      authorization: Bearer ${{apiKey}}\n"
    )
    return path


async def connect(client: httpx.AsyncClient) -> None:
    """The integration ``doer-prod`` and its API-key connection ``c1``."""
    created = await client.post("/integrations", json={"provider": "doer", "unique_key": "doer-prod"})
    assert created.status_code in (200, 201), created.text
    credentials = {"type": "API_KEY", "apiKey": API_KEY}
    body = {"provider_config_key": "doer-prod", "connection_id": "c1", "credentials": credentials}
    connected = await client.post("/connections", json=body)
    assert connected.status_code in (200, 201), connected.text


@asynccontextmanager
async def doer_gateway(
    tmp_path: Path, base_url: str, connected: bool = True, **settings: Any
) -> AsyncIterator[tuple[Gateway, httpx.AsyncClient]]:
    """A gateway serving ``doer`` at ``base_url`` (no outbound retries: the action's own retries are tested)."""
    settings.setdefault("unified_retries", 0)
    async with make_gateway(
        plugins=[plugin],
        providers_files=[doer_catalog(tmp_path, base_url)],
        allow_private_hosts=True,
        **settings,
    ) as (gateway, client):
        if connected:
            await connect(client)
        yield gateway, client
