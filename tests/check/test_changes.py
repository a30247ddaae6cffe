"""Changes family (C01-C04, C06-C08) on released snippets; C05 is in test_style."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.source.load import load_policy
from legalgen.versions import history, releases
from legalgen.versions.diff import Change, Materiality

from ..conftest import released_on
from .helpers import PRIVACY, SITE, diagnostics, line_of, run

NEW_PURPOSE = PRIVACY.replace(
    "recipients:\n  - id: host", "  - id: stats\n    type: analytics\n    legal_basis: contract\n    data: [contact]\n"
    "    retention: {period: P1Y}\n    requirement: {provision: contract_precondition, consequences: {en: a, de: a}}\n"
    "recipients:\n  - id: host")


def _release(root: Path, summary: str, published: str, effective: str) -> None:
    (root.parent / "summary.yaml").write_text(summary, encoding="utf-8")
    result = CliRunner().invoke(main, ["release", "privacy", "--source", str(root), "--summary-file",
                                       str(root.parent / "summary.yaml"), "--published", published,
                                       "--effective", effective], env=released_on(published))
    assert result.exit_code == 0, result.output


def _project(tmp_path: Path) -> Path:
    run(tmp_path, privacy=PRIVACY)
    root = tmp_path / "source"
    _release(root, "en: First.\nde: Erste.\n", "2026-01-01", "2026-01-01")
    return root


def test_c01_unreleased_material_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    (root / "privacy.yaml").write_text(NEW_PURPOSE, encoding="utf-8")
    # at the new purpose, as `diff` shows it
    assert run(tmp_path, privacy=NEW_PURPOSE) == [("C01", "privacy.yaml", line_of(NEW_PURPOSE, "- id: stats"))]
    # `release` refuses a version that brings C06; one released otherwise (by hand, by an older
    # legalgen) is reported
    monkeypatch.setattr(releases, "_refuse_errors_after", lambda *args: None)
    _release(root, "en: Stats.\nde: Statistik.\n", "2026-02-01", "2026-03-05")
    found = run(tmp_path, privacy=NEW_PURPOSE)
    assert [code for code, _, _ in found] == ["C06"]  # the released purpose has no description


def test_c03_channels_and_promise(tmp_path: Path) -> None:
    website = PRIVACY.replace("channels: [email, banner]", "channels: [website]")
    assert run(tmp_path, privacy=website) == [("C03", "privacy.yaml", line_of(website, "changes:"))]
    short = PRIVACY.replace("advance_notice: P30D", "advance_notice: P14D")
    assert [c for c, _, _ in run(tmp_path, privacy=short)] == ["C03"]
    missing = PRIVACY.replace("changes: {channels: [email, banner], advance_notice: P30D}\n", "")
    assert run(tmp_path, privacy=missing) == [("C03", "privacy.yaml", 1)]


def test_c03_a_version_in_force_stays_as_released(tmp_path: Path) -> None:
    """A version whose notice no longer suffices (here: the period grew after its release; a later
    legalgen may also classify more as material) is an error while announced, and a warning once
    in force, when nothing can change it any more."""
    root = _project(tmp_path)
    described = NEW_PURPOSE.replace("    type: analytics\n", "    type: analytics\n    description: {en: x, de: x}\n")
    (root / "privacy.yaml").write_text(described, encoding="utf-8")
    _release(root, "en: Stats.\nde: Statistik.\n", "2026-02-01", "2026-03-05")
    longer = described.replace("advance_notice: P30D", "advance_notice: P60D")
    site = SITE.replace("  jurisdictions: [EU]\n", "  jurisdictions: [EU]\n  notices: {period: P60D}\n")
    found = {when: [(d.code, d.severity.value) for d in diagnostics(tmp_path, dt.date.fromisoformat(when),
                                                                     site=site, privacy=longer) if d.code == "C03"]
             for when in ("2026-02-10", "2026-03-05")}
    assert found == {"2026-02-10": [("C03", "error")], "2026-03-05": [("C03", "warning")]}


def test_c03_a_month_can_be_28_days(tmp_path: Path) -> None:
    """P1M is 28 days from 31 January: the period is shorter than 30 days, and a material
    version 28 days after its publication is refused by release, whatever the period says."""
    monthly = SITE.replace("  jurisdictions: [EU]\n", "  jurisdictions: [EU]\n  notices: {period: P1M}\n")
    privacy = PRIVACY.replace("advance_notice: P30D", "advance_notice: P1M")
    assert [(code, line) for code, _, line in run(tmp_path, site=monthly, privacy=privacy)] == \
        [("C03", line_of(monthly, "period: P1M"))]
    root = _project(tmp_path)
    (root / "site.yaml").write_text(monthly, encoding="utf-8")
    described = NEW_PURPOSE.replace("    type: analytics\n", "    type: analytics\n    description: {en: x, de: x}\n")
    (root / "privacy.yaml").write_text(described.replace("advance_notice: P30D", "advance_notice: P1M"),
                                       encoding="utf-8")
    (root.parent / "summary.yaml").write_text("en: Stats.\nde: Statistik.\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["release", "privacy", "--source", str(root), "--summary-file",
                                        str(root.parent / "summary.yaml"), "--published", "2027-01-31",
                                        "--effective", "2027-02-28"], env=released_on("2027-01-31"))
    assert refused.exit_code == 1 and "a material change needs P1M and P30D of notice; 2027-02-28 is 28 day(s) " \
        "after 2027-01-31" in refused.output, refused.output
    _release(root, "en: Stats.\nde: Statistik.\n", "2027-01-31", "2027-03-02")


def test_c04_marketing_in_a_summary(tmp_path: Path) -> None:
    root = _project(tmp_path)
    described = NEW_PURPOSE.replace("    type: analytics\n", "    type: analytics\n    description: {en: x, de: x}\n")
    (root / "privacy.yaml").write_text(described, encoding="utf-8")
    _release(root, "en: New stats and a special discount!\nde: Neue Statistik.\n", "2026-02-01", "2026-03-05")
    changelog = (root / "versions" / "privacy" / "changelog.yaml").read_text(encoding="utf-8")
    summary_line = changelog[: changelog.rindex("summary:")].count("\n") + 1
    assert run(tmp_path, privacy=described) == [("C04", "changelog.yaml", summary_line)]


def test_c02_declared_editorial(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "privacy.yaml").write_text(NEW_PURPOSE, encoding="utf-8")
    (root.parent / "s.yaml").write_text("en: x\nde: x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["release", "privacy", "--source", str(root), "--summary-file",
                                       str(root.parent / "s.yaml"), "--published", "2026-02-01",
                                       "--effective", "2026-04-01", "--editorial"], env=released_on("2026-02-01"))
    assert result.exit_code == 1 and "C02" in result.output


def test_a_release_keeps_the_verdict_it_was_published_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The release records legalgen's classification in the changelog (under the version's hash);
    what the site says of the version follows it, and a later legalgen that finds the change
    material says so as a warning (C02), not by turning the published version material."""
    root = _project(tmp_path)
    changelog = root / "versions" / "privacy" / "changelog.yaml"
    assert "classified" not in changelog.read_text(encoding="utf-8")  # a first version compares with nothing
    wording = PRIVACY.replace("{en: no account, de: kein Konto}", "{en: no account can be opened, de: kein Konto}")
    (root / "privacy.yaml").write_text(wording, encoding="utf-8")
    _release(root, "en: Wording.\nde: Wortlaut.\n", "2026-02-01", "2026-02-01")
    assert changelog.read_text(encoding="utf-8").count("classified: editorial") == 1
    assert [(d.code, d.severity.value) for d in diagnostics(tmp_path, dt.date(2026, 2, 10), privacy=wording)
            if d.code in ("C02", "C03")] == []

    later = Materiality((Change("privacy.purposes[service].requirement", "a new consequence", material=True),))
    monkeypatch.setenv("LEGALGEN_CACHE", "off")
    monkeypatch.setattr(history, "_classified", lambda *args: later)
    second = history.load_history(load_policy(root)).of("privacy")[1]
    assert second.reclassified and not second.material  # no banner, e-mail or "material" in the feeds
    found = [d for d in diagnostics(tmp_path, dt.date(2026, 2, 10), privacy=wording) if d.code in ("C02", "C03")]
    assert [(d.code, d.severity.value, d.location.line) for d in found] == [
        ("C02", "warning", line_of(changelog.read_text(encoding="utf-8"), "classified: editorial"))]
    assert "released as editorial, as legalgen then classified it; it now finds the change material " \
           "(privacy.purposes[service].requirement: a new consequence)" in found[0].message


