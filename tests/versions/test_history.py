"""Releases: selection as of a date, immutability, the release command, reproducible builds."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.diagnostics import SourceError
from legalgen.render.pages import render_pages
from legalgen.render.renderer import LocaleRenderer
from legalgen.source.load import load_policy
from legalgen.versions.history import History, load_history, select
from legalgen.versions.redline import redline

from ..conftest import REPO, copy_project, released_on
from ..source.test_load import PRIVACY, write_source

D = dt.date


@pytest.mark.parametrize(
    ("as_of", "in_force", "upcoming", "visible"),
    [
        (D(2025, 4, 30), None, None, []),
        (D(2025, 5, 1), 1, None, [1]),
        (D(2026, 1, 29), 1, None, [1]),
        (D(2026, 1, 30), 1, 2, [1, 2]),
        (D(2026, 2, 28), 1, 2, [1, 2]),
        (D(2026, 3, 1), 2, None, [1, 2]),
        (D(2026, 11, 9), 2, None, [1, 2]),
        (D(2026, 11, 10), 2, 3, [1, 2, 3]),
        (D(2026, 11, 22), 2, 3, [1, 2, 3]),
        (D(2026, 11, 23), 2, 3, [1, 2, 3, 4, 5]),  # 4 and 5 are published; the next to take effect is still 3
        (D(2026, 11, 24), 2, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        (D(2026, 12, 14), 2, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        (D(2026, 12, 15), 3, 4, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        (D(2026, 12, 16), 4, 5, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        (D(2026, 12, 17), 5, 6, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        (D(2026, 12, 18), 6, 7, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        (D(2026, 12, 19), 7, 8, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        (D(2026, 12, 20), 8, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        (D(2026, 12, 21), 9, 10, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        (D(2026, 12, 22), 10, None, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ],
)
def test_version_selection_at_boundaries(
    example_history: History, as_of: dt.date, in_force: int | None, upcoming: int | None, visible: list[int]
) -> None:
    selection = select(example_history.of("privacy"), as_of)
    assert (selection.in_force.number if selection.in_force else None) == in_force
    assert (selection.upcoming.number if selection.upcoming else None) == upcoming
    assert [v.number for v in selection.published] == visible


def test_current_page_follows_the_as_of_date(example_history: History) -> None:
    loaded = load_policy(REPO / "policy")

    def current(as_of: dt.date) -> str:
        pages = render_pages(loaded, example_history, as_of, ["en"])
        return next(p.text for p in pages if p.path.as_posix() == "privacy/index.md")

    assert "*Version 2 ·" in current(D(2026, 12, 14)) and "A new version takes effect on 15 December 2026" in current(
        D(2026, 12, 14))
    after = current(D(2026, 12, 15))
    assert "*Version 3 ·" in after and "A new version takes effect on 16 December 2026" in after
    fifth = current(D(2026, 12, 17))
    assert "*Version 5 ·" in fifth and "A new version takes effect on 18 December 2026" in fifth
    sixth = current(D(2026, 12, 18))
    assert "*Version 6 ·" in sixth and "A new version takes effect on 19 December 2026" in sixth
    seventh = current(D(2026, 12, 19))
    assert "*Version 7 ·" in seventh and "A new version takes effect on 20 December 2026" in seventh
    eighth = current(D(2026, 12, 20))
    assert "*Version 8 ·" in eighth and "A new version takes effect on 21 December 2026" in eighth
    ninth = current(D(2026, 12, 21))
    assert "*Version 9 ·" in ninth and "A new version takes effect on 22 December 2026" in ninth
    latest = current(D(2026, 12, 22))
    assert "*Version 10 ·" in latest and "A new version" not in latest
    before = render_pages(loaded, example_history, D(2026, 11, 9), ["en"])
    assert not any("v3" in p.path.as_posix() for p in before)


# --------------------------------------------------------------------------- immutability


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    return copy_project(tmp_path)


def problems(root: Path) -> list[tuple[str, int]]:
    loaded = load_policy(root)
    with pytest.raises(SourceError) as caught:
        load_history(loaded)
    return [(d.code, d.location.line) for d in caught.value.diagnostics]


def _line(path: Path, text: str, occurrence: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [i + 1 for i, line in enumerate(lines) if text in line]
    return found[occurrence - 1]


def test_example_history_is_intact(example_history: History) -> None:
    assert [v.number for v in example_history.of("privacy")] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert [v.number for v in example_history.of("refund")] == [1, 2, 3, 4, 5, 6]
    assert set(example_history.documents) == {"privacy", "cookies", "refund", "imprint"}


def test_editing_frozen_text_is_reported(project) -> None:  # type: ignore[no-untyped-def]
    frozen = project.source / "versions" / "privacy" / "2" / "fr.md"
    frozen.write_text(frozen.read_text(encoding="utf-8").replace("30 jours", "3 jours"), encoding="utf-8")
    changelog = project.source / "versions" / "privacy" / "changelog.yaml"
    assert problems(project.source) == [("V001", _line(changelog, "sha256:", 2))]


def test_editing_a_released_summary_or_hash_is_reported(project) -> None:  # type: ignore[no-untyped-def]
    changelog = project.source / "versions" / "privacy" / "changelog.yaml"
    text = changelog.read_text(encoding="utf-8")
    text = text.replace("en: First published version.", "en: First version.")
    first_hash = text.split("sha256: ")[1][:64]
    text = text.replace(first_hash, hashlib.sha256(b"forged").hexdigest())
    changelog.write_text(text, encoding="utf-8")
    # version 1 no longer matches, and version 2's hash chains to version 1's original hash
    assert problems(project.source) == [("V001", _line(changelog, "sha256:", n)) for n in (1, 2)]


def test_dates_going_backwards_are_reported(project) -> None:  # type: ignore[no-untyped-def]
    changelog = project.source / "versions" / "privacy" / "changelog.yaml"
    text = changelog.read_text(encoding="utf-8").replace("published: '2026-11-10'", "published: '2026-01-01'")
    changelog.write_text(text, encoding="utf-8")
    found = problems(project.source)
    assert ("V004", _line(changelog, "published: '2026-01-01'")) in found
    assert ("V001", _line(changelog, "sha256:", 3)) in found


def test_effective_before_published_is_reported(project) -> None:  # type: ignore[no-untyped-def]
    changelog = project.source / "versions" / "privacy" / "changelog.yaml"
    text = changelog.read_text(encoding="utf-8").replace("effective: '2026-12-15'", "effective: '2026-11-01'")
    changelog.write_text(text, encoding="utf-8")
    assert ("V003", _line(changelog, "effective: '2026-11-01'")) in problems(project.source)


def test_a_versions_folder_linked_out_of_the_source_is_not_read(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """What check and build publish as released text comes from the source folder only."""
    versions = project.source / "versions"
    outside = tmp_path / "outside"
    shutil.move(versions, outside)
    versions.symlink_to(outside)
    assert problems(project.source) == [("V002", 0)]  # a folder: no line
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "error V002 the versions folder links to" in result.output


def test_missing_frozen_file_is_reported(project) -> None:  # type: ignore[no-untyped-def]
    (project.source / "versions" / "refund" / "1" / "de.md").unlink()
    changelog = project.source / "versions" / "refund" / "changelog.yaml"
    assert problems(project.source) == [("V002", _line(changelog, "- version: 1"))]


def test_an_unreadable_changelog_is_one_problem_not_a_lost_history(project) -> None:  # type: ignore[no-untyped-def]
    changelog = project.source / "versions" / "refund" / "changelog.yaml"
    changelog.write_bytes(b"\xff\xfe not text")
    assert [code for code, _ in problems(project.source)] == ["S001"]  # no V010 "its whole history is gone"


def test_check_names_the_edited_version(project) -> None:  # type: ignore[no-untyped-def]
    frozen = project.source / "versions" / "privacy" / "1" / "en.md"
    frozen.write_text(frozen.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    assert "error V001 privacy version 1 was changed after its release" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- releasing


SUMMARY = "en: Shorter storage.\nde: Kürzere Speicherdauer.\n"


def _source(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    return write_source(tmp_path / "src", privacy=PRIVACY)


def _release(root: Path, *args: str) -> object:
    """Release on the day given by --published, so the date is not a backdating."""
    published = args[args.index("--published") + 1]
    return CliRunner().invoke(main, ["release", "privacy", "--source", str(root), *args], env=released_on(published))


def test_a_release_that_would_bring_an_error_is_refused(tmp_path: Path) -> None:
    """A material version that adds a purpose without a description is C06, which no edit of
    the released version could fix: the release is refused and writes nothing. An error the
    source has anyway is check's to report and does not hold the release back."""
    project = copy_project(tmp_path)
    path = project.source / "privacy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("purposes:\n", "purposes:\n  - id: offers\n    type: direct_marketing\n"
                                 "    legal_basis: consent\n    data: [contact]\n"
                                 "    requirement: {provision: voluntary}\n"
                                 "    retention: {period: P30D, after: account_closure}\n", 1), encoding="utf-8")
    summary = tmp_path / "summary.yaml"
    summary.write_text("en: Offers.\nde: Angebote.\nfr: Offres.\n", encoding="utf-8")
    before = sorted(p.relative_to(project.source) for p in (project.source / "versions").rglob("*"))
    result = CliRunner().invoke(main, ["release", "privacy", "--root", str(project.root), "--effective", "2027-03-01",
                                       "--summary-file", str(summary)], env=released_on("2026-11-24"))
    assert result.exit_code == 1, result.output
    assert re.search(r"privacy\.yaml:\d+:\d+: error C06 privacy version \d+ adds purpose 'offers' without explaining "
                     r"it", result.output), result.output
    assert "nothing was released: the new version would bring 1 error(s)" in result.output
    assert "Traceback" not in result.output and "legalgen-release-" not in result.output
    assert sorted(p.relative_to(project.source) for p in (project.source / "versions").rglob("*")) == before


