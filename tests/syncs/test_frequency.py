"""Sync frequencies in Nango's syntax, and the 400 naming the field for anything else."""

from __future__ import annotations

import pytest

from gateway.errors import GatewayError
from gateway.syncs.frequency import seconds_of


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("every 5m", 300),
        ("every 30 seconds", 30),
        ("every 2 hours", 7200),
        ("every 1.5h", 5400),
        ("every day", 86400),
        ("every half hour", 1800),
        ("every quarter hour", 900),
        ("every half day", 43200),
        ("Every  Week", 604800),
        ("every 31 days", 31 * 86400),
    ],
)
def test_frequencies(text: str, seconds: float) -> None:
    assert seconds_of(text) == seconds


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("hourly", "is not a frequency"),
        ("every 5 fortnights", "is not a frequency"),
        ("every", "is not a frequency"),
        ("every 10s", "between 30 seconds and 31 days"),
        ("every 32 days", "between 30 seconds and 31 days"),
    ],
)
def test_bad_frequencies_name_the_field(text: str, says: str) -> None:
    with pytest.raises(GatewayError) as raised:
        seconds_of(text, "frequency")
    assert raised.value.status_code == 400 and says in raised.value.message
    assert raised.value.message.startswith("frequency: ")
