"""The publishing workflows' schedules, read for rule C10 (the site is built in the first
hour of every day in its time zone, so each version takes effect on its day).

``legalgen init`` writes the publishing workflow's schedule for ``site.timezone`` (00:05
there, a cron hour for each UTC offset of the year). :func:`late_builds` reads the project's
workflows in ``.github/workflows/`` that build the site (a step runs ``legalgen build``, on
push or on a schedule) and finds those whose daily runs, on some day of the year, all fall
outside the first hour of the day there. Only GitHub's cron syntax for every day is read
(minute and hour: numbers, lists, ranges, steps, ``*``); an entry for some days of the week
or month does not build every day and is not counted.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from legalgen.check import Finding
from legalgen.check.workflows import Workflow, get, items, workflows
from legalgen.diagnostics import Location

#: How soon after midnight a build makes the day's versions take effect.
WINDOW = dt.timedelta(hours=1)


@dataclass(frozen=True)
class _Cron:
    """A schedule entry: where it is, and (for one that runs every day) its times."""

    line: int
    col: int
    times: tuple[dt.time, ...] | None  # None: not every day, or not understood


def _values(field: str, low: int, high: int) -> set[int] | None:
    """The numbers a cron field names (``5``, ``1,2``, ``0-6``, ``*/15``, ``10-50/20``), None if not understood."""
    values: set[int] = set()
    for part in field.split(","):
        base, slash, step_text = part.partition("/")
        if slash and not step_text.isdigit():
            return None
        step = int(step_text) if slash else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            if not (first.isdigit() and last.isdigit()):
                return None
            start, end = int(first), int(last)
        elif base.isdigit():
            start = int(base)
            end = high if slash else start
        else:
            return None
        if step < 1 or not low <= start <= end <= high:
            return None
        values.update(range(start, end + 1, step))
    return values


def daily_times(cron: str) -> tuple[dt.time, ...] | None:
    """The UTC times of day at which ``cron`` runs, if it runs every day; else None."""
    fields = cron.split()
    if len(fields) != 5 or fields[2:] != ["*", "*", "*"]:
        return None
    minutes, hours = _values(fields[0], 0, 59), _values(fields[1], 0, 23)
    if not minutes or not hours:
        return None
    return tuple(dt.time(hour, minute) for hour in sorted(hours) for minute in sorted(minutes))


def _publishing_schedule(workflow: Workflow) -> tuple[_Cron, ...] | None:
    """The schedule of ``workflow`` if it builds the site on a push or a schedule; None for
    any other workflow."""
    if not workflow.automatic or not any("legalgen build" in step.script for step in workflow.steps()):
        return None
    crons = []
    for entry in items(get(workflow.triggers, "schedule")):
        cron = get(entry, "cron")
        if isinstance(cron, yaml.ScalarNode):
            mark = cron.start_mark
            crons.append(_Cron(mark.line + 1, mark.column + 1, daily_times(cron.value)))
    return tuple(crons)


@functools.lru_cache(maxsize=256)
def _late_days(times: tuple[dt.time, ...], zone_name: str, year: int) -> tuple[dt.timedelta, ...]:
    """How long after midnight the first build runs, on each day of ``year`` it runs an hour
    or more after it in ``zone_name``."""
    zone = ZoneInfo(zone_name)
    year = min(max(year, dt.MINYEAR + 1), dt.MAXYEAR - 1)  # a day either side of the year must exist
    first = dt.date(year, 1, 1)
    days = (first + dt.timedelta(days=n) for n in range((dt.date(year + 1, 1, 1) - first).days))
    delays = (_first_build(times, dt.datetime.combine(day, dt.time(), zone)) for day in days)
    return tuple(delay for delay in delays if delay >= WINDOW)


def _first_build(times: tuple[dt.time, ...], midnight: dt.datetime) -> dt.timedelta:
    """How long after ``midnight`` (an aware time) the first of the daily UTC ``times`` runs."""
    start = midnight.astimezone(dt.UTC)
    runs = [dt.datetime.combine(start.date() + dt.timedelta(days=day), time, dt.UTC)
            for day in (0, 1) for time in times]
    return min(run - start for run in runs if run >= start)


def _local(times: tuple[dt.time, ...], day: dt.date, zone: ZoneInfo) -> str:
    moments = sorted(dt.datetime.combine(day, time, dt.UTC).astimezone(zone).time() for time in times)
    shown = [f"{moment:%H:%M}" for moment in moments]
    return " and ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)


def late_builds(folder: Path, zone_name: str, year: int) -> list[Finding]:
    """Every workflow in ``folder`` that builds the site but, on some day of ``year``, not
    within the first hour of the day in ``zone_name`` (or on no schedule at all), with the cron
    to use as its hint."""
    from legalgen.scaffold import build_crons

    zone = ZoneInfo(zone_name)
    hint = "build it daily just after midnight there: " + ", ".join(
        f'`cron: "{cron}"`' for cron in build_crons(zone_name, year))
    found = []
    for workflow in workflows(folder):
        crons = _publishing_schedule(workflow)
        if crons is None:
            continue
        triggers = workflow.on
        times = tuple(sorted({time for cron in crons for time in cron.times or ()}))
        if not times:
            found.append(Finding(f"{workflow.name} builds the site on no daily schedule: a version takes effect on the "
                                  "site only when something is pushed on or after its day", triggers, hint))
            continue
        late = _late_days(times, zone_name, year)
        if not late:
            continue
        cron = next(cron for cron in crons if cron.times)
        found.append(Finding(
            f"{workflow.name} builds the site at {_local(times, dt.date(year, 1, 15), zone)} in January and at "
            f"{_local(times, dt.date(year, 7, 15), zone)} in July, {zone_name} time (site.timezone): on {len(late)} "
            f"day(s) of {year} no build runs in the first hour of the day, so a version takes effect on the site up "
            f"to {max(late).total_seconds() / 3600:.0f} hour(s) after its day begins",
            Location(triggers.file, cron.line, cron.col), hint))
    return found