def test_release_freezes_source_and_text(tmp_path: Path) -> None:
    root = _source(tmp_path)
    summary = tmp_path / "summary.yaml"
    summary.write_text(SUMMARY, encoding="utf-8")
    first = _release(root, "--published", "2026-01-01", "--effective", "2026-01-01", "--summary-file", str(summary))
    assert first.exit_code == 0, first.output  # type: ignore[attr-defined]
    assert "released privacy version 1: published 2026-01-01, effective 2026-01-01" in first.output  # type: ignore[attr-defined]
    version = root / "versions" / "privacy" / "1"
    assert sorted(p.relative_to(version).as_posix() for p in version.rglob("*") if p.is_file()) == [
        "de.md", "en.md", "source/privacy.yaml", "source/site.yaml"]

    same = _release(root, "--published", "2026-02-01", "--effective", "2026-03-05", "--summary-file", str(summary))
    assert same.exit_code == 1 and "V007" in same.output  # type: ignore[attr-defined]

    (root / "privacy.yaml").write_text(PRIVACY.replace("P30D", "P14D"), encoding="utf-8")
    backwards = _release(root, "--published", "2025-12-01", "--effective", "2026-03-05", "--summary-file", str(summary))
    assert backwards.exit_code == 1 and "V004" in backwards.output  # type: ignore[attr-defined]
    same_day = _release(root, "--published", "2026-01-01", "--effective", "2026-01-01", "--summary-file", str(summary),
                        "--backdate-reason", "a correction")
    assert same_day.exit_code == 1 and ("V004 privacy version 2 takes effect (2026-01-01) no later than version 1 "  # type: ignore[attr-defined]
                                        "(2026-01-01)\n    hint: one version of a document takes effect per day (dates "
                                        "have no time of day): the earliest is 2026-01-02") in same_day.output  # type: ignore[attr-defined]
    second = _release(root, "--published", "2026-02-01", "--effective", "2026-03-05", "--summary-file", str(summary))
    assert second.exit_code == 0, second.output  # type: ignore[attr-defined]

    loaded = load_policy(root)
    history = load_history(loaded)
    assert [v.number for v in history.of("privacy")] == [1, 2]
    assert "30 days" in history.of("privacy")[0].bodies["en"] and "14 days" in history.of("privacy")[1].bodies["en"]
    checked = CliRunner().invoke(main, ["check", "--source", str(root)]).output
    assert " error V0" not in checked and " error S0" not in checked  # the snippet is minimal: G rules still fire


