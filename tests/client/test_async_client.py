"""The asynchronous client against a running gateway: the same routes, awaited."""

from __future__ import annotations

import asyncio
import json

import pytest

from gateway.client import AsyncUnigate, BadRequestError, NotFoundError
from tests.client.conftest import Setup
from unified_models import NewComment, Ticket, TicketCreate, TicketStatus, TicketUpdate


async def test_async_client_end_to_end(setup: Setup) -> None:
    async with AsyncUnigate(setup.server.url, setup.server.secret_key) as client:
        await client.create_integration("github", "gh")
        credentials = {"type": "OAUTH2", "access_token": setup.token, "no_expiration": True}
        await client.import_connection("gh", "user-1", credentials)
        assert [c.connection_id for c in await client.list_connections()] == ["user-1"]
        conn = client.connection("gh", "user-1")

        names = [t.name async for t in conn.tickets.list(collection_id="octo/hello", page_size=2)]  # four pages
        assert names == [f"Issue {n}" for n in range(7, 0, -1)]
        created = await conn.tickets.create(TicketCreate(name="Async", collections=["octo/hello"]))
        updated = await conn.tickets.update(created.id, TicketUpdate(status=TicketStatus.CLOSED))
        assert isinstance(updated, Ticket) and updated.status is TicketStatus.CLOSED
        assert (await conn.tickets.get(created.id)).name == "Async"
        await conn.comments.create(created.id, NewComment(body="Awaited"))
        assert [c.body async for c in conn.comments.list(created.id)] == ["Awaited"]
        with pytest.raises(BadRequestError) as no_repo:
            await conn.tickets.page()
        assert "collection_id" in no_repo.value.message

        async with conn.proxy.stream("GET", "/repos/octo/hello/issues", params={"per_page": 100}) as streamed:
            body = b"".join([chunk async for chunk in streamed.aiter_bytes()])
        assert [i["title"] for i in json.loads(body)][:2] == ["Issue 7", "Issue 6"]  # open issues, newest first

        closed = await conn.actions.trigger("close-milestone", {"milestone_id": "octo/hello/1"})
        assert closed["state"] == "closed"
        run_id = await conn.actions.trigger_async("close-milestone", {"milestone_id": "octo/hello/1"})
        for _ in range(100):
            run = await conn.actions.result(run_id)
            if run.done:
                break
            await asyncio.sleep(0.1)
        assert run.done and run.output["state"] == "closed"
        with pytest.raises(NotFoundError) as unknown_run:
            await conn.actions.result("00000000-0000-4000-8000-000000000000")
        assert unknown_run.value.code == "unknown_action_run"
