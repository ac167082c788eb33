"""``GET /logs`` refuses cursors it did not hand out with a 400, whatever their characters or size."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import error_of


@pytest.mark.parametrize(
    "cursor",
    [
        "99999999999999999999999",  # beyond a 64-bit integer: SQLite could not bind it
        "2147483648",  # beyond the 32-bit id column of PostgreSQL
        "1" * 5000,  # beyond Python's int() digit limit
        "\u0661\u0662\u0663",  # Arabic-Indic digits: str.isdigit() accepts them
        "\u00b2",  # superscript two: isdigit() too, but int() refuses it
        "-1",
        "12a",
    ],
)
async def test_foreign_cursor_is_400(client: httpx.AsyncClient, cursor: str) -> None:
    response = await client.get("/logs", params={"cursor": cursor})
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "invalid_query_params"
    assert error["message"].startswith("cursor: send the next_cursor of a previous page")


async def test_largest_cursor_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.get("/logs", params={"cursor": str(2**31 - 1)})
    assert response.status_code == 200, response.text
    assert response.json() == {"logs": [], "next_cursor": None}
