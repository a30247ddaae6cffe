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

from legalgen.diagnostics import Location, display_path

#: How soon after midnight a build makes the day's versions take effect.
WINDOW = dt.timedelta(hours=1)
#: A workflow file larger than this is not read (the check never reads without bound).
_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class _Cron:
    """A schedule entry: its text, where it is, and (for one that runs every day) its times."""

    text: str
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


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key),
                None)


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _publishing_schedule(path: Path) -> tuple[tuple[_Cron, ...], Location] | None:
    """The schedule of the workflow at ``path`` and where its triggers are, if it builds the
    site on a push or a schedule; None for any other workflow, or one that cannot be read.
    Read once per state of the file (``check --brands`` asks for every brand)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return _read_schedule(path, status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=64)
def _read_schedule(path: Path, _mtime: int, size: int) -> tuple[tuple[_Cron, ...], Location] | None:
    try:
        if size > _MAX_BYTES:
            return None
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # GitHub reports a broken workflow; it builds nothing
    jobs = _get(root, "jobs")
    builds = isinstance(jobs, yaml.MappingNode) and any(
        isinstance(run, yaml.ScalarNode) and "legalgen build" in run.value
        for _, job in jobs.value for step in _items(_get(job, "steps")) for run in [_get(step, "run")])
    triggers = _get(root, "on")
    if not builds or triggers is None:
        return None
    names = ({triggers.value} if isinstance(triggers, yaml.ScalarNode)
             else {item.value for item in _items(triggers) if isinstance(item, yaml.ScalarNode)}
             if isinstance(triggers, yaml.SequenceNode)
             else {name.value for name, _ in triggers.value} if isinstance(triggers, yaml.MappingNode) else set())
    if not names & {"push", "schedule"}:
        return None
    crons = []
    for entry in _items(_get(triggers, "schedule")):
        cron = _get(entry, "cron")
        if isinstance(cron, yaml.ScalarNode):
            mark = cron.start_mark
            crons.append(_Cron(cron.value, mark.line + 1, mark.column + 1, daily_times(cron.value)))
    assert isinstance(root, yaml.MappingNode)  # it has triggers
    mark = next(name for name, value in root.value if value is triggers).start_mark  # the key `on:`
    return tuple(crons), Location(display_path(path), mark.line + 1, mark.column + 1)


@functools.lru_cache(maxsize=256)
def _late_days(times: tuple[dt.time, ...], zone_name: str, year: int) -> tuple[dt.timedelta, ...]:
    """How long after midnight the first build runs, on each day of ``year`` it runs an hour
    or more after it in ``zone_name``."""
    zone = ZoneInfo(zone_name)
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


@dataclass(frozen=True)
class LateBuild:
    """A workflow that builds the site late on some days: what to say, where, and the cron to use."""

    message: str
    location: Location
    hint: str


def late_builds(folder: Path, zone_name: str, year: int) -> list[LateBuild]:
    """Every workflow in ``folder`` that builds the site but, on some day of ``year``, not
    within the first hour of the day in ``zone_name`` (or on no schedule at all)."""
    from legalgen.scaffold import build_crons

    zone = ZoneInfo(zone_name)
    hint = "build it daily just after midnight there: " + ", ".join(
        f'`cron: "{cron}"`' for cron in build_crons(zone_name, year))
    found = []
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
        workflow = _publishing_schedule(path)
        if workflow is None:
            continue
        crons, triggers = workflow
        times = tuple(sorted({time for cron in crons for time in cron.times or ()}))
        if not times:
            found.append(LateBuild(f"{path.name} builds the site on no daily schedule: a version takes effect on the "
                                   "site only when something is pushed on or after its day", triggers, hint))
            continue
        late = _late_days(times, zone_name, year)
        if not late:
            continue
        cron = next(cron for cron in crons if cron.times)
        found.append(LateBuild(
            f"{path.name} builds the site at {_local(times, dt.date(year, 1, 15), zone)} in January and at "
            f"{_local(times, dt.date(year, 7, 15), zone)} in July, {zone_name} time (site.timezone): on {len(late)} "
            f"day(s) of {year} no build runs in the first hour of the day, so a version takes effect on the site up "
            f"to {max(late).total_seconds() / 3600:.0f} hour(s) after its day begins",
            Location(triggers.file, cron.line, cron.col), hint))
    return found
