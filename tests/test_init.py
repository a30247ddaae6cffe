"""`legalgen init`: a new project from answers or from the example, from the source tree and from a wheel."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.scaffold import DOCUMENTS, skeleton

from .conftest import REPO

OPTIONS = ["--company", "Beispiel GmbH", "--country", "DE", "--email", "hallo@beispiel.example",
           "--service", "Beispiel", "--url", "https://legal.beispiel.example", "--locales", "de,en"]


def _init(target: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["init", str(target), *args])


def test_a_new_project_states_only_the_answers(tmp_path: Path) -> None:
    result = _init(tmp_path, *OPTIONS)
    assert result.exit_code == 0, result.output
    site = (tmp_path / "policy" / "site.yaml").read_text(encoding="utf-8")
    for fact in ('name: "Beispiel GmbH"', 'email: "hallo@beispiel.example"', "locales: [de, en]",
                 "default_locale: de", "jurisdictions: [EU, DE]", 'base_url: "https://legal.beispiel.example/"',
                 'de: "Beispiel – Rechtliches"'):
        assert fact in site
    assert sorted(p.name for p in (tmp_path / "policy").iterdir()) == sorted(
        ["site.yaml", *(f"{d}.yaml" for d in DOCUMENTS)])
    assert not (tmp_path / "policy" / "versions").exists()
    for shared in ("mkdocs.yml", "overrides/main.html", "schema/site.schema.json", ".gitignore"):
        assert (tmp_path / shared).is_file()


def test_check_lists_the_decisions_still_open(tmp_path: Path) -> None:
    _init(tmp_path, *OPTIONS)
    result = CliRunner().invoke(main, ["check", "--root", str(tmp_path), "--no-group"])
    assert result.exit_code == 1
    found = set(re.findall(r": (?:error|warning) ([A-Z]\d\d) ", result.output))
    # what a company has to decide: its address and imprint facts, the legal bases, storage,
    # rights, authority, recipients, trackers, the right of withdrawal and the notice of changes
    assert found == {"G01", "I01", "G03", "G07", "G11", "G08", "G10", "G05", "K01", "R01", "R08", "R13", "C03"}
    diagnostics = [line for line in result.output.splitlines() if re.search(r": (error|warning) [A-Z]\d\d ", line)]
    hints = [line for line in result.output.splitlines() if line.strip().startswith("hint:")]
    assert len(hints) >= len(diagnostics)  # every decision comes with a hint


def test_only_the_chosen_documents(tmp_path: Path) -> None:
    assert _init(tmp_path, *OPTIONS, "--documents", "privacy,imprint").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "policy").iterdir()) == ["imprint.yaml", "privacy.yaml", "site.yaml"]


def test_without_a_terminal_every_missing_answer_is_named_at_once(tmp_path: Path) -> None:
    result = _init(tmp_path)
    assert result.exit_code == 2
    assert "give --company, --country, --email, --service and --url (there is no terminal to ask)" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("country", "extra", "zone"), [
    ("DE", [], "Europe/Berlin"), ("FR", [], "Europe/Paris"), ("AT", [], "Europe/Vienna"),
    ("RE", [], "Indian/Reunion"), ("US", ["--timezone", "America/Chicago"], "America/Chicago"),
    ("fr", ["--timezone", "Europe/Berlin"], "Europe/Berlin"),
])
def test_the_legal_today_is_the_time_zone_of_the_company(tmp_path: Path, country: str, extra: list[str],
                                                         zone: str) -> None:
    result = _init(tmp_path, *OPTIONS[:2], "--country", country, *OPTIONS[4:], *extra)
    assert result.exit_code == 0, result.output
    assert f"  timezone: {zone}  " in (tmp_path / "policy" / "site.yaml").read_text(encoding="utf-8")


def test_the_example_takes_no_answers(tmp_path: Path) -> None:
    result = _init(tmp_path, "--example", "--timezone", "Asia/Tokyo")
    assert result.exit_code == 2 and "--timezone would be ignored" in result.output and list(tmp_path.iterdir()) == []


def test_a_country_without_one_time_zone_needs_it_given(tmp_path: Path) -> None:
    asked = _init(tmp_path, *OPTIONS[:2], "--country", "US", *OPTIONS[4:])
    assert asked.exit_code == 2 and "give --timezone (there is no terminal to ask)" in asked.output
    for zone in ("Mars/Olympus", "posixrules"):  # posixrules: a file ZoneInfo reads, no zone site.yaml accepts
        wrong = _init(tmp_path, *OPTIONS[:2], "--country", "US", *OPTIONS[4:], "--timezone", zone)
        assert wrong.exit_code == 2 and f"'{zone}' is not an IANA time zone such as Europe/Paris" in wrong.output
    assert list(tmp_path.iterdir()) == []


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: mine\n", encoding="utf-8")
    result = _init(tmp_path, *OPTIONS)
    assert result.exit_code == 2 and "mkdocs.yml already exists; choose an empty folder" in result.output
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml"]  # nothing else written


def test_init_never_writes_through_a_link(tmp_path: Path) -> None:
    """A linked overrides/ (or policy/) would carry init's files into a folder elsewhere."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = tmp_path / "project"
    target.mkdir()
    (target / "overrides").symlink_to(elsewhere)
    result = _init(target, *OPTIONS)
    assert result.exit_code == 2 and "overrides is a link or a file" in result.output
    assert list(elsewhere.iterdir()) == [] and sorted(p.name for p in target.iterdir()) == ["overrides"]


