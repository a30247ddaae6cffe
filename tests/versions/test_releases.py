"""`legalgen release`: freezing the current source of a document as its next version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.versions import releases

from ..check.helpers import PRIVACY, run
from ..conftest import copy_project, released_on


def _release(root: Path, published: str, effective: str) -> str:
    (root.parent / "summary.yaml").write_text("en: A change.\nde: Eine Änderung.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["release", "privacy", "--source", str(root), "--summary-file",
                                       str(root.parent / "summary.yaml"), "--published", published,
                                       "--effective", effective], env=released_on(published))
    return result.output


def test_a_release_that_fails_on_the_way_leaves_the_released_versions_as_they_were(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The version's files are written before the changelog and versions/index.yaml that name
    it: a disk that fills up half-way leaves no head pointing at a version that is not there."""
    run(tmp_path, privacy=PRIVACY)
    root = tmp_path / "source"
    assert "version 1" in _release(root, "2026-01-01", "2026-01-01")
    heads = {path: path.read_bytes() for path in (root / "versions" / "index.yaml",
                                                 root / "versions" / "privacy" / "changelog.yaml")}
    (root / "privacy.yaml").write_text(PRIVACY.replace("P30D", "P60D"), encoding="utf-8")
    written: list[str] = []
    real = releases.write_file

    def full_disk(path: Path, content: str | bytes) -> bool:
        if not path.is_relative_to(root):  # the copy the release is checked in first
            return real(path, content)
        if len(written) == 1:
            raise OSError(28, "No space left on device", str(path))
        written.append(path.name)
        return real(path, content)

    monkeypatch.setattr(releases, "write_file", full_disk)
    output = _release(root, "2026-02-01", "2026-04-02")  # the page now promises 60 days' notice
    assert "No space left on device" in output and "Traceback" not in output
    assert written and written[0] not in ("index.yaml", "changelog.yaml")
    assert {path: path.read_bytes() for path in heads} == heads
    # the version's folder it left is no release: check says so, and the next release does not write into it
    monkeypatch.setattr(releases, "write_file", real)
    leftover = root / "versions" / "privacy" / "2"
    assert leftover.is_dir()
    checked = CliRunner().invoke(main, ["check", "--source", str(root)], env=released_on("2026-02-01"))
    assert checked.exit_code == 1 and "error V014 privacy: folder 2 is not a version its changelog.yaml lists " \
        "(the last is version 1)" in checked.output, checked.output
    kept = {path: path.read_bytes() for path in leftover.rglob("*") if path.is_file()}
    assert "V014" in _release(root, "2026-02-01", "2026-04-02")
    assert {path: path.read_bytes() for path in leftover.rglob("*") if path.is_file()} == kept
    shutil.rmtree(leftover)
    assert "version 2" in _release(root, "2026-02-01", "2026-04-02")


