"""A test plugin declaring resources the unified API does not have (``notes``, nested ``pins``) and extending the
built-in ``tickets`` with a field, over two API-key providers whose data lives in memory (one per test gateway)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from gateway.provider import (
    ListQuery,
    Provider,
    ProviderContext,
    ProviderError,
    Resource,
    ResourcePage,
    Written,
    hookimpl,
)
from unified_models import RemoteObject, Ticket, TicketCreate, TicketUpdate


def _entry(name: str) -> dict[str, Any]:
    return {
        "display_name": name.title(),
        "categories": ["productivity"],
        "docs": f"https://{name}.example/docs",
        "auth_mode": "API_KEY",
        "credentials": {"apiKey": {"type": "string", "title": "API key", "secret": True}},
        "proxy": {"base_url": f"https://{name}.example", "headers": {"authorization": "Bearer ${apiKey}"}},
    }


CATALOG = {"notebook": _entry("notebook"), "plain-notebook": _entry("plain-notebook")}


class Color(StrEnum):
    YELLOW = "yellow"
    BLUE = "blue"


class Memo(RemoteObject):
    """A note on a page of the notebook."""

    title: str = Field(description="The note's title")
    color: Color = Field(default=Color.YELLOW, description="The paper's colour")
    collection: str | None = Field(default=None, description="Id of the `Collection` (notebook) it is in")


class MemoCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, description="Title of the new note")
    color: Color = Field(default=Color.YELLOW, description="The paper's colour")


class MemoUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, min_length=1, description="New title")
    color: Color | None = Field(default=None, description="New colour")


class MemoFilters(BaseModel):
    color: Color | None = Field(default=None, description="Only notes of this colour")
    title_contains: str | None = Field(default=None, description="Only notes whose title contains this text")


class Pin(RemoteObject):
    """Pins stuck in a note."""

    note: str = Field(description="Id of the `Memo` the pin is in")


class ReactingTicket(Ticket):
    reactions: int | None = Field(default=None, description="Reactions to the ticket, all kinds together")


class MilestoneTicketCreate(TicketCreate):
    milestone: str | None = Field(default=None, description="Title of the milestone to put the ticket in")


def _stamp(n: int) -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC).replace(day=1 + n % 28)


class Notes(Resource[Memo, MemoCreate, MemoUpdate]):
    """Notes (pages of a notebook)."""

    filters = frozenset({"collection_id", "modified_after"})
    filter_model = MemoFilters

    @property
    def store(self) -> dict[str, Memo]:
        return self.provider.notes  # type: ignore[attr-defined, no-any-return]

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Memo]:
        color, contains = query.extra.get("color"), query.extra.get("title_contains")
        notes = [
            n.model_copy()
            for n in self.store.values()
            if (color is None or n.color == color)
            and (contains is None or contains in n.title)
            and (query.collection_id is None or n.collection == query.collection_id)
            and (query.modified_after is None or (n.remote_updated_at or _stamp(0)) >= query.modified_after)
        ]
        start = int(query.cursor or 0)
        end = start + query.page_size
        return ResourcePage(notes[start:end], str(end) if end < len(notes) else None)

    async def get(self, ctx: ProviderContext, remote_id: str) -> Memo:
        if remote_id not in self.store:
            raise ProviderError(404, "not_found", f"No note {remote_id!r}")
        return self.store[remote_id].model_copy()

    async def create(self, ctx: ProviderContext, data: MemoCreate) -> Written[Memo]:
        number = str(len(self.store) + 1)
        note = Memo(id=number, remote_id=number, provider="x", title=data.title, color=data.color)
        note.remote_updated_at = _stamp(int(number))
        note.remote_data = {"n": number}
        self.store[number] = note
        return Written(note.model_copy())

    async def update(self, ctx: ProviderContext, remote_id: str, data: MemoUpdate) -> Written[Memo]:
        note = await self.get(ctx, remote_id)
        changed = note.model_copy(update=data.model_dump(exclude_unset=True))
        self.store[remote_id] = changed
        return Written(changed.model_copy())

    async def delete(self, ctx: ProviderContext, remote_id: str) -> None:
        await self.get(ctx, remote_id)
        del self.store[remote_id]


class Pins(Resource[Pin, Any, Any]):
    """Pins stuck in a note."""

    parent = "notes"

    async def list(self, ctx: ProviderContext, query: ListQuery) -> ResourcePage[Pin]:
        assert query.parent_id is not None
        count = len(self.provider.notes[query.parent_id].title)  # type: ignore[attr-defined]
        return ResourcePage(
            [
                Pin(id=f"{query.parent_id}-{i}", remote_id=str(i), provider="x", note=query.parent_id)
                for i in range(count)
            ]
        )


class ReactingTickets(Resource[ReactingTicket, MilestoneTicketCreate, TicketUpdate]):
    async def get(self, ctx: ProviderContext, remote_id: str) -> ReactingTicket:
        return ReactingTicket(id=remote_id, remote_id=remote_id, provider="x", name="A ticket", reactions=3)

    async def create(self, ctx: ProviderContext, data: MilestoneTicketCreate) -> Written[ReactingTicket]:
        ticket = ReactingTicket(id="9", remote_id="9", provider="x", name=data.name, reactions=0)
        ticket.remote_data = {"milestone": data.milestone}
        return Written(ticket)


class PlainTickets(Resource[Ticket, TicketCreate, TicketUpdate]):
    async def create(self, ctx: ProviderContext, data: TicketCreate) -> Written[Ticket]:
        return Written(Ticket(id="1", remote_id="1", provider="x", name=data.name))


class Notebook(Provider):
    catalog_key = "notebook"
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {
        "notes": Notes,
        "pins": Pins,
        "tickets": ReactingTickets,
    }

    def __init__(self) -> None:
        self.notes: dict[str, Memo] = {}


class PlainNotebook(Provider):
    catalog_key = "plain-notebook"
    resources: ClassVar[Mapping[str, type[Resource[Any, Any, Any]]]] = {"tickets": PlainTickets}


@hookimpl
def register_catalog(register: Any) -> None:
    register(CATALOG)


@hookimpl
def register_providers(register: Any) -> None:
    register(Notebook)
    register(PlainNotebook)
