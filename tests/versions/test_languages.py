"""A language added to the site after a release: released versions keep their own languages."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.diagnostics import SourceError
from legalgen.export.index import policy_index
from legalgen.render.pages import render_pages
from legalgen.source.load import load_policy
from legalgen.versions import history as history_module
from legalgen.versions.history import load_history
from legalgen.versions.snapshot import take_snapshot

from ..check.helpers import PRIVACY, SITE, line_of
from ..conftest import REPO, released_on

ONE_LANGUAGE = SITE.replace("locales: [en, de]", "locales: [en]")


def _write(root: Path, *, german: bool = True, retention: str = "P30D") -> None:
    """The source in English and German (or English alone), keeping data for ``retention``."""
    privacy = PRIVACY.replace("period: P30D", f"period: {retention}")
    (root / "site.yaml").write_text(SITE if german else ONE_LANGUAGE, encoding="utf-8")
    (root / "privacy.yaml").write_text(privacy if german else privacy.replace(", de: kein Konto", ""),
                                       encoding="utf-8")


def _release(root: Path, day: str, summary: str, effective: str | None = None) -> str:
    (root.parent / "summary.yaml").write_text(textwrap.dedent(summary), encoding="utf-8")
    result = CliRunner().invoke(main, ["release", "privacy", "--source", str(root), "--summary-file",
                                       str(root.parent / "summary.yaml"), "--published", day,
                                       "--effective", effective or day], env=released_on(day))
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A privacy notice released in English on 1 January, then German added to the site."""
    root = tmp_path / "source"
    root.mkdir()
    _write(root, german=False)
    assert "version 1" in _release(root, "2026-01-01", "en: First version.\n")
    _write(root)
    return root


def test_a_language_added_after_a_release_is_one_diagnostic_and_a_release_away(source: Path) -> None:
    loaded = load_policy(source)
    history = load_history(loaded)  # before, V002 "de.md missing" here stopped every command
    assert list(history.of("privacy")[0].bodies) == ["en"]
    with pytest.raises(SourceError) as raised:
        take_snapshot(loaded, history, dt.date(2026, 2, 1))
    [problem] = raised.value.diagnostics
    assert problem.code == "V011" and "privacy version 1 (in force) was released without de" in problem.message
    assert (Path(problem.location.file).name, problem.location.line) == ("site.yaml", line_of(SITE, "locales:"))
    assert "legalgen release privacy" in (problem.hint or "")
    checked = CliRunner().invoke(main, ["check", "--source", str(source), "--as-of", "2026-02-01"])
    assert checked.exit_code == 1 and "V011" in checked.output and "Traceback" not in checked.output

    output = _release(source, "2026-02-01", "en: German added.\nde: Deutsche Fassung hinzugefügt.\n")
    assert "released privacy version 2" in output and "editorial" in output
    assert CliRunner().invoke(main, ["check", "--source", str(source), "--as-of", "2026-02-01"]).exit_code == 0


