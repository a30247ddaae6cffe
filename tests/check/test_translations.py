"""T01: a translation that stayed as it was while its English changed since the last release."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from legalgen.cli import main
from legalgen.source.model import review_mark

from ..conftest import released_on
from .helpers import PRIVACY, SITE

ENGLISH = "We keep your data for one year."
GERMAN = "Wir speichern Ihre Daten ein Jahr."
SOURCE = PRIVACY.replace(
    "    requirement: {provision: contract_precondition",
    f"    description:\n      en: {ENGLISH}\n      de: {GERMAN}\n    requirement: {{provision: contract_precondition")


def _released(tmp_path: Path) -> Path:
    root = tmp_path / "source"
    root.mkdir()
    (root / "site.yaml").write_text(SITE, encoding="utf-8")
    (root / "privacy.yaml").write_text(SOURCE, encoding="utf-8")
    summary = tmp_path / "summary.yaml"
    summary.write_text("en: First.\nde: Erste.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["release", "privacy", "--source", str(root), "--summary-file", str(summary),
                                       "--published", "2026-01-01", "--effective", "2026-01-01"],
                                env=released_on("2026-01-01"))
    assert result.exit_code == 0, result.output
    return root


def _check(root: Path) -> str:
    result = CliRunner().invoke(main, ["check", "--source", str(root), "--as-of", "2026-02-01"])
    return result.output


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "privacy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_english_changed_alone_is_reported_at_the_translation(tmp_path: Path) -> None:
    root = _released(tmp_path)
    assert "T01" not in _check(root)
    _edit(root, ENGLISH, "We keep your data for two years.")
    output = _check(root)
    line = (root / "privacy.yaml").read_text(encoding="utf-8").splitlines().index(f"      de: {GERMAN}") + 1
    assert (f"privacy.yaml:{line}:7: warning T01 privacy: purposes.0.description: the en text changed since "
            "version 1, the de translation did not") in output
    mark = review_mark("We keep your data for two years.")
    assert f"de: {{text: ..., reviewed: {mark}}}" in output


def test_a_changed_translation_or_a_review_mark_ends_the_warning(tmp_path: Path) -> None:
    root = _released(tmp_path)
    _edit(root, ENGLISH, "We keep your data for two years.")
    _edit(root, f"de: {GERMAN}", "de: Wir speichern Ihre Daten zwei Jahre.")
    assert "T01" not in _check(root)
    _edit(root, "de: Wir speichern Ihre Daten zwei Jahre.",
          f"de: {{text: '{GERMAN}', reviewed: {review_mark('We keep your data for two years.')}}}")
    assert "T01" not in _check(root)
    _edit(root, "We keep your data for two years.", "We keep your data for three years.")  # a new change asks again
    assert "T01" in _check(root)


def test_items_are_matched_by_id_not_by_position(tmp_path: Path) -> None:
    root = _released(tmp_path)
    _edit(root, "purposes:\n", "purposes:\n  - id: support\n    type: customer_support\n    legal_basis: contract\n"
                               "    data: [contact]\n    retention: {period: P30D}\n"
                               "    description: {en: New., de: Neu.}\n")
    assert "T01" not in _check(root)  # the existing purpose moved to index 1 but its texts did not change
