"""The unified resources, generic over their models: one class serves tickets, CRM deals and a plugin's types.

``ResourceCalls`` builds the calls; ``Resource`` runs them synchronously and ``AsyncResource`` asynchronously, with
``list`` following ``next_cursor`` across pages. ``C`` and ``U`` are the create and update models; a resource that
cannot be written has them ``Never``, so a type checker refuses the call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from gateway.client.calls import Call, body, data_of, nothing, page_of, query, segment
from gateway.client.transport import AsyncTransport, SyncTransport
from unified_models import Page

M = TypeVar("M", bound=BaseModel)
C = TypeVar("C", bound=BaseModel)
U = TypeVar("U", bound=BaseModel)


class ResourceCalls(Generic[M, C, U]):
    """The calls of one resource type (``tickets``, ``crm/deals``, ``milestones``) for one connection."""

    def __init__(self, name: str, model: type[M], headers: Mapping[str, str]) -> None:
        self.name = name
        self.model = model
        self.headers = dict(headers)

    def page_call(self, filters: Mapping[str, Any]) -> Call[Page[M]]:
        return Call("GET", f"/{self.name}", page_of(self.model), query(filters), headers=self.headers)

    def get_call(self, id: str, include_remote_data: bool) -> Call[M]:
        params = query({"include_remote_data": include_remote_data or None})
        return Call("GET", f"/{self.name}/{segment(id)}", data_of(self.model), params, headers=self.headers)

    def create_call(self, item: C) -> Call[M]:
        return Call("POST", f"/{self.name}", data_of(self.model), json=body(item), headers=self.headers)

    def upsert_call(self, item: C) -> Call[M]:
        return Call("POST", f"/{self.name}/upsert", data_of(self.model), json=body(item), headers=self.headers)

    def update_call(self, id: str, changes: U) -> Call[M]:
        path = f"/{self.name}/{segment(id)}"
        return Call("PATCH", path, data_of(self.model), json=body(changes), headers=self.headers)

    def delete_call(self, id: str) -> Call[None]:
        return Call("DELETE", f"/{self.name}/{segment(id)}", nothing, headers=self.headers)


class Resource(ResourceCalls[M, C, U]):
    """A unified resource over the synchronous client."""

    def __init__(self, transport: SyncTransport, name: str, model: type[M], headers: Mapping[str, str]) -> None:
        super().__init__(name, model, headers)
        self._transport = transport

    def page(self, **filters: Any) -> Page[M]:
        """One page: ``filters`` are the route's query parameters (``page_size``, ``cursor``, ``collection_id``…)."""
        return self._transport.run(self.page_call(filters))

    def list(self, **filters: Any) -> Iterator[M]:
        """Every item matching ``filters``, page after page (each next page asked for by its cursor alone)."""
        page = self.page(**filters)
        while True:
            yield from page.data
            if page.next_cursor is None:
                return
            page = self.page(cursor=page.next_cursor, page_size=filters.get("page_size"))

    def get(self, id: str, *, include_remote_data: bool = False) -> M:
        return self._transport.run(self.get_call(id, include_remote_data))

    def create(self, item: C) -> M:
        return self._transport.run(self.create_call(item))

    def upsert(self, item: C) -> M:
        """Create, or update the object matching it (CRM contacts by first email, companies by domain)."""
        return self._transport.run(self.upsert_call(item))

    def update(self, id: str, changes: U) -> M:
        """Change only the fields set on ``changes``."""
        return self._transport.run(self.update_call(id, changes))

    def delete(self, id: str) -> None:
        self._transport.run(self.delete_call(id))


class AsyncResource(ResourceCalls[M, C, U]):
    """A unified resource over the asynchronous client."""

    def __init__(self, transport: AsyncTransport, name: str, model: type[M], headers: Mapping[str, str]) -> None:
        super().__init__(name, model, headers)
        self._transport = transport

    async def page(self, **filters: Any) -> Page[M]:
        return await self._transport.run(self.page_call(filters))

    async def list(self, **filters: Any) -> AsyncIterator[M]:
        """Every item matching ``filters``, page after page: ``async for ticket in conn.tickets.list(...)``."""
        page = await self.page(**filters)
        while True:
            for item in page.data:
                yield item
            if page.next_cursor is None:
                return
            page = await self.page(cursor=page.next_cursor, page_size=filters.get("page_size"))

    async def get(self, id: str, *, include_remote_data: bool = False) -> M:
        return await self._transport.run(self.get_call(id, include_remote_data))

    async def create(self, item: C) -> M:
        return await self._transport.run(self.create_call(item))

    async def upsert(self, item: C) -> M:
        return await self._transport.run(self.upsert_call(item))

    async def update(self, id: str, changes: U) -> M:
        return await self._transport.run(self.update_call(id, changes))

    async def delete(self, id: str) -> None:
        await self._transport.run(self.delete_call(id))


class ChildCalls(Generic[M, C]):
    """The calls of a type listed and created under a parent object: ``/tickets/{id}/comments``."""

    def __init__(self, parent: str, name: str, model: type[M], headers: Mapping[str, str]) -> None:
        self.parent = parent
        self.name = name
        self.model = model
        self.headers = dict(headers)

    def path(self, parent_id: str) -> str:
        return f"/{self.parent}/{segment(parent_id)}/{self.name}"

    def page_call(self, parent_id: str, filters: Mapping[str, Any]) -> Call[Page[M]]:
        return Call("GET", self.path(parent_id), page_of(self.model), query(filters), headers=self.headers)

    def create_call(self, parent_id: str, item: C) -> Call[M]:
        return Call("POST", self.path(parent_id), data_of(self.model), json=body(item), headers=self.headers)


class ChildResource(ChildCalls[M, C]):
    """A nested resource over the synchronous client: ``conn.comments.list("octo/hello#1")``."""

    def __init__(
        self, transport: SyncTransport, parent: str, name: str, model: type[M], headers: Mapping[str, str]
    ) -> None:
        super().__init__(parent, name, model, headers)
        self._transport = transport

    def page(self, parent_id: str, **filters: Any) -> Page[M]:
        return self._transport.run(self.page_call(parent_id, filters))

    def list(self, parent_id: str, **filters: Any) -> Iterator[M]:
        """Every item under ``parent_id``, page after page."""
        page = self.page(parent_id, **filters)
        while True:
            yield from page.data
            if page.next_cursor is None:
                return
            page = self.page(parent_id, cursor=page.next_cursor, page_size=filters.get("page_size"))

    def create(self, parent_id: str, item: C) -> M:
        return self._transport.run(self.create_call(parent_id, item))


class AsyncChildResource(ChildCalls[M, C]):
    """A nested resource over the asynchronous client."""

    def __init__(
        self, transport: AsyncTransport, parent: str, name: str, model: type[M], headers: Mapping[str, str]
    ) -> None:
        super().__init__(parent, name, model, headers)
        self._transport = transport

    async def page(self, parent_id: str, **filters: Any) -> Page[M]:
        return await self._transport.run(self.page_call(parent_id, filters))

    async def list(self, parent_id: str, **filters: Any) -> AsyncIterator[M]:
        page = await self.page(parent_id, **filters)
        while True:
            for item in page.data:
                yield item
            if page.next_cursor is None:
                return
            page = await self.page(parent_id, cursor=page.next_cursor, page_size=filters.get("page_size"))

    async def create(self, parent_id: str, item: C) -> M:
        return await self._transport.run(self.create_call(parent_id, item))
