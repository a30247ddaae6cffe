"""The engine's conversions of unchanged pages are kept between builds: same bytes as
converting, converted again whenever an input changes, never kept with a warning, never
used with an extension whose output the key cannot cover."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from legalgen import cache
from legalgen.site.build import BuildError, _build_with_mkdocs

CONFIG = """\
site_name: Kept
site_url: https://example.test/
theme: {name: mkdocs}
validation: {anchors: warn}
markdown_extensions:
  - toc: {permalink: true}
  - attr_list
  - tables
"""

PAGES = {
    "index.md": "# Home\n\nSee [the terms](terms.md#payment) and [b](b.md).\n\n## Start {#start}\n",
    "terms.md": "# Terms\n\n## Payment\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[home](index.md#start)\n",
    "b.md": "# B\n\nPlain *text*.\n",
}


@pytest.fixture
def mkdocs_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEGALGEN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the build date MkDocs writes
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    for name, text in PAGES.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    return root


def _conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts Markdown converts from now on."""
    converted: list[str] = []
    real = markdown.Markdown.convert

    def counting(self: markdown.Markdown, source: str) -> str:
        converted.append(source)
        return real(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counting)
    return converted


def _build(root: Path, target: str) -> dict[str, bytes]:
    _build_with_mkdocs(str(root / "mkdocs.yml"), str(root / target))
    site = root / target
    return {str(path.relative_to(site)): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()
            and path.suffix in (".html", ".json", ".xml")}


def _entries() -> list[Path]:
    folder = cache.folder("html")
    return sorted(folder.glob("*.pickle")) if folder is not None and folder.exists() else []


def test_an_unchanged_page_is_not_converted_again_and_reads_the_same(mkdocs_project: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    converted = _conversions(monkeypatch)
    first = _build(mkdocs_project, "first")
    assert len(converted) == 3
    assert len(_entries()) == 3
    converted.clear()
    second = _build(mkdocs_project, "second")
    assert converted == []
    assert second == first  # content, table of contents, titles and search index alike
    assert 'href="terms/#payment"' in first["index.html"].decode()


def test_a_changed_page_or_a_changed_file_list_is_converted_again(mkdocs_project: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _build(mkdocs_project, "first")
    converted = _conversions(monkeypatch)
    (mkdocs_project / "docs" / "b.md").write_text("# B\n\nChanged *text*.\n", encoding="utf-8")
    site = _build(mkdocs_project, "second")
    assert converted == ["# B\n\nChanged *text*.\n"]
    assert "Changed <em>text</em>" in site["b/index.html"].decode()
    converted.clear()
    (mkdocs_project / "docs" / "extra.md").write_text("# Extra\n", encoding="utf-8")
    _build(mkdocs_project, "third")
    assert len(converted) == 4  # links may resolve differently: every page is converted


def test_anchors_are_checked_across_kept_and_converted_pages(mkdocs_project: Path) -> None:
    _build(mkdocs_project, "first")
    terms = mkdocs_project / "docs" / "terms.md"
    terms.write_text(terms.read_text(encoding="utf-8").replace("## Payment", "## Prices"), encoding="utf-8")
    with pytest.raises(BuildError, match="payment"):  # index.md is kept, and still links to #payment
        _build(mkdocs_project, "second")


def test_a_conversion_that_warned_is_not_kept(mkdocs_project: Path) -> None:
    (mkdocs_project / "docs" / "b.md").write_text("# B\n\n[gone](missing.md)\n", encoding="utf-8")
    for target in ("first", "second"):
        with pytest.raises(BuildError, match="missing.md"):
            _build(mkdocs_project, target)
    assert len(_entries()) == 2


@pytest.mark.parametrize("extensions", [
    "  - pymdownx.snippets\n",  # reads other files
    ("  - pymdownx.superfences:\n      custom_fences:\n        - name: x\n          class: x\n"
    "          format: !!python/name:pymdownx.superfences.fence_code_format\n"),  # a Python object
])
def test_conversions_are_not_kept_when_the_key_cannot_cover_them(mkdocs_project: Path, extensions: str) -> None:
    config = mkdocs_project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + extensions, encoding="utf-8")
    _build(mkdocs_project, "first")
    assert _entries() == []


def test_damaged_or_foreign_entries_are_converted_again(mkdocs_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _build(mkdocs_project, "first")
    entries = _entries()
    entries[0].write_bytes(b"garbage")
    cache.keep("html", entries[1].stem, ("too", "short"))
    cache.keep("html", entries[2].stem, (1, 2, 3, 4, 5))
    converted = _conversions(monkeypatch)
    assert _build(mkdocs_project, "second") == first
    assert len(converted) == 3


def test_the_cache_off_keeps_nothing(mkdocs_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEGALGEN_CACHE", "off")
    converted = _conversions(monkeypatch)
    _build(mkdocs_project, "first")
    _build(mkdocs_project, "second")
    assert len(converted) == 6
