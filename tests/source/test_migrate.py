"""Source formats: an older source is refused until migrated, frozen ones are read in their own format."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.diagnostics import SourceError
from legalgen.render.pages import render_document
from legalgen.source.load import load_policy
from legalgen.source.migrate import FORMAT

from ..conftest import REPO, copy_project

#: A format-1 source: no `format`, and the defaults of format 1 made its commitments.
SITE_1 = """\
# The site of a format-1 source.
site:
  name: Old Legal
  base_url: https://legal.old.example/
  locales: [en, de]
  default_locale: en
company:
  name: Old GmbH
  email: hello@old.example   # kept by the migration
"""
PRIVACY_1 = """\
kind: privacy
data_categories:
  - {id: contact, type: email}
  - id: usage
    type: usage
    source: automatic
purposes:
  - id: service
    type: service_provision
    legal_basis: contract
    data: [contact, usage]
    retention: {period: P1Y}
rights:
  granted: [access, erasure]
  email: privacy@old.example
breach: {}
"""
COOKIES_1 = """\
kind: cookies
trackers: []
"""


@pytest.fixture
def old(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    for name, text in {"site.yaml": SITE_1, "privacy.yaml": PRIVACY_1, "cookies.yaml": COOKIES_1}.items():
        (source / name).write_text(text, encoding="utf-8")
    return source


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_current_source_must_state_the_current_format(old: Path) -> None:
    with pytest.raises(SourceError) as raised:
        load_policy(old)
    [problem] = raised.value.diagnostics
    assert (problem.code, problem.location.line) == ("S012", 2)
    assert "legalgen migrate" in (problem.hint or "")


def test_frozen_source_is_read_in_its_own_format(old: Path) -> None:
    privacy = load_policy(old, frozen=True).policy.document("privacy")
    assert str(privacy.rights.response_time) == "P1M"
    assert (str(privacy.breach.authority_within), privacy.breach.notify_data_subjects) == ("PT72H", True)
    assert [c.source for c in privacy.data_categories] == ["data_subject", "automatic"]
    assert load_policy(old, frozen=True).policy.document("cookies").browser_controls is True
    assert (old / "privacy.yaml").read_text(encoding="utf-8") == PRIVACY_1  # read, never rewritten


def test_dry_run_writes_nothing(old: Path) -> None:
    before = _snapshot(old)
    result = CliRunner().invoke(main, ["migrate", "--source", str(old), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "privacy.yaml:14:3: rights.response_time: \"P1M\" (format 1 promised an answer within one month" \
        in result.output
    assert "privacy.yaml:16:9: breach.authority_within: \"PT72H\"" in result.output
    assert "8 change(s) to make; nothing written" in result.output
    assert _snapshot(old) == before


def test_migration_keeps_what_the_pages_said_and_the_file_layout(old: Path) -> None:
    said = render_document(load_policy(old, frozen=True), "privacy", "en")
    result = CliRunner().invoke(main, ["migrate", "--source", str(old)])
    assert result.exit_code == 0, result.output
    assert "migrated 3 file(s): cookies.yaml, privacy.yaml, site.yaml" in result.output
    migrated = load_policy(old)
    assert render_document(migrated, "privacy", "en") == said
    assert "We answer within 1 month" in said or "We answer within one month" in said
    site = (old / "site.yaml").read_text(encoding="utf-8")
    assert site.startswith("# The site of a format-1 source.\n") and f"\nformat: {FORMAT}\n" in site
    assert "email: hello@old.example   # kept by the migration" in site
    privacy = (old / "privacy.yaml").read_text(encoding="utf-8")
    assert "  - {id: contact, type: email, source: data_subject}\n" in privacy
    assert "breach:\n  authority_within: PT72H\n  notify_data_subjects: true\n" in privacy
    kept = [line for line in PRIVACY_1.splitlines() if line not in ("  - {id: contact, type: email}", "breach: {}")]
    assert [line for line in privacy.splitlines() if line in kept] == kept  # the rest only gains lines
    again = CliRunner().invoke(main, ["migrate", "--source", str(old)])
    assert again.exit_code == 0 and "nothing to migrate" in again.output


def test_migration_keeps_windows_line_ends(old: Path) -> None:
    """A source written on Windows stays CRLF, so the migration's diff shows only its edits."""
    for path in old.iterdir():
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = CliRunner().invoke(main, ["migrate", "--source", str(old)])
    assert result.exit_code == 0, result.output
    site = (old / "site.yaml").read_bytes()
    assert site.count(b"\n") == site.count(b"\r\n") and f"\r\nformat: {FORMAT}\r\n".encode() in site
    assert site.replace(b"\r\n", b"\n").replace(f"format: {FORMAT}\n".encode(), b"") == SITE_1.encode()
    load_policy(old)


def test_a_file_with_line_ends_of_two_kinds_is_left_alone(old: Path) -> None:
    (old / "site.yaml").write_bytes(SITE_1.encode().replace(b"\n", b"\r\n", 3).replace(b"\n  name", b"\r  name"))
    before = _snapshot(old)
    result = CliRunner().invoke(main, ["migrate", "--source", str(old)])
    assert result.exit_code == 1 and "its layout cannot be kept" in result.output
    assert _snapshot(old) == before


def test_a_layout_that_cannot_be_kept_is_left_alone(old: Path) -> None:
    (old / "privacy.yaml").write_text(PRIVACY_1.replace("  granted: [access, erasure]\n  email: privacy@old.example\n",
                                                        "   granted: [access, erasure]\n   email: privacy@old.example\n"),
                                      encoding="utf-8")
    before = _snapshot(old)
    result = CliRunner().invoke(main, ["migrate", "--source", str(old)])
    assert result.exit_code == 1 and "its layout cannot be kept" in result.output
    assert "rights.response_time" in result.output  # the changes to make by hand are listed
    assert _snapshot(old) == before


