"""``paginate``: one unified page per call for the catalog's link, cursor and offset rules, and their stop rules."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from gateway.provider import ListQuery, OutsideBaseUrl, ProviderError, UpstreamFailure, paginate
from tests.provider.helpers import BASE, context

ITEMS = [{"id": n} for n in range(5)]


def link_pages(request: httpx.Request) -> httpx.Response:
    """Five items, ``per_page`` at a time, with ``Link: <...>; rel="next"`` until the last page."""
    size, page = int(request.url.params["per_page"]), int(request.url.params.get("page", "1"))
    chunk = ITEMS[(page - 1) * size : page * size]
    headers = {}
    if page * size < len(ITEMS):
        headers["link"] = f'<{BASE}/issues?per_page={size}&page={page + 1}>; rel="next", <{BASE}/x>; rel="last"'
    return httpx.Response(200, json=chunk, headers=headers)


LINK = {
    "proxy": {"paginate": {"type": "link", "link_rel_in_response_header": "next", "limit_name_in_request": "per_page"}}
}


async def walk(ctx: Any, path: str, page_size: int, **kwargs: Any) -> tuple[list[Any], list[str | None]]:
    items: list[Any] = []
    cursors: list[str | None] = []
    cursor = None
    for _ in range(10):
        page = await paginate(ctx, path, ListQuery(page_size=page_size, cursor=cursor), **kwargs)
        items += page.items
        cursors.append(page.next_cursor)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    return items, cursors


async def test_link_pages_follow_the_next_link_until_it_is_missing() -> None:
    ctx, seen = context(link_pages, LINK)
    items, cursors = await walk(ctx, "/issues", 2, params={"state": "all"})
    assert items == ITEMS and cursors[-1] is None and len(cursors) == 3
    assert seen[0].url.params["state"] == "all" and seen[0].url.params["per_page"] == "2"
    assert str(seen[1].url) == cursors[0]  # the link is the cursor, fetched as given


async def test_link_pages_stop_on_a_repeated_link() -> None:
    def same(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[{"id": 1}], headers={"link": f'<{request.url}>; rel="next"'})

    ctx, _ = context(same, LINK)
    page = await paginate(ctx, "/issues", ListQuery(page_size=1))
    assert page.items == [{"id": 1}] and page.next_cursor is None


async def test_link_in_the_body_with_a_relative_url() -> None:
    def body_links(request: httpx.Request) -> httpx.Response:
        if "after" in request.url.params:
            return httpx.Response(200, json={"data": [{"id": 2}], "links": {"next": None}})
        return httpx.Response(200, json={"data": [{"id": 1}], "links": {"next": {"href": "/v1/items?after=1"}}})

    entry = {
        "proxy": {"paginate": {"type": "link", "link_path_in_response_body": "links.next", "response_path": "data"}}
    }
    ctx, _ = context(body_links, entry)
    items, cursors = await walk(ctx, "/items", 1)
    assert items == [{"id": 1}, {"id": 2}] and cursors == [f"{BASE}/items?after=1", None]


async def test_a_link_off_the_base_url_is_refused_given_or_resumed() -> None:
    def elsewhere(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[{"id": 1}], headers={"link": '<https://evil.test/steal>; rel="next"'})

    ctx, seen = context(elsewhere, LINK)
    with pytest.raises(OutsideBaseUrl):
        await paginate(ctx, "/issues", ListQuery())
    with pytest.raises(OutsideBaseUrl):
        await paginate(ctx, "/issues", ListQuery(cursor="https://api.example.test/v10/other"))
    assert len(seen) == 1


async def test_cursor_pages_send_the_cursor_and_stop_when_it_is_missing_or_the_page_empty() -> None:
    def cursor_pages(request: httpx.Request) -> httpx.Response:
        after = int(request.url.params.get("page[after]", "0"))
        size = int(request.url.params["page[size]"])
        chunk = ITEMS[after : after + size]
        more = after + size < len(ITEMS)
        return httpx.Response(200, json={"results": chunk, "meta": {"after": str(after + size) if more else None}})

    paging = {"type": "cursor", "cursor_path_in_response": "meta.after", "cursor_name_in_request": "page[after]"}
    entry = {"proxy": {"paginate": {**paging, "limit_name_in_request": "page[size]", "response_path": "results"}}}
    ctx, seen = context(cursor_pages, entry)
    items, cursors = await walk(ctx, "/tickets", 2)
    assert items == ITEMS and cursors == ["2", "4", None]
    assert "page[after]" not in seen[0].url.params and seen[1].url.params["page[after]"] == "2"

    def empty_with_cursor(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"results": [], "meta": {"after": "9"}})

    ctx, _ = context(empty_with_cursor, entry)
    assert await paginate(ctx, "/tickets", ListQuery()) == ([], None)


async def test_offset_pages_by_response_size_stop_on_a_short_page() -> None:
    def offset_pages(request: httpx.Request) -> httpx.Response:
        start, limit = int(request.url.params["start"]), int(request.url.params["limit"])
        return httpx.Response(200, json={"data": ITEMS[start : start + limit]})

    paging = {"type": "offset", "offset_name_in_request": "start", "limit_name_in_request": "limit"}
    ctx, seen = context(offset_pages, {"proxy": {"paginate": {**paging, "response_path": "data"}}})
    items, cursors = await walk(ctx, "/things", 2)
    assert items == ITEMS and cursors == ["2", "4", None]
    assert [r.url.params["start"] for r in seen] == ["0", "2", "4"]


async def test_a_post_query_pages_in_its_body() -> None:
    def query_pages(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert request.method == "POST" and body["filter"] == {"name": "x"} and request.url.params["v"] == "2"
        start, limit = body["offset"], body["limit"]
        assert isinstance(start, int) and isinstance(limit, int)  # numbers stay numbers in a JSON body
        return httpx.Response(200, json={"data": ITEMS[start : start + limit]})

    paging = {"type": "offset", "limit_name_in_request": "limit", "response_path": "data"}
    ctx, seen = context(query_pages, {"proxy": {"paginate": paging}})
    options = {"method": "POST", "json": {"filter": {"name": "x"}}, "params": {"v": "2"}}
    items, cursors = await walk(ctx, "/records/query", 2, **options)
    assert items == ITEMS and cursors == ["2", "4", None]
    assert [json.loads(r.content)["offset"] for r in seen] == [0, 2, 4]


async def test_offset_pages_per_page_stop_on_an_empty_page() -> None:
    def numbered(request: httpx.Request) -> httpx.Response:
        page, limit = int(request.url.params["page"]), int(request.url.params["count"])
        return httpx.Response(200, json=ITEMS[(page - 1) * limit : page * limit])

    paging = {"type": "offset", "offset_name_in_request": "page", "offset_start_value": "1"}
    ctx, seen = context(numbered, {"proxy": {"paginate": {**paging, "offset_calculation_method": "per-page"}}})
    items, cursors = await walk(ctx, "/things", 5, override={"limit_name_in_request": "count"})
    assert items == ITEMS and cursors == ["2", None]  # page 2 is empty
    assert [r.url.params["page"] for r in seen] == ["1", "2"]


async def test_defaults_apply_without_a_catalog_block_and_the_page_size_is_capped() -> None:
    ctx, seen = context(link_pages)
    default = {"type": "link", "limit_name_in_request": "per_page", "max_page_size": 3}
    page = await paginate(ctx, "/issues", ListQuery(page_size=200), default=default)
    assert page.items == ITEMS[:3] and seen[0].url.params["per_page"] == "3"


async def test_failed_answers_and_non_lists_are_errors_naming_the_operation() -> None:
    ctx, _ = context(lambda request: httpx.Response(404, json={"message": "Not Found"}), LINK)
    with pytest.raises(ProviderError) as missing:
        await paginate(ctx, "/issues", ListQuery(), operation="listing issues of o/r")
    assert missing.value.status == 404 and missing.value.message.startswith("listing issues of o/r: Example")
    ctx, _ = context(lambda request: httpx.Response(200, json={"not": "a list"}), LINK)
    with pytest.raises(UpstreamFailure) as odd:
        await paginate(ctx, "/issues", ListQuery(), operation="listing issues")
    assert odd.value.status == 502 and "Example" in odd.value.message