@pytest.mark.parametrize(("args", "message"), [
    (["--company", "X"], "give --country"),
    ([*OPTIONS[:-1], "de,en,de"], "de is named twice"),
    ([*OPTIONS[:8], "--url", "javascript:alert(1)", *OPTIONS[10:]],
     "'javascript:alert(1)' is not an https:// or http:// address with a host"),
    ([*OPTIONS[:4], "--email", "Hallo <hallo@beispiel.example>", *OPTIONS[6:]], "is not an e-mail address"),
    (["--company", "Beispiel\tGmbH", *OPTIONS[2:]], "is not one line of text"),
    ([*OPTIONS[:2], "--country", "XX", *OPTIONS[4:]], "is not an ISO 3166-1 alpha-2 country code"),
    ([*OPTIONS, "--documents", "privacy,terms"], "choose from privacy, cookies, refund, imprint"),
    ([*OPTIONS[:-1], "en,pt"], "choose from en, de, fr"),
])
def test_missing_or_wrong_answers_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = _init(tmp_path, *args)
    assert result.exit_code == 2 and message in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_example_without_its_versions(tmp_path: Path) -> None:
    assert _init(tmp_path, "--example").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "policy").iterdir()) == sorted(
        p.name for p in (REPO / "policy").iterdir() if p.suffix == ".yaml")
    result = CliRunner().invoke(main, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 0 and "0 released version(s)" in result.output


def test_the_wheel_ships_every_file_init_copies() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    for path in sorted((REPO / "policy").glob("*.yaml")):
        assert f'"policy/{path.name}" = "legalgen/skeleton/policy/{path.name}"' in pyproject
    for shared in ("mkdocs.yml", "overrides", "schema"):
        assert f'"{shared}" = "legalgen/skeleton/{shared}"' in pyproject
    assert skeleton() == REPO  # from the source tree, the repository is the skeleton


@pytest.mark.slow
def test_init_and_build_from_an_installed_wheel(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(next(wheels.glob("legalgen-*.whl"))) as wheel:
        wheel.extractall(unpacked)
    project = tmp_path / "project"
    env = {**os.environ, "PYTHONPATH": str(unpacked)}

    def legalgen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "legalgen", *args], check=False, cwd=project, env=env, text=True,
                              capture_output=True, stdin=subprocess.DEVNULL)

    project.mkdir()
    where = subprocess.run([sys.executable, "-c", "import legalgen.scaffold as s; print(s.skeleton())"],
                           cwd=project, env=env, text=True, capture_output=True, check=True)
    assert where.stdout.strip() == str(unpacked / "legalgen" / "skeleton")
    assert legalgen("init", *OPTIONS).returncode == 0
    assert sorted(p.name for p in (project / ".github" / "workflows").iterdir()) == [
        "legal-check.yml", "legal-publish.yml"]
    built = legalgen("build")
    assert built.returncode == 0, built.stderr
    for locale in ("de", "en"):
        assert (project / "site" / locale / "privacy" / "index.html").is_file()
    assert "Beispiel GmbH" in (project / "site" / "de" / "imprint" / "index.html").read_text(encoding="utf-8")


def test_a_company_in_reunion_gets_the_french_jurisdiction() -> None:
    from legalgen.scaffold import Answers

    def answers(country: str) -> Answers:
        return Answers(company="Exemple SAS", country=country, email="contact@exemple.example", service="Exemple",
                       base_url="https://legal.exemple.example/")

    assert answers("RE").jurisdictions == ["EU", "FR"] and answers("AT").jurisdictions == ["EU"]
