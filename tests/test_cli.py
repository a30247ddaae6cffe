"""The command line: help for every command, exit codes, no tracebacks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main

from .conftest import REPO, copy_project
from .source.test_load import PRIVACY, write_source


@pytest.mark.parametrize("command", ["check", "render", "build", "release", "notices", "rules", "schema", "catalogs",
                                     "trace"])
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output and len(result.output.splitlines()) > 4


def test_python_dash_m() -> None:
    result = subprocess.run([sys.executable, "-m", "legalgen", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "check" in result.stdout and "build" in result.stdout


def test_check_clean_source_prints_one_summary_line() -> None:
    result = CliRunner().invoke(main, ["check", "--root", str(REPO)])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert re.fullmatch(
        r"policy: 4 document\(s\), 27 released version\(s\), 3 locale\(s\) \(en, de, fr\), \d+ page\(s\): no problems",
        lines[0],
    )


def test_check_reports_all_problems_and_exits_1(tmp_path: Path) -> None:
    text = PRIVACY.replace("legal_basis: contract", "legal_bases: contract").replace("P30D", "30d")
    root = write_source(tmp_path, privacy=text)
    result = CliRunner().invoke(main, ["check", "--source", str(root)])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if ": error " in line]
    assert len(lines) == 2
    assert lines[0].endswith("privacy.yaml:9:5: error S002 unknown key 'legal_bases' in purposes.0 (did you mean 'legal_basis'?)")
    assert ":12:15: error S005 " in lines[1]
    assert "Traceback" not in result.output


def test_check_github_annotations(tmp_path: Path) -> None:
    root = write_source(tmp_path, privacy=PRIVACY.replace("P30D", "30d"))
    result = CliRunner().invoke(main, ["check", "--source", str(root), "--format", "github"])
    assert result.exit_code == 1 and "::error file=" in result.stdout and ",line=12,col=15::S005" in result.stdout


def test_missing_source_directory_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--source", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "S010 policy source directory not found" in result.output


def test_schema_check_detects_stale_files(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["schema", "--check", "-o", str(tmp_path)]).exit_code == 1
    assert runner.invoke(main, ["schema", "-o", str(tmp_path)]).exit_code == 0
    assert runner.invoke(main, ["schema", "--check", "-o", str(tmp_path)]).exit_code == 0


@pytest.mark.slow
def test_build_with_no_arguments_at_the_project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert "built en, de, fr" in result.output
    assert (tmp_path / "site" / "de" / "privacy" / "index.html").is_file()
    assert (tmp_path / "site" / "index.html").is_file()


def test_build_without_base_config_explains(tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    write_source(tmp_path / "policy", privacy=PRIVACY)
    result = CliRunner().invoke(main, ["build", "--root", str(tmp_path)])
    assert result.exit_code == 1 and "no base config" in result.output


@pytest.mark.parametrize("text", ["- site_name: Legal\n", "Legal\n"])
def test_a_base_config_that_is_no_mapping_is_one_message_before_anything_is_written(tmp_path: Path, text: str) -> None:
    (tmp_path / "policy").mkdir()
    write_source(tmp_path / "policy", privacy=PRIVACY)
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(tmp_path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "mkdocs.yml: the MkDocs configuration must be a mapping of settings" in result.output
    assert not list(tmp_path.glob("mkdocs.*.yml")) and not (tmp_path / "site").exists()


def test_help_starts_without_loading_the_pipeline() -> None:
    """`legalgen --help` imports the command line only: not the model, templates or engines."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "legalgen", "--help"], capture_output=True,
                            text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "legalgen.cli" in imported
    assert not imported & {"legalgen.source.model", "legalgen.source.load", "legalgen.render.pages", "jinja2", "mkdocs", "pydantic"}


@pytest.mark.parametrize("epoch", ["soon", "99999999999999999999"])
@pytest.mark.parametrize("command", ["build", "render", "check"])
def test_a_bad_source_date_epoch_is_one_clean_error(tmp_path: Path, command: str, epoch: str) -> None:
    project = copy_project(tmp_path)
    result = CliRunner().invoke(main, [command, "--root", str(project.root)], env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 1, result.output
    assert "SOURCE_DATE_EPOCH must be a number of seconds" in result.output
    assert not isinstance(result.exception, (ValueError, OverflowError))


@pytest.mark.parametrize("target", ["policy/site.yaml", "mkdocs.yml", "policy/versions/index.yaml", "overrides/x.md",
                                    "fifo", "/dev/null"])
def test_an_output_option_never_replaces_the_project_s_files_or_anything_but_a_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    """`rules -o` and `schema -o` refuse the source, its versions, overrides and the base config,
    and anything that is not a regular file (a pipe would block, a device would be replaced)."""
    import os

    project = copy_project(tmp_path)
    monkeypatch.chdir(project.root)
    if target == "fifo":
        os.mkfifo(target)
    before = Path(target).read_bytes() if Path(target).is_file() else None
    result = CliRunner().invoke(main, ["rules", "-o", target])
    assert result.exit_code == 2 and "refusing to write" in result.output, result.output
    assert before is None or Path(target).read_bytes() == before
    result = CliRunner().invoke(main, ["schema", "-o", "policy/versions"])
    assert result.exit_code == 2 and "the released versions folder" in result.output
    assert not list(Path("policy/versions").glob("*.schema.json"))


def test_a_failing_file_operation_is_one_message(tmp_path: Path) -> None:
    """An error of the operating system (here a folder name too long) is one line, not a traceback."""
    result = CliRunner().invoke(main, ["check", "--root", str(tmp_path), "-s", str(tmp_path / ("a" * 300))])
    assert result.exit_code == 1 and "File name too long" in result.output and "Traceback" not in result.output
