"""SOQL lists: a query built from the unified filters, read in the API's batches and cut into unified pages.

``GET /query?q=SELECT …`` answers ``{totalSize, done, records, nextRecordsUrl}``; batches hold 200 to 2,000
records (``Sforce-Query-Options: batchSize``, at least 200), more than a unified page may. The provider cursor is
``<skip>:<batch>``: how many records of the batch earlier pages took, and the batch's ``nextRecordsUrl`` (empty for
the first batch, which is read by running the query again). A page ends at its batch's end, so a unified page
never spans two batches; the gateway signs the cursor and keeps the filters with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway.provider import ListQuery, ProviderContext, ProviderError
from unigate_salesforce.common import API, QUERY
from unigate_salesforce.errors import check

BATCH = {"Sforce-Query-Options": "batchSize=200"}  # the smallest batch Salesforce serves


@dataclass(frozen=True)
class Soql:
    """``SELECT fields FROM sobject WHERE a AND b ORDER BY order``."""

    sobject: str
    fields: tuple[str, ...]
    where: tuple[str, ...] = ()
    order: str = "Id ASC"
    limit: int | None = None

    def text(self) -> str:
        selected = ", ".join(dict.fromkeys(("Id", *self.fields)))
        parts = [f"SELECT {selected} FROM {self.sobject}"]
        if self.where:
            parts.append("WHERE " + " AND ".join(self.where))
        parts.append(f"ORDER BY {self.order}")
        if self.limit is not None:
            parts.append(f"LIMIT {self.limit}")
        return " ".join(parts)


def _cursor(value: str | None) -> tuple[int, str]:
    """``(skip, batch URL)`` of a provider cursor; 400 for one this plugin did not make."""
    if not value:
        return 0, ""
    skip, _, url = value.partition(":")
    if not skip.isdigit() or (url and not _batch_url(url)):
        raise ProviderError(400, "invalid_cursor", "cursor: not a cursor of this list", field="cursor")
    return int(skip), url


def _batch_url(url: str) -> bool:
    """A ``nextRecordsUrl`` as Salesforce writes it: a path below the query resource of this API version."""
    return url.startswith(f"{API}/query/") and "//" not in url and ".." not in url and "?" not in url


async def run(ctx: ProviderContext, soql: Soql, operation: str) -> dict[str, Any]:
    """One SOQL answer (its first batch)."""
    response = await ctx.http.get(QUERY, params={"q": soql.text()}, headers=BATCH)
    check(ctx, response, operation)
    answer: dict[str, Any] = response.json()
    return answer


async def query_page(
    ctx: ProviderContext, soql: Soql, query: ListQuery, operation: str
) -> tuple[list[dict[str, Any]], str | None]:
    """One unified page of the query's records, and the provider cursor of the next (None on the last)."""
    skip, url = _cursor(query.cursor)
    if url:
        response = await ctx.http.get(url, headers=BATCH)
        check(ctx, response, operation)
        answer = response.json()
    else:
        answer = await run(ctx, soql, operation)
    records = [r for r in answer.get("records") or [] if isinstance(r, dict)]
    page = records[skip : skip + query.page_size]
    taken = skip + len(page)
    following = answer.get("nextRecordsUrl")
    if taken < len(records):
        return page, f"{taken}:{url}"
    if not answer.get("done", True) and isinstance(following, str) and _batch_url(following):
        return page, f"0:{following}"
    return page, None


async def query_all(ctx: ProviderContext, soql: Soql, operation: str) -> list[dict[str, Any]]:
    """Every record of a small query (stages, a handful of lookups), following ``nextRecordsUrl``."""
    answer = await run(ctx, soql, operation)
    records = [r for r in answer.get("records") or [] if isinstance(r, dict)]
    while not answer.get("done", True) and _batch_url(str(answer.get("nextRecordsUrl") or "")):
        response = await ctx.http.get(str(answer["nextRecordsUrl"]), headers=BATCH)
        check(ctx, response, operation)
        answer = response.json()
        records += [r for r in answer.get("records") or [] if isinstance(r, dict)]
    return records