def test_a_linked_file_is_read_inside_the_folder_only_and_never_rewritten(old: Path, tmp_path: Path) -> None:
    """A link inside the source folder is read but not rewritten (the file it leads to may serve
    another source); a link out of the folder is not even read, as everywhere else."""
    shared = old / "shared-privacy.yml.txt"
    (old / "privacy.yaml").rename(shared)
    (old / "privacy.yaml").symlink_to(shared.name)
    before = _snapshot(old)
    result = CliRunner().invoke(main, ["migrate", "--source", str(old)])
    assert result.exit_code == 1, result.output
    assert "privacy.yaml: a link, which migrate does not rewrite" in result.output
    assert "rights.response_time" in result.output and "Traceback" not in result.output
    assert _snapshot(old) == before
    outside = tmp_path / "outside.yaml"
    shared.rename(outside)
    (old / "privacy.yaml").unlink()
    (old / "privacy.yaml").symlink_to(outside)
    result = CliRunner().invoke(main, ["migrate", "--source", str(old)])
    assert result.exit_code == 1 and "error S001 a link to " in result.output and "outside the source folder" \
        in result.output


@pytest.mark.parametrize(("value", "code"), [("4", "S012"), ("two", "S003"), ("0", "S003")])
def test_unreadable_or_newer_format(old: Path, value: str, code: str) -> None:
    (old / "site.yaml").write_text(f"format: {value}\n" + SITE_1, encoding="utf-8")
    with pytest.raises(SourceError) as raised:
        load_policy(old)
    assert [(d.code, d.location.line) for d in raised.value.diagnostics] == [(code, 1)]
    result = CliRunner().invoke(main, ["migrate", "--source", str(old)])
    assert result.exit_code == 1 and (code in result.output or "format" in result.output)


def test_released_versions_are_never_touched(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    site = project.source / "site.yaml"
    site.write_text("".join(line for line in site.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("format:")), encoding="utf-8")
    versions = _snapshot(project.source / "versions")
    result = CliRunner().invoke(main, ["migrate", "--root", str(project.root)])
    assert result.exit_code == 0, result.output
    assert _snapshot(project.source / "versions") == versions
    checked = CliRunner().invoke(main, ["check", "--root", str(project.root), "--as-of", "2026-11-22"])
    assert "V00" not in checked.output and "S012" not in checked.output, checked.output


def test_repository_sources_are_current() -> None:
    for site in [REPO / "policy" / "site.yaml", *sorted((REPO / "examples").glob("*/site.yaml"))]:
        assert f"\nformat: {FORMAT}" in site.read_text(encoding="utf-8"), site


@pytest.mark.parametrize("site", ["- a\n- b\n", "just text\n", "{}\n"])
def test_a_site_file_that_is_no_mapping_is_one_diagnostic(old: Path, site: str) -> None:
    (old / "site.yaml").write_text(site, encoding="utf-8")
    result = CliRunner().invoke(main, ["migrate", "--source", str(old)])
    assert "Traceback" not in result.output and not isinstance(result.exception, TypeError)
    if site != "{}\n":
        assert result.exit_code == 1 and "error S003 site.yaml must be a mapping" in result.output
    with pytest.raises(SourceError):
        load_policy(old, frozen=True)


def test_format_2_states_its_implied_facts_as_values_and_keeps_the_layout(tmp_path: Path) -> None:
    """Format 2 wrote the withdrawal information for services when no contract was stated,
    reserved the Art. 12(3) extension with an answer within one month, and said the service
    is not directed at children under the minimum age; format 3 says each only with its
    field, so the migration writes them out, and the pages say what they said."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "site.yaml").write_text(SITE_1.replace("# The site of a format-1 source.\n", "format: 2\n"),
                                      encoding="utf-8")
    (source / "privacy.yaml").write_text(
        "kind: privacy\ndata_categories: [{id: contact, type: email}]\n"
        "purposes: [{id: service, type: service_provision, data: [contact]}]\n"
        "rights:\n  granted: [access]\n  response_time: P1M\n\n"
        "children:\n  minimum_age: 16\n\n# the end\n", encoding="utf-8")
    (source / "refund.yaml").write_text("kind: refund\nrequest: {}\nwithdrawal:\n  period: P14D\n", encoding="utf-8")
    said = {kind: render_document(load_policy(source, frozen=True), kind, "en") for kind in ("privacy", "refund")}
    assert "not directed at children under 16" in said["privacy"] and "two further months" in said["privacy"]
    assert "from the day of the conclusion of the contract" in said["refund"]
    result = CliRunner().invoke(main, ["migrate", "--source", str(source)])
    assert result.exit_code == 0, result.output
    assert "privacy.yaml:5:3: rights.extension: true" in result.output
    assert "refund.yaml:4:3: withdrawal.contract: \"services\"" in result.output, result.output
    privacy = (source / "privacy.yaml").read_text(encoding="utf-8")
    # each key joins its mapping before the blank line that ends it
    assert "  response_time: P1M\n  extension: true\n\nchildren:\n  minimum_age: 16\n  not_directed: true\n\n# the end" \
        in privacy
    assert (source / "refund.yaml").read_text(encoding="utf-8").endswith("  period: P14D\n  contract: services\n")
    migrated = load_policy(source)
    assert {kind: render_document(migrated, kind, "en") for kind in said} == said
