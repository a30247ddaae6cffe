"""No file name or source value becomes a line of its own in terminal or CI-log output.

A CI runner acts on lines such as ``::warning::...`` in a job's output, and a terminal on
escape sequences. File names (which a pull request chooses) and source values reach the
text output of ``check``, ``diff``, ``trace`` and every error message; their control
characters are written as escapes (``\\n``, ``\\x1b``), never as themselves.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.diagnostics import Diagnostic, Location, printable, printable_lines
from legalgen.report import text as report_text

from ..brandgen import base_project

FORGED = "p\n::warning::forged\x1b[31m\u202e.yaml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The example without its versions; ``old/`` is a copy of its source."""
    base_project(tmp_path)
    shutil.copytree(tmp_path / "policy", tmp_path / "old")
    return tmp_path


def _safe(output: str) -> None:
    assert not [line for line in output.splitlines() if line.lstrip().startswith("::")], output
    assert not {"\x1b", "\r", "\u202e"} & set(output), output


@pytest.mark.parametrize(("value", "shown"), [
    ("a\nb", "a\\nb"), ("\x1b[31m", "\\x1b[31m"), ("x\ry", "x\\ry"), ("\u2028", "\\u2028"), ("\u202e", "\\u202e"),
    ("\x85", "\\x85"), ("tab\tstays, ümlaut too", "tab\tstays, ümlaut too"),
])
def test_printable_escapes_what_a_terminal_would_act_on(value: str, shown: str) -> None:
    assert printable(value) == shown
    assert printable_lines(f"{value}\nnext") == (f"{value}\nnext" if value == "a\nb" else f"{shown}\nnext")


def test_a_file_name_cannot_forge_a_finding(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    shutil.copy(project / "policy" / "imprint.yaml", project / "policy" / FORGED)  # a second imprint: S006
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 1
    _safe(result.output)
    assert "(the first is policy/imprint.yaml)" in result.output or "p\\n::warning::forged" in result.output
    assert "policy/p\\n::warning::forged\\x1b[31m\\u202e.yaml" in result.output


def test_grouped_findings_and_hints_are_escaped() -> None:
    from types import SimpleNamespace

    from legalgen import report

    rule = SimpleNamespace(summary="A rule.", source="Art. 1")
    points = [Diagnostic("G01", f"value {FORGED}", Location(FORGED, line, 1), hint=FORGED) for line in (3, 4)]
    output = report_text(report.group(points, {"G01": rule}))
    _safe(output)
    assert output.count("p\\n::warning::forged") == 6  # the group's place, two places with their messages, the hint
    assert len(output.splitlines()) == 4


def test_diff_text_names_a_file_on_its_line(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    privacy = project / "policy" / "privacy.yaml"
    privacy.rename(project / "policy" / FORGED)
    forged = project / "policy" / FORGED
    forged.write_text(forged.read_text(encoding="utf-8").replace("period: P8Y", "period: P7Y", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "./old", "./policy", "--root", str(project)])
    assert result.exit_code == 0, result.output
    _safe(result.output)
    assert "shorter storage: P8Y to P7Y [editorial] (policy/p\\n::warning::forged" in result.output


def test_error_messages_escape_the_names_in_them(project: Path) -> None:
    result = CliRunner().invoke(main, ["render", "--root", str(project), "--source", str(project / "no\n::error::x")])
    assert result.exit_code == 1
    _safe(result.output)
    assert "no\\n::error::x" in result.output
