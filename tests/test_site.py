"""The built site: every locale, same slugs, hreflang, switcher links, root page, engines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from legalgen.load import load_policy
from legalgen.project import Project
from legalgen.site import render_sources

from .conftest import copy_project

SLUGS = ["privacy", "cookies", "refund", "imprint"]
pytestmark = pytest.mark.slow


def test_every_locale_has_every_document(built_site: Project) -> None:
    for locale in ("en", "de", "fr"):
        for slug in ["", *SLUGS]:
            assert (built_site.site / locale / slug / "index.html").is_file(), f"{locale}/{slug}"


def test_pages_carry_per_page_hreflang_and_canonical(built_site: Project) -> None:
    html = (built_site.site / "de" / "refund" / "index.html").read_text(encoding="utf-8")
    for locale in ("en", "de", "fr"):
        assert f'<link rel="alternate" hreflang="{locale}" href="https://legal.lumenstream.example/{locale}/refund/">' in html
    assert 'hreflang="x-default" href="https://legal.lumenstream.example/en/refund/"' in html
    assert '<link rel="canonical" href="https://legal.lumenstream.example/de/refund/">' in html
    assert '<html lang="de"' in html


def test_switcher_links_stay_on_the_document(built_site: Project) -> None:
    html = (built_site.site / "fr" / "cookies" / "index.html").read_text(encoding="utf-8")
    for locale in ("en", "de", "fr"):
        assert f'href="../../{locale}/cookies/" hreflang="{locale}"' in html


def test_last_updated_shown_localized(built_site: Project) -> None:
    expected = {"en": "Last updated: 1 March 2026", "de": "Zuletzt aktualisiert: 1. März 2026",
                "fr": "Dernière mise à jour : 1 mars 2026"}
    for locale, text in expected.items():
        for slug in SLUGS:
            assert text in (built_site.site / locale / slug / "index.html").read_text(encoding="utf-8")


def test_root_page_links_every_language(built_site: Project) -> None:
    html = (built_site.site / "index.html").read_text(encoding="utf-8")
    for locale, name in (("en", "English"), ("de", "Deutsch"), ("fr", "Français")):
        assert f'<a href="{locale}/" hreflang="{locale}" lang="{locale}">{name}</a>' in html


def test_render_rewrites_only_changed_files(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    first = render_sources(project, load_policy(project.source))
    assert len(first.written) == 18 and first.unchanged == []
    page = project.docs / "de" / "imprint.md"
    os.utime(page, (1_000_000, 1_000_000))
    second = render_sources(project, load_policy(project.source))
    assert second.written == [] and len(second.unchanged) == 18
    assert page.stat().st_mtime == 1_000_000
    imprint = project.source / "imprint.yaml"
    imprint.write_text(imprint.read_text(encoding="utf-8").replace("Mira Okafor\n", "Jonas Lindqvist\n", 1),
                       encoding="utf-8")
    third = render_sources(project, load_policy(project.source))
    assert sorted(third.written) == ["de/imprint.md", "en/imprint.md", "fr/imprint.md"]


def test_removed_documents_disappear_from_the_tree(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    render_sources(project, load_policy(project.source))
    (project.source / "cookies.yaml").unlink()
    report = render_sources(project, load_policy(project.source))
    assert sorted(report.removed) == ["de/cookies.md", "en/cookies.md", "fr/cookies.md"]


def test_generated_configs_inherit_the_base(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    render_sources(project, load_policy(project.source))
    text = (tmp_path / "mkdocs.de.yml").read_text(encoding="utf-8")
    assert "INHERIT: mkdocs.yml" in text and "docs_dir: docs/de" in text and "language: de" in text


@pytest.mark.skipif(shutil.which("zensical") is None and not os.environ.get("CI"), reason="zensical not installed")
def test_zensical_builds_the_same_tree(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    render_sources(project, load_policy(project.source))
    for locale in ("en", "de", "fr"):
        result = subprocess.run(
            [sys.executable, "-m", "zensical", "build", "-f", f"mkdocs.{locale}.yml"],
            cwd=tmp_path, capture_output=True, text=True, check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        html = (tmp_path / "site" / locale / "privacy" / "index.html").read_text(encoding="utf-8")
        assert f'hreflang="{locale}" href="https://legal.lumenstream.example/{locale}/privacy/"' in html
    assert "Politique de confidentialité" in (tmp_path / "site" / "fr" / "privacy" / "index.html").read_text(
        encoding="utf-8"
    )