def test_each_language_shows_the_versions_released_in_it(source: Path) -> None:
    _release(source, "2026-02-01", "en: German added.\nde: Deutsche Fassung hinzugefügt.\n")
    loaded = load_policy(source)
    history = load_history(loaded)
    pages = {(page.locale, str(page.path)): page.text for page in render_pages(loaded, history, dt.date(2026, 2, 1))}
    assert {path for locale, path in pages if locale == "en" and path.startswith("privacy/")} == {
        "privacy/index.md", "privacy/history.md", "privacy/v1/index.md", "privacy/v2/index.md",
        "privacy/v2/changes.md"}
    # German readers get no permalink or redline of a text never published in German
    assert {path for locale, path in pages if locale == "de" and path.startswith("privacy/")} == {
        "privacy/index.md", "privacy/history.md", "privacy/v2/index.md"}
    assert "v2/changes" not in pages["de", "privacy/v2/index.md"]
    assert "v1/index.md" not in pages["de", "privacy/history.md"] and "changes" not in pages["de", "privacy/history.md"]
    # ... and its history says where version 1 can be read, rather than leaving it out
    assert pages["de", "privacy/history.md"].rstrip().endswith(
        "| 1 | 1. Januar 2026 | 1. Januar 2026 | In dieser Sprache nicht veröffentlicht; lesen Sie sie auf "
        "[Englisch](../../../en/privacy/v1/){hreflang=en}. | |")
    assert "nicht veröffentlicht" not in pages["en", "privacy/history.md"]
    # the English pages only German lacks send its language switcher to the document's German page
    for path in ("privacy/v1/index.md", "privacy/v2/changes.md"):
        assert 'legalgen_languages: ["en"]\nlegalgen_fallback: "privacy/"\n' in pages["en", path], path
    assert "legalgen_languages" not in pages["en", "privacy/v2/index.md"]
    urls = policy_index(take_snapshot(loaded, history, dt.date(2026, 2, 1)))["documents"][0]["current"]["urls"]
    assert set(urls["page"]) == {"en", "de"} and set(urls["redline"]) == {"en"}
    # with English dropped, no language of the site has version 1 any more: the row says so
    (source / "site.yaml").write_text(SITE.replace("locales: [en, de]", "locales: [de]").replace(
        "default_locale: en", "default_locale: de"), encoding="utf-8")
    loaded = load_policy(source)
    german = {str(page.path): page.text for page in render_pages(loaded, load_history(loaded), dt.date(2026, 2, 1))}
    assert german["privacy/history.md"].rstrip().endswith(
        "| 1 | 1. Januar 2026 | 1. Januar 2026 | In dieser Sprache nicht veröffentlicht. | |")


