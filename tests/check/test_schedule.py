"""C10: the publishing workflow builds the site in the first hour of every day in the site's time zone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.check.schedule import daily_times, late_builds
from legalgen.cli import main
from legalgen.scaffold import Answers, build_crons, write

PUBLISH = """\
name: Publish
on:
  push:
    branches: [main]
  schedule:
{crons}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: legalgen build
"""


def _workflows(tmp_path: Path, *crons: str, text: str = PUBLISH, name: str = "publish.yml") -> Path:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text.format(crons="\n".join(f'    - cron: "{c}"' for c in crons)), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("cron", "times"), [
    ("5 22,23 * * *", ["22:05", "23:05"]),
    ("*/30 0-1 * * *", ["00:00", "00:30", "01:00", "01:30"]),
    ("0 10-20/5 * * *", ["10:00", "15:00", "20:00"]),
    ("5 4/10 * * *", ["04:05", "14:05"]),
    ("5 22 * * 1-5", None),  # weekdays only: not every day
    ("5 24 * * *", None), ("5 x * * *", None), ("5 22 * *", None), ("5 1-0 * * *", None), ("*/0 1 * * *", None),
])
def test_cron_times(cron: str, times: list[str] | None) -> None:
    found = daily_times(cron)
    assert (None if found is None else [f"{t:%H:%M}" for t in found]) == times


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Chicago", "Asia/Kolkata", "Australia/Sydney",
                                  "Pacific/Chatham", "America/St_Johns"])
def test_what_init_writes_builds_every_day_in_the_first_hour(tmp_path: Path, zone: str) -> None:
    for year in (2026, 2027):
        assert late_builds(_workflows(tmp_path, *build_crons(zone, year)), zone, year) == []


def test_a_time_zone_changed_after_init_is_reported_at_the_cron(tmp_path: Path) -> None:
    [late] = late_builds(_workflows(tmp_path, "5 22,23 * * *"), "America/Chicago", 2026)
    assert late.message == (
        "publish.yml builds the site at 16:05 and 17:05 in January and at 17:05 and 18:05 in July, America/Chicago "
        "time (site.timezone): on 365 day(s) of 2026 no build runs in the first hour of the day, so a version takes "
        "effect on the site up to 17 hour(s) after its day begins")
    assert (late.location.line, late.location.col) == (6, 13) and late.location.file.endswith("publish.yml")
    assert late.hint == 'build it daily just after midnight there: `cron: "5 5,6 * * *"`'


def test_one_offset_only_is_late_on_the_days_of_the_other(tmp_path: Path) -> None:
    """23:05 UTC is 00:05 in Berlin in winter, 01:05 in summer (March 29 to October 24, 2026)."""
    [late] = late_builds(_workflows(tmp_path, "5 23 * * *"), "Europe/Berlin", 2026)
    summer = (dt.date(2026, 10, 25) - dt.date(2026, 3, 29)).days
    assert f"on {summer} day(s) of 2026" in late.message and "up to 1 hour(s)" in late.message


def test_a_build_on_push_only_is_reported(tmp_path: Path) -> None:
    text = PUBLISH.replace("  schedule:\n{crons}\n", "")
    [late] = late_builds(_workflows(tmp_path, text=text), "Europe/Berlin", 2026)
    assert "builds the site on no daily schedule" in late.message and late.location.line == 2


@pytest.mark.parametrize("text", [
    PUBLISH.replace("legalgen build", "legalgen check"),  # builds nothing
    PUBLISH.replace("  push:\n    branches: [main]\n  schedule:\n{crons}\n", "  pull_request:\n"),  # a preview
    "on: [push\n",  # not YAML: GitHub reports it
    "- a list\n",
    "on: push\njobs: [1]\n",
    "on: push\njobs: " + "[" * 5000 + "]" * 5000 + "\n",  # deeper than Python's recursion allows
    "on: push\njobs:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 3000)),
])
def test_other_workflows_are_not_read_as_publishing(tmp_path: Path, text: str) -> None:
    assert late_builds(_workflows(tmp_path, "5 12 * * *", text=text), "Europe/Berlin", 2026) == []


def test_check_reports_c10_for_the_project(tmp_path: Path) -> None:
    answers = Answers("A GmbH", "DE", "a@a.example", "A", "https://a.example/", timezone="Europe/Berlin")
    write(tmp_path, answers)  # what init writes
    runner = CliRunner()
    assert "C10" not in runner.invoke(main, ["check", "--root", str(tmp_path)]).output
    site = tmp_path / "policy" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("Europe/Berlin", "Asia/Tokyo"), encoding="utf-8")
    moved = runner.invoke(main, ["check", "--root", str(tmp_path), "--as-of", "2026-11-24"])
    assert ".github/workflows/legal-publish.yml:" in moved.output and "warning C10 legal-publish.yml builds the " \
        "site at 07:05 and 08:05 in January" in moved.output, moved.output
    assert 'cron: "5 15 * * *"' in moved.output
    coverage = runner.invoke(main, ["check", "--root", str(tmp_path), "--coverage"])
    assert "C10" in coverage.output


@pytest.mark.parametrize("year", [1, 9999])
def test_the_first_and_last_years_a_date_can_have_are_judged_too(tmp_path: Path, year: int) -> None:
    """--as-of 0001-01-01 or 9999-12-31: the days around the year are not there to compute with."""
    [late] = late_builds(_workflows(tmp_path, "5 22,23 * * *"), "America/Chicago", year)
    assert "no build runs in the first hour of the day" in late.message