def test_a_history_folder_without_a_changelog_is_no_release(tmp_path: Path) -> None:
    """The first release of a document that stopped before its changelog was written leaves
    only its version's folder: that is reported as such, not as an unreadable changelog."""
    run(tmp_path, privacy=PRIVACY)
    root = tmp_path / "source"
    (root / "versions" / "cookies" / "1").mkdir(parents=True)
    (root / "versions" / "cookies" / "1" / "en.md").write_text("Half a release.\n", encoding="utf-8")
    (root / "versions" / "notes").mkdir()
    (root / "versions" / "notes" / "README.md").write_text("Files alone are no version.\n", encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", "--source", str(root)], env=released_on("2026-02-01"))
    assert checked.exit_code == 1, checked.output
    found = [line for line in checked.output.splitlines() if " error " in line]
    assert len(found) == 1 and "error V014 cookies: no changelog.yaml, so no folder here is a released version" \
        in found[0], checked.output
    (root / "versions" / "cookies" / "changelog.yaml").write_text("document: cookies\nversions: []\n", encoding="utf-8")
    checked = CliRunner().invoke(main, ["check", "--source", str(root)], env=released_on("2026-02-01"))
    assert checked.exit_code == 1 and "error V014 cookies: folder 1 is not a version its changelog.yaml lists (it " \
        "lists none)" in checked.output, checked.output


def test_a_release_is_never_written_through_a_link_out_of_the_source(tmp_path: Path) -> None:
    run(tmp_path, privacy=PRIVACY)
    root, outside = tmp_path / "source", tmp_path / "outside"
    outside.mkdir()
    (root / "versions").symlink_to(outside)
    output = _release(root, "2026-01-01", "2026-01-01")
    assert "V002" in output and "outside the source folder" in output
    assert not any(outside.iterdir())


@pytest.mark.parametrize("setup", ["version folder", "document folder", "leftover", "changelog"])
def test_a_release_writes_nothing_through_a_link_or_into_a_leftover(tmp_path: Path, setup: str) -> None:
    """Below versions/, a linked document folder, version folder or changelog would send the
    release's files elsewhere; a leftover version folder would mix with the new version."""
    run(tmp_path, privacy=PRIVACY)
    root, outside = tmp_path / "source", tmp_path / "outside"
    assert "version 1" in _release(root, "2026-01-01", "2026-01-01")
    (root / "privacy.yaml").write_text(PRIVACY.replace("P30D", "P14D"), encoding="utf-8")
    outside.mkdir()
    (outside / "en.md").write_text("precious", encoding="utf-8")
    documents = root / "versions" / "privacy"
    if setup == "version folder":
        (documents / "2").symlink_to(outside)
    elif setup == "document folder":
        documents.rename(outside / "privacy")
        documents.symlink_to(outside / "privacy")
    elif setup == "leftover":
        (documents / "2").mkdir()
        (documents / "2" / "notes.txt").write_text("left", encoding="utf-8")
    else:
        (documents / "changelog.yaml").rename(outside / "changelog.yaml")
        (documents / "changelog.yaml").symlink_to(outside / "changelog.yaml")
    before = {path: path.read_bytes() for path in sorted(tmp_path.rglob("*")) if path.is_file()}
    output = _release(root, "2026-02-01", "2026-02-01")
    refused = "V014" if setup in ("version folder", "leftover") else "V002"  # the history, before the release
    assert refused in output and "released privacy version 2" not in output and "Traceback" not in output, output
    assert {path: path.read_bytes() for path in sorted(tmp_path.rglob("*")) if path.is_file()} == before
    if setup == "document folder":  # nor does anything read the versions from there
        checked = CliRunner().invoke(main, ["check", "--source", str(root), "--as-of", "2026-02-01"])
        assert checked.exit_code == 1 and "versions/privacy is a link to" in checked.output


IMPOSTOR = """\
kind: custom
id: notes
slug: privacy
title: {en: Notes, de: Notizen, fr: Notes}
blocks:
  - type: section
    id: hello
    title: {en: Hello, de: Hallo, fr: Bonjour}
    body: {en: IMPOSTOR, de: IMPOSTOR, fr: IMPOSTOR}
changes: {channels: [email, banner], advance_notice: P30D}
"""


def test_a_draft_cannot_take_the_path_a_released_document_publishes_at(tmp_path: Path) -> None:
    """The privacy notice is renamed in its draft, but its released versions still publish at
    privacy/: a new document there would replace the notice in force."""
    project = copy_project(tmp_path)
    privacy = project.source / "privacy.yaml"
    privacy.write_text(privacy.read_text(encoding="utf-8").replace("kind: privacy\n", "kind: privacy\nslug: datenschutz\n",
                                                                    1), encoding="utf-8")
    (project.source / "notes.yaml").write_text(IMPOSTOR, encoding="utf-8")
    for command in ("check", "build", "notices"):
        result = CliRunner().invoke(main, [command, "--root", str(tmp_path), "--as-of", "2026-11-24"])
        assert result.exit_code == 1, (command, result.output)
        assert ("notes.yaml:3:7: error S006 notes would be published at privacy/, where privacy is published "
                "(as released in version 10)") in result.output
    assert not (tmp_path / "site").exists()
    # with a path of its own, the new document is fine
    (project.source / "notes.yaml").write_text(IMPOSTOR.replace("slug: privacy", "slug: notes"), encoding="utf-8")
    assert CliRunner().invoke(main, ["check", "--root", str(tmp_path), "--as-of", "2026-11-24"]).exit_code == 0


def test_a_release_waits_for_the_project_lock(tmp_path: Path) -> None:
    """Two releases at once would both number their version after the same head (and one be
    lost); a release holds the lock builds and renders hold."""
    from legalgen.project import Project
    from legalgen.writer import exclusive_lock

    project = copy_project(tmp_path)
    (tmp_path / "summary.yaml").write_text("{en: A change., de: Eine Änderung., fr: Un changement.}\n",
                                           encoding="utf-8")
    privacy = project.source / "privacy.yaml"
    privacy.write_text(privacy.read_text(encoding="utf-8").replace("period: P8Y", "period: P7Y", 1), encoding="utf-8")
    index = (project.source / "versions" / "index.yaml").read_bytes()
    command = ["release", "privacy", "--root", str(tmp_path), "--summary-file", str(tmp_path / "summary.yaml"),
               "--effective", "2026-12-23"]
    with exclusive_lock(Project.at(tmp_path).lock_file, 1):
        result = CliRunner().invoke(main, command, env={**released_on("2026-11-24"), "LEGALGEN_LOCK_TIMEOUT": "0.3"})
    assert result.exit_code == 1
    assert "waiting for another legalgen command that writes this project" in result.output
    assert "holds the lock" in result.output and "(waited 0.3 s)" in result.output
    assert (project.source / "versions" / "index.yaml").read_bytes() == index
    assert not (project.source / "versions" / "privacy" / "11").exists()
    result = CliRunner().invoke(main, command, env=released_on("2026-11-24"))
    assert result.exit_code == 0 and "released privacy version 11" in result.output, result.output


def test_a_release_writes_nothing_that_reading_it_back_would_refuse(tmp_path: Path) -> None:
    """A summary that would grow the changelog past the file limit used to be released, then
    refused (S011) by every command after, the next release included."""
    run(tmp_path, privacy=PRIVACY)
    root = tmp_path / "source"
    (tmp_path / "summary.yaml").write_text(f"en: {'a' * 9950}\nde: {'b' * 9950}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["release", "privacy", "--source", str(root), "--summary-file",
                                       str(tmp_path / "summary.yaml"), "--effective", "2026-01-01"],
                                env={**released_on("2026-01-01"), "LEGALGEN_MAX_FILE_BYTES": "20000"})
    assert result.exit_code == 1
    assert "S011 privacy: its changelog would grow to" in result.output and "beyond the file limit of 20000" in result.output
    assert not (root / "versions").exists()


def test_a_version_of_too_many_or_too_large_files_is_refused_before_writing() -> None:
    from legalgen.diagnostics import Location
    from legalgen.source.reader import Limits
    from legalgen.versions.history import MAX_FROZEN_FILES, _beyond_limits

    here, limits = Location("policy/c.yaml", 1, 1), Limits(max_bytes=1000)
    many = {f"source/c{i:03d}.yaml": b"x" for i in range(MAX_FROZEN_FILES + 1)}
    assert [d.code for d in _beyond_limits("c", many, "", limits, here)] == ["V002"]
    assert [d.code for d in _beyond_limits("c", {"en.md": b"x" * 1001}, "", limits, here)] == ["S011"]
    assert [d.code for d in _beyond_limits("c", {f"{i}.md": b"x" * 1000 for i in range(11)}, "", limits,
                                           here)] == ["V002"]
    assert _beyond_limits("c", {"en.md": b"x" * 1000}, "y" * 1000, limits, here) == []
