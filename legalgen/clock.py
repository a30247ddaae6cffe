"""The one place legalgen asks what day it is.

Builds are a pure function of (source, as-of date). The as-of date defaults to today in
the site's legal time zone; with ``SOURCE_DATE_EPOCH`` set (reproducible builds), "today"
is that instant instead of the wall clock.

An act is dated by the machine's clock alone (:func:`wall_today`): a release's publication
day and the latest day ``notices --send`` delivers for. Build environments set
``SOURCE_DATE_EPOCH`` on their own, often to the last commit's time; a release made there
would otherwise be dated back without a reason, and C07 would never hear of it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from legalgen.diagnostics import BuildError


def now(environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The current instant in UTC, or ``SOURCE_DATE_EPOCH`` when it is set."""
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise BuildError(f"SOURCE_DATE_EPOCH must be a number of seconds since 1970-01-01 UTC "
                             f"before the year 10000, not {epoch[:40]!r}") from None
    return dt.datetime.now(dt.UTC)


def wall_now() -> dt.datetime:
    """The current instant in UTC by the machine's clock, whatever ``SOURCE_DATE_EPOCH`` says."""
    return dt.datetime.now(dt.UTC)


def wall_today(timezone: str) -> dt.date:
    """Today's date in ``timezone`` by the machine's clock: the day of an act."""
    return wall_now().astimezone(ZoneInfo(timezone)).date()


def today(timezone: str, environ: Mapping[str, str] | None = None) -> dt.date:
    """Today's date in ``timezone`` (an IANA name such as Europe/Berlin)."""
    return now(environ).astimezone(ZoneInfo(timezone)).date()
