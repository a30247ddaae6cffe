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

import calendar
import datetime as dt
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
#: No legal period is longer; anything longer is a typo that would overflow date arithmetic.
MAX_YEARS = 200


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
        digits = match.groupdict()
        if any(len(value or "") > 7 for value in digits.values()):
            raise ValueError(f"{text!r} is longer than {MAX_YEARS} years")
        period = cls(**{unit: int(value or 0) for unit, value in digits.items()})
        if period.approx_hours > MAX_YEARS * 365.25 * 24:
            raise ValueError(f"{text!r} is longer than {MAX_YEARS} years")
        return period

    def add_to(self, date: dt.date, sign: int = 1) -> dt.date:
        """``date`` plus (or, with ``sign=-1``, minus) this period, months counted on the calendar.

        A day that does not exist in the target month becomes its last day; hours count as
        whole days only when they add up to days. Raises ``OverflowError`` past year 9999.

        >>> Period.parse("P1M").add_to(dt.date(2026, 1, 31))
        datetime.date(2026, 2, 28)
        >>> Period.parse("P1M7D").add_to(dt.date(2026, 3, 15), -1)
        datetime.date(2026, 2, 8)
        """
        months = date.month - 1 + sign * (12 * self.years + self.months)
        year = date.year + months // 12
        if not 1 <= year <= 9999:
            raise OverflowError(f"{date} {'+' if sign > 0 else '-'} {self} is outside the calendar")
        month = months % 12 + 1
        day = min(date.day, calendar.monthrange(year, month)[1])
        days = 7 * self.weeks + self.days + self.hours // 24
        try:
            return dt.date(year, month, day) + dt.timedelta(days=sign * days)
        except OverflowError:
            raise OverflowError(f"{date} {'+' if sign > 0 else '-'} {self} is outside the calendar") from None

    def separates(self, start: dt.date, end: dt.date) -> bool:
        """Whether ``end`` is at least this period after ``start`` (on the calendar).

        >>> Period.parse("P1M").separates(dt.date(2026, 1, 31), dt.date(2026, 2, 28))
        True
        >>> Period.parse("P30D").separates(dt.date(2026, 2, 1), dt.date(2026, 3, 2))
        False
        """
        try:
            return self.add_to(start) <= end
        except OverflowError:
            return False

    def parts(self) -> list[tuple[str, int]]:
        """The non-zero units, largest first, e.g. ``[("years", 1), ("months", 6)]``."""
        return [(unit, getattr(self, unit)) for unit in UNITS if getattr(self, unit)]

    @property
    def shortest_days(self) -> float:
        """The fewest days it can span: a year of 365 days, a month of 28 ("P1M" from 31 January).

        >>> Period.parse("P1M").shortest_days, Period.parse("P30D").shortest_days
        (28.0, 30.0)
        """
        return self.years * 365 + self.months * 28 + self.weeks * 7 + self.days + self.hours / 24

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