def test_c08_a_text_the_site_does_not_show_yet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site shows released texts: an editorial edit of the source, or wording legalgen has
    changed since the release, waits for a release, and C08 says so."""
    from legalgen.check import check_policy
    from legalgen.render.renderer import LocaleRenderer

    root = _project(tmp_path)
    assert run(tmp_path, privacy=PRIVACY) == []
    edited = PRIVACY.replace("kind: privacy\n", "kind: privacy\nintro: {en: We stream films., de: Wir zeigen Filme.}\n")
    found = diagnostics(tmp_path, privacy=edited)
    assert [d.code for d in found] == ["C08"]
    assert "differs from what the source gives now in en, de (the source changed since" in found[0].message
    run(tmp_path, privacy=PRIVACY)  # back to the released source
    body = LocaleRenderer.body
    monkeypatch.setattr(LocaleRenderer, "body", lambda self, document: body(self, document).replace(
        "\n", "\nA sentence legalgen words anew.\n", 1) if self.locale == "de" else body(self, document))
    loaded = load_policy(root)
    [found_now] = check_policy(loaded, history.load_history(loaded), dt.date(2026, 2, 1))
    assert found_now.code == "C08" and "in de (legalgen now words it differently)" in found_now.message
    assert "legalgen release privacy --effective <date> --summary-file <file>" in (found_now.hint or "")


def test_c09_a_released_document_deleted_from_the_source(tmp_path: Path) -> None:
    from ..conftest import copy_project

    project = copy_project(tmp_path)
    (project.source / "refund.yaml").unlink()
    result = CliRunner().invoke(main, ["check", "--root", str(project.root)], env=released_on("2026-11-24"))
    assert result.exit_code == 1, result.output
    assert "error C09 refund has 6 released version(s) but is not in the source" in result.output
    assert "versions/refund/changelog.yaml:" in result.output
