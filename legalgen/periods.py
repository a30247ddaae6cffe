"""Exact legal periods written as ISO 8601 durations (``P14D``, ``P7Y``, ``PT48H``).

Legal periods are never rounded: ``P27D`` is 27 days, not "about a month". Only the
calendar units a legal text uses are accepted (years, months, weeks, days, hours).

>>> Period.parse("P1Y6M")
Period(years=1, months=6, weeks=0, days=0, hours=0)
>>> str(Period.parse("PT48H"))
'PT48H'
>>> Period.parse("P30D") > Period.parse("P4W")
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?P<hours>\d+)H)?$"
)
#: The same grammar for JSON Schema, so editors flag a bad period while typing.
JSON_PATTERN = (
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T\d+H)?$"
)
UNITS = ("years", "months", "weeks", "days", "hours")


@dataclass(frozen=True)
class Period:
    """A calendar period; compare two periods with their approximate length in hours."""

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse an ISO 8601 duration; raise ``ValueError`` with a readable message."""
        match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise ValueError(
                f"{text!r} is not an ISO 8601 period such as P14D, P6M, P7Y or PT48H"
            )
        return cls(**{unit: int(value or 0) for unit, value in match.groupdict().items()})

    def parts(self) -> list[tuple[str, int]]:
        """The non-zero units, largest first, e.g. ``[("years", 1), ("months", 6)]``."""
        return [(unit, getattr(self, unit)) for unit in UNITS if getattr(self, unit)]

    @property
    def approx_hours(self) -> float:
        """Length in hours, with a year of 365.25 days and a month of 30.44 days."""
        days = self.years * 365.25 + self.months * 30.44 + self.weeks * 7 + self.days
        return days * 24 + self.hours

    def __lt__(self, other: Period) -> bool:
        return self.approx_hours < other.approx_hours

    def __le__(self, other: Period) -> bool:
        return self.approx_hours <= other.approx_hours

    def __gt__(self, other: Period) -> bool:
        return self.approx_hours > other.approx_hours

    def __ge__(self, other: Period) -> bool:
        return self.approx_hours >= other.approx_hours

    def __str__(self) -> str:
        date = "".join(f"{getattr(self, u)}{u[0].upper()}" for u in UNITS[:4] if getattr(self, u))
        time = f"T{self.hours}H" if self.hours else ""
        return f"P{date}{time}" if date or time else "P0D"
