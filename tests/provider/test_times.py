"""``parse_time`` and ``format_time``: the time values providers answer with and want in queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from gateway.provider import format_time, parse_time

MOMENT = datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-02T03:04:05.678Z",
        "2024-01-02T03:04:05.678+00:00",
        "2024-01-02T04:04:05.678+01:00",
        "2024-01-02T03:04:05.678",
        "2024-01-02T03:04:05.678000Z",
        1704164645.678,
        1704164645678,
        "1704164645678",
        MOMENT,
        MOMENT.replace(tzinfo=None),
    ],
)
def test_parse_time_reads_iso_and_epoch_values(value: str | float | datetime) -> None:
    assert parse_time(value) == MOMENT


def test_parse_time_keeps_offsets_and_reads_dates_and_nothing() -> None:
    parsed = parse_time("2024-01-02T05:04:05+02:00")
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=2)
    assert parse_time("2024-01-02") == datetime(2024, 1, 2, tzinfo=UTC)
    assert parse_time(1704164645) == MOMENT.replace(microsecond=0)
    assert parse_time(None) is None and parse_time("") is None


@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", True])
def test_parse_time_refuses_what_is_not_a_time(value: str | bool) -> None:
    with pytest.raises(ValueError):
        parse_time(value)


def test_format_time_styles_are_utc() -> None:
    local = MOMENT.astimezone(timezone(timedelta(hours=-5)))
    assert format_time(local) == "2024-01-02T03:04:05Z"
    assert format_time(local, "iso_ms") == "2024-01-02T03:04:05.678Z"
    assert format_time(local, "offset") == "2024-01-02T03:04:05+00:00"
    assert format_time(local, "date") == "2024-01-02"
    assert format_time(local, "epoch") == "1704164645"
    assert format_time(local, "epoch_ms") == "1704164645678"
    assert format_time(local, "%Y-%m-%d %H:%M") == "2024-01-02 03:04"
    with pytest.raises(ValueError):
        format_time(local, "nonsense")


def test_iso_styles_read_back_for_years_below_1000() -> None:
    early = datetime(50, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    assert format_time(early) == "0050-01-02T03:04:05Z"
    assert parse_time(format_time(early, "iso_ms")) == early
