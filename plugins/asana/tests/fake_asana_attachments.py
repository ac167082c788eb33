"""Attachments in the Asana fake: ``GET /attachments?parent=<task gid>`` and ``GET /attachments/{gid}``.

Records follow the published ``AttachmentResponse`` (lists are ``AttachmentCompact`` unless ``opt_fields`` names
more); ``download_url`` is a short-lived S3 link in Asana, here a fixed one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from asana_shapes import APP, stamp
from fake_asana_routes import errors
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

if TYPE_CHECKING:
    from fake_asana import FakeAsana


@dataclass
class Attachment:
    gid: str
    task: str
    name: str
    size: int
    created_at: str = field(default_factory=stamp)


def render(fake: FakeAsana, item: Attachment) -> dict[str, Any]:
    url = f"https://s3.amazonaws.com/assets/{item.gid}/{item.name}"
    return {
        "gid": item.gid,
        "resource_type": "attachment",
        "name": item.name,
        "resource_subtype": "asana",
        "created_at": item.created_at,
        "download_url": url,
        "host": "asana",
        "parent": fake.world.ref("task", item.task),
        "permanent_url": f"{APP}/app/asana/-/get_asset?asset_id={item.gid}",
        "size": item.size,
        "view_url": url,
    }


def attachment_routes(fake: FakeAsana, store: dict[str, Attachment]) -> list[BaseRoute]:
    async def listed(request: Request) -> Response:
        parent = request.query_params.get("parent")
        if not parent:
            return errors(400, "parent: Missing input")
        if parent not in fake.world.tasks:
            return fake._missing("task", parent)
        return fake._page(request, [render(fake, a) for a in store.values() if a.task == parent])

    async def one(request: Request) -> Response:
        found = store.get(request.path_params["gid"])
        if found is None:
            return fake._missing("attachment", request.path_params["gid"])
        return fake._one(request, render(fake, found))

    return [Route("/attachments", listed), Route("/attachments/{gid}", one)]