def test_summary_must_cover_every_locale(tmp_path: Path) -> None:
    root = _source(tmp_path)
    summary = tmp_path / "summary.yaml"
    summary.write_text("en: Only English.\n", encoding="utf-8")
    result = _release(root, "--effective", "2026-01-01", "--published", "2026-01-01", "--summary-file", str(summary))
    assert result.exit_code == 1 and "S008 summary lacks locale de" in result.output  # type: ignore[attr-defined]


def test_frozen_text_is_what_builds_show_even_after_templates_change(
    example_history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LocaleRenderer, "body", lambda self, document: "Rewritten by a newer template.\n")
    loaded = load_policy(REPO / "policy")
    pages = render_pages(loaded, example_history, D(2026, 11, 22), ["de"])
    current = next(p.text for p in pages if p.path.as_posix() == "privacy/index.md")
    assert example_history.of("privacy")[1].bodies["de"] in current
    assert "Rewritten by a newer template" not in current


# --------------------------------------------------------------------------- redlines


def test_redline_marks_words_and_keeps_structure() -> None:
    old = "## Storage { #storage }\n\n- Support: 3 years\n- Billing: 10 years\n"
    new = "## Storage { #storage }\n\n- Support: 2 years\n- Billing: 10 years\n- Fraud: 6 months\n"
    marked = redline(old, new)
    assert marked == (
        "## Storage { #storage }\n\n- Support: <del>3</del><ins>2</ins> years\n- Billing: 10 years\n"
        "- <ins>Fraud: 6 months</ins>\n"
    )
    assert re.findall(r"<ins>(.*?)</ins>", marked) == ["2", "Fraud: 6 months"]
    assert re.findall(r"<del>(.*?)</del>", marked) == ["3"]