def test_a_kept_history_keeps_each_version_s_languages(source: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEGALGEN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(history_module, "_SETTLE_NS", -(10 ** 15))
    _release(source, "2026-02-01", "en: German added.\nde: Deutsche Fassung hinzugefügt.\n")
    loaded = load_policy(source)
    read = [[list(version.bodies) for version in load_history(loaded).of("privacy")] for _ in range(2)]
    assert read[0] == read[1] == [["en"], ["en", "de"]]
    assert any((tmp_path / "cache").rglob("*"))


def test_a_language_that_skipped_a_version_shows_no_redline_across_it(tmp_path: Path) -> None:
    """German left out for a material version 2 and back for version 3: German readers get no
    redline from 1 to 3 posing as version 3's changes, and version 1 ended when 2 took effect."""
    root = tmp_path / "source"
    root.mkdir()
    _write(root)
    _release(root, "2026-01-01", "en: First.\nde: Erste Fassung.\n")
    _write(root, german=False, retention="P60D")
    assert "material" in _release(root, "2026-02-01", "en: Kept longer.\n", effective="2026-03-05")
    _write(root, retention="P60D")
    _release(root, "2026-04-01", "en: German again.\nde: Wieder auf Deutsch.\n")
    loaded = load_policy(root)
    history = load_history(loaded)
    as_of = dt.date(2026, 4, 1)
    pages = {(page.locale, str(page.path)): page.text for page in render_pages(loaded, history, as_of)}
    assert ("de", "privacy/v3/changes.md") not in pages and ("en", "privacy/v3/changes.md") in pages
    assert "changes" not in pages["de", "privacy/v3/index.md"].split("---")[2].split("\n\n")[0]
    assert "4. März 2026" in pages["de", "privacy/v1/index.md"]  # not "31. März": version 2 replaced it
    assert "4 March 2026" in pages["en", "privacy/v1/index.md"]
    assert "predecessor-version" not in pages["de", "privacy/v3/index.md"]
    entry = policy_index(take_snapshot(loaded, history, as_of))["documents"][0]["current"]
    assert set(entry["urls"]["redline"]) == {"en"}


def test_the_hint_waits_for_a_version_announced_without_the_language(source: Path) -> None:
    _write(source, german=False, retention="P60D")
    _release(source, "2026-02-01", "en: Kept longer.\n", effective="2026-03-15")
    _write(source, retention="P60D")
    loaded = load_policy(source)
    with pytest.raises(SourceError) as raised:
        take_snapshot(loaded, load_history(loaded), dt.date(2026, 2, 10))
    assert [d.code for d in raised.value.diagnostics] == ["V011", "V011"]
    hint = raised.value.diagnostics[0].hint or ""
    assert "2026-03-16 at the earliest, the day after version 2" in hint and "--effective 2026-03-16" in hint
    # the date the hint gives is one release accepts (the day of version 2 itself is V004)
    assert "V004" in _release(source, "2026-02-10", "en: German.\nde: Deutsch.\n", effective="2026-03-15")
    assert "version 3" in _release(source, "2026-02-10", "en: German.\nde: Deutsch.\n", effective="2026-03-16")


def test_a_deleted_text_of_a_released_language_is_still_reported(source: Path) -> None:
    _release(source, "2026-02-01", "en: German added.\nde: Deutsche Fassung hinzugefügt.\n")
    (source / "versions" / "privacy" / "2" / "de.md").unlink()
    with pytest.raises(SourceError) as raised:
        load_history(load_policy(source))
    assert [d.code for d in raised.value.diagnostics] == ["V002"]
    assert "de.md" in raised.value.diagnostics[0].message


def test_a_diff_that_adds_a_language_shows_what_stops_the_build(source: Path, tmp_path: Path) -> None:
    base = tmp_path / "base"
    shutil.copytree(source, base)
    _write(base, german=False)
    result = CliRunner().invoke(main, ["diff", str(base), str(source), "--format", "json", "--as-of", "2026-02-01"])
    assert "Traceback" not in result.output
    data = json.loads(result.output)
    assert [finding["code"] for finding in data["new_findings"]] == ["V011"]
    [privacy] = data["documents"]
    assert [(c["path"], c["description"], c["material"]) for c in privacy["changes"]] == [
        ("site.locales", "new language: de", False)]
    assert privacy["changes"][0]["location"].endswith(f"site.yaml:{line_of((source / 'site.yaml').read_text(encoding='utf-8'), 'locales:')}:3")
    assert privacy["new_locales"] == ["de"]
    text = CliRunner().invoke(main, ["diff", str(base), str(source), "--as-of", "2026-02-01"]).output
    assert "  new text in de (--redlines shows it)" in text.splitlines() and "text changed" not in text


@pytest.mark.slow
def test_the_built_switcher_leads_to_the_document_where_a_language_lacks_the_page(source: Path,
                                                                                  tmp_path: Path) -> None:
    _release(source, "2026-02-01", "en: German added.\nde: Deutsche Fassung hinzugefügt.\n")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", tmp_path / "overrides")
    result = CliRunner().invoke(main, ["build", "--root", str(tmp_path), "--source", str(source),
                                       "--as-of", "2026-02-01"])
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    assert not (site / "de" / "privacy" / "v1").exists() and not (site / "de" / "privacy" / "v2" / "changes").exists()
    permalink = (site / "en" / "privacy" / "v1" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../../de/privacy/" hreflang="de"' in permalink
    assert 'hreflang="de"' not in permalink.split("</head>")[0]
    history = site / "de" / "privacy" / "history" / "index.html"
    assert 'href="../../../en/privacy/v1/"' in history.read_text(encoding="utf-8")
    assert (history.parent / "../../../en/privacy/v1/index.html").resolve().is_file()
    current = (site / "en" / "privacy" / "v2" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../../de/privacy/v2/" hreflang="de"' in current
    assert '<link rel="alternate" hreflang="de" href="https://legal.test.example/de/privacy/v2/">' in current
