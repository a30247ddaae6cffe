"""The legal "today": SOURCE_DATE_EPOCH moves the as-of date of what is built, never the day
of an act (a release's publication, the last day notices are sent for)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from legalgen import clock
from legalgen.cli import main

from .check.helpers import PRIVACY, run
from .conftest import REPO, released_on

#: The machine's clock in these tests: noon UTC on 2026-11-24.
MACHINE = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)


@pytest.fixture
def machine_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's clock stands at :data:`MACHINE`, whatever SOURCE_DATE_EPOCH says."""
    monkeypatch.setattr(clock, "wall_now", lambda: MACHINE)


def test_the_wall_clock_ignores_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the tests' own hook (conftest) off: the clock as legalgen runs anywhere else
    monkeypatch.setenv("SOURCE_DATE_EPOCH", released_on("2020-01-01")["SOURCE_DATE_EPOCH"])
    assert clock.today("Europe/Berlin") == dt.date(2020, 1, 1)
    assert clock.wall_today("Europe/Berlin") >= dt.date(2026, 1, 1)


def _release(root: Path, *args: str) -> str:
    summary = root.parent / "summary.yaml"
    summary.write_text("en: A change.\nde: Eine Änderung.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["release", "privacy", "--source", str(root), "--summary-file", str(summary),
                                       "--effective", "2027-01-15", *args], env=released_on("2026-11-01"))
    return result.output


@pytest.mark.usefixtures("machine_clock")
def test_a_release_is_published_on_the_machines_day_not_the_environments(tmp_path: Path) -> None:
    """A build environment that sets SOURCE_DATE_EPOCH to an older commit's time does not date
    a release back: the release is published on the machine's day."""
    run(tmp_path, privacy=PRIVACY)
    root = tmp_path / "source"
    output = _release(root)
    assert "published 2026-11-24" in output, output
    changelog = yaml.safe_load((root / "versions" / "privacy" / "changelog.yaml").read_text(encoding="utf-8"))
    [entry] = changelog["versions"]
    assert str(entry["published"]) == "2026-11-24" and "backdate_reason" not in entry


@pytest.mark.usefixtures("machine_clock")
def test_a_publication_day_before_the_machines_needs_a_reason_whatever_the_environment_says(tmp_path: Path) -> None:
    run(tmp_path, privacy=PRIVACY)
    root = tmp_path / "source"
    output = _release(root, "--published", "2026-11-01")
    assert "C07" in output and "lies before today (2026-11-24)" in output, output
    assert not (root / "versions").exists()
    assert "published 2026-11-01" in _release(root, "--published", "2026-11-01", "--backdate-reason",
                                               "published on the intranet first")


@pytest.mark.usefixtures("machine_clock")
def test_send_refuses_an_environment_day_ahead_of_the_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", released_on("2026-12-02")["SOURCE_DATE_EPOCH"])
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("email,locale\nanna@example.org,de\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["notices", "--root", str(REPO), "--output", str(tmp_path / "out"), "--send",
                                       "--recipients", str(recipients)])
    assert result.exit_code == 1, result.output
    assert "(2026-11-24 in Europe/Berlin, by this machine's clock); SOURCE_DATE_EPOCH's day 2026-12-02 lies ahead" \
        in result.output.replace("\n", " ")
    assert not (tmp_path / "out").exists()