def test_redline_of_identical_text_marks_nothing() -> None:
    text = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    assert redline(text, text) == text


def test_redline_keeps_table_pipes_outside_marks() -> None:
    assert redline("| a | b |\n", "| a | c |\n") == "| a | <del>b</del><ins>c</ins> |\n"
    assert redline("", "| x | y |\n") == "| <ins>x</ins> | <ins>y</ins> |\n"


# --------------------------------------------------------------------------- reproducible builds


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_builds_are_byte_identical_with_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18
    trees = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        project = copy_project(tmp_path / name)
        result = CliRunner().invoke(main, ["build", "--root", str(project.root)])
        assert result.exit_code == 0, result.output
        assert "building as of 2026-11-18" in result.output
        trees.append(_tree(project.site))
    assert trees[0].keys() == trees[1].keys()
    different = [name for name in trees[0] if trees[0][name] != trees[1][name]]
    assert different == []
    shutil.rmtree(tmp_path)


def test_an_unreadable_or_oversized_frozen_file_is_one_diagnostic(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    frozen = project.source / "versions" / "refund" / "2" / "de.md"
    real_open = os.open

    def denied(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == frozen:  # the tests run as root, which no file mode stops
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setenv("LEGALGEN_CACHE", "off")
    monkeypatch.setattr(os, "open", denied)
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "refund/2/de.md:1:1: error V002 frozen file cannot be read: Permission denied" in result.output
    assert "V010" not in result.output and "V001" not in result.output  # the versions after it still count
    monkeypatch.setattr(os, "open", real_open)
    frozen.write_bytes(frozen.read_bytes() + b"\n" * 500_000)  # larger than any other file and the limit below
    monkeypatch.setenv("LEGALGEN_MAX_FILE_BYTES", str(frozen.stat().st_size - 1))
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"error V002 frozen file is larger than the limit of {frozen.stat().st_size - 1} bytes" in result.output


@pytest.mark.parametrize("make", ["link to a device", "link to a folder", "pipe", "name", "many files", "folder name"])
def test_a_released_version_holds_plain_files_only(project, monkeypatch, make: str) -> None:  # type: ignore[no-untyped-def]
    """Nothing in a version folder makes a run wait, read outside the project, or fail with a traceback."""
    import os

    monkeypatch.setenv("LEGALGEN_CACHE", "off")
    folder = project.source / "versions" / "privacy" / "2"
    if make == "link to a device":
        (folder / "en.md").unlink()
        (folder / "en.md").symlink_to("/dev/zero")
    elif make == "link to a folder":
        (folder / "extra").symlink_to("/")
    elif make == "pipe":
        os.mkfifo(folder / "notes")
    elif make == "name":
        folder.joinpath(os.fsdecode(b"\xff.md")).write_text("x")
    elif make == "folder name":
        folder.parent.parent.joinpath(os.fsdecode(b"\xff")).mkdir()
        (folder.parent.parent / os.fsdecode(b"\xff") / "changelog.yaml").write_text("x")
    else:
        for number in range(201):
            (folder / f"{number}.txt").write_text("x")
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert ("error V006 a folder's name is not UTF-8 text (\\xff)" if make == "folder name"
            else "error V002 frozen" if make != "name" else "error V002 a frozen file's name is not UTF-8 text (\\xff.md)") \
        in result.output
    assert "V010" not in result.output
