"""Exact ISO 8601 periods."""

import pytest

from legalgen.source.periods import Period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P14D", Period(days=14)),
        ("P7Y", Period(years=7)),
        ("P1Y6M", Period(years=1, months=6)),
        ("P2W", Period(weeks=2)),
        ("PT48H", Period(hours=48)),
        ("P1DT12H", Period(days=1, hours=12)),
        ("P0D", Period()),
    ],
)
def test_parse(text: str, expected: Period) -> None:
    assert Period.parse(text) == expected
    assert Period.parse(str(expected)) == expected


@pytest.mark.parametrize("text", ["", "P", "14 days", "P1.5Y", "PT", "P-1D", "p14d", "P14DT"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        Period.parse(text)


def test_ordering_uses_calendar_length() -> None:
    assert Period.parse("P30D") < Period.parse("P2M")
    assert Period.parse("PT48H") < Period.parse("P14D")
    assert Period.parse("P1Y") > Period.parse("P364D")


def test_parts_largest_first() -> None:
    assert Period.parse("P1Y2M3DT4H").parts() == [("years", 1), ("months", 2), ("days", 3), ("hours", 4)]
