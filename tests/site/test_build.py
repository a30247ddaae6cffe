"""The built site: every locale, same slugs, hreflang, switcher links, root page, engines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from legalgen.project import Project
from legalgen.site.build import render_sources
from legalgen.source.load import load_policy
from legalgen.versions.history import load_history
from legalgen.writer import WriteReport

from ..conftest import AS_OF, SITE_NAME_LINE, copy_project

SLUGS = ["privacy", "cookies", "refund", "imprint"]
pytestmark = pytest.mark.slow


def _render(project: Project) -> WriteReport:
    loaded = load_policy(project.source)
    return render_sources(project, loaded, load_history(loaded), AS_OF)


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


def test_version_and_dates_shown_localized_with_footer_revision_date(built_site: Project) -> None:
    expected = {
        "en": ("Version 2 · effective 1 March 2026 · last updated 30 January 2026", "30 January 2026"),
        "de": ("Fassung 2 · gültig ab 1. März 2026 · zuletzt aktualisiert am 30. Januar 2026", "30. Januar 2026"),
        "fr": ("Version 2 · en vigueur à compter du 1er mars 2026 · dernière mise à jour le 30 janvier 2026",
               "30 janvier 2026"),
    }
    for locale, (line, date) in expected.items():
        html = (built_site.site / locale / "privacy" / "index.html").read_text(encoding="utf-8")
        assert line in html
        footer = html[html.index('class="md-source-file"'):]
        assert date in footer[:800]
        for slug in ("cookies", "refund", "imprint"):
            other = (built_site.site / locale / slug / "index.html").read_text(encoding="utf-8")
            assert {"en": "1 May 2025", "de": "1. Mai 2025", "fr": "1er mai 2025"}[locale] in other


def test_the_search_finds_each_text_once(built_site: Project) -> None:
    """Current pages, history and upcoming versions are indexed; older permalinks and redlines are not."""
    for locale in ("en", "de", "fr"):
        index = json.loads((built_site.site / locale / "search" / "search_index.json").read_text(encoding="utf-8"))
        pages = {entry["location"].split("#")[0] for entry in index["docs"]}
        assert {"", *(f"{slug}/" for slug in SLUGS), *(f"{slug}/history/" for slug in SLUGS)} <= pages
        assert "privacy/v3/" in pages  # announced, not yet in force
        assert not {"privacy/v1/", "privacy/v2/", "privacy/upcoming/"} & pages  # archived, in force, redline
        assert not [page for page in pages if page.endswith("/changes/")]
        assert any("Lumenstream GmbH" in entry["text"] for entry in index["docs"] if entry["location"].startswith("privacy/#"))


def test_root_page_links_every_language(built_site: Project) -> None:
    html = (built_site.site / "index.html").read_text(encoding="utf-8")
    for locale, name in (("en", "English"), ("de", "Deutsch"), ("fr", "Français")):
        assert f'<a href="{locale}/" hreflang="{locale}" lang="{locale}">{name}</a>' in html


def test_render_rewrites_only_changed_files(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    first = _render(project)
    # per locale: pages, css, feeds, the JSON-LD of privacy versions 1-3; the configs
    assert len(first.written) == 3 * (1 + 8 + 3 * 3 + 3 + 3) + 3 and first.unchanged == []
    assert len([name for name in first.written if name.endswith("/notice.jsonld")]) == 3 * 3
    page = project.docs / "de" / "imprint" / "index.md"
    os.utime(page, (1_000_000, 1_000_000))
    second = _render(project)
    assert second.written == [] and len(second.unchanged) == len(first.written)
    assert page.stat().st_mtime == 1_000_000
    site = project.source / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace(SITE_NAME_LINE, "  name: Lumen Legal"),
                    encoding="utf-8")
    third = _render(project)
    assert sorted(third.written) == [f"{locale}/{name}" for locale in ("de", "en", "fr")
                                     for name in ("feed.json", "feed.xml", "index.md")] + [
        "mkdocs.de.yml", "mkdocs.en.yml", "mkdocs.fr.yml"]


def test_removed_documents_disappear_from_the_tree(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _render(project)
    (project.source / "cookies.yaml").unlink()
    report = _render(project)
    assert report.removed and all(path.split("/")[1] == "cookies" for path in report.removed)
    assert {path.split("/")[0] for path in report.removed} == {"en", "de", "fr"}


def test_generated_configs_inherit_the_base(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _render(project)
    text = (tmp_path / "mkdocs.de.yml").read_text(encoding="utf-8")
    assert "INHERIT: mkdocs.yml" in text and "docs_dir: docs/de" in text and "language: de" in text


@pytest.mark.skipif(shutil.which("zensical") is None and not os.environ.get("CI"), reason="zensical not installed")
def test_zensical_builds_the_same_tree(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _render(project)
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


def test_a_link_in_overrides_out_of_the_project_is_never_published(tmp_path: Path) -> None:
    """The engine copies the overrides folder into the site: a link to a file elsewhere on the
    machine (/etc/passwd, a CI secret) stops the build before anything is written."""
    from legalgen.diagnostics import BuildError
    from legalgen.site.build import build_site

    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n", encoding="utf-8")
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    (project.root / "overrides" / "leak.txt").symlink_to(outside)
    (project.root / "overrides" / "inside.txt").symlink_to(project.root / "mkdocs.yml")  # inside: fine
    loaded = load_policy(project.source)
    with pytest.raises(BuildError, match="leak.txt links to .*outside the project"):
        build_site(project, loaded, load_history(loaded), AS_OF)
    assert not project.site.exists()


@pytest.mark.parametrize("custom_dir", ["''", ".", "site", "policy"])
def test_a_theme_folder_holding_the_project_is_refused(tmp_path: Path, custom_dir: str) -> None:
    """The theme folder is published file by file: one that holds the project, its source or
    the site would publish the source and grow the site with every build."""
    from legalgen.diagnostics import BuildError
    from legalgen.site.build import build_site

    project = copy_project(tmp_path)
    config = project.base_config.read_text(encoding="utf-8")
    project.base_config.write_text(config.replace("custom_dir: overrides", f"custom_dir: {custom_dir}"),
                                   encoding="utf-8")
    loaded = load_policy(project.source)
    with pytest.raises(BuildError, match="holds .*, and the site would publish it"):
        build_site(project, loaded, load_history(loaded), AS_OF)
    assert not project.site.exists()


@pytest.mark.parametrize("custom_dir", ["/etc", "../outside"])
def test_a_theme_folder_outside_the_project_is_never_published(tmp_path: Path, custom_dir: str) -> None:
    """theme.custom_dir is copied into the site like overrides/: a change of mkdocs.yml cannot
    make the site publish a folder elsewhere on the machine."""
    from legalgen.diagnostics import BuildError
    from legalgen.site.build import build_site

    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("secret\n", encoding="utf-8")
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    config = project.base_config.read_text(encoding="utf-8")
    assert "custom_dir: overrides" in config
    project.base_config.write_text(config.replace("custom_dir: overrides", f"custom_dir: {custom_dir}"),
                                   encoding="utf-8")
    loaded = load_policy(project.source)
    with pytest.raises(BuildError, match=f"theme.custom_dir '{custom_dir}' lies outside the project"):
        build_site(project, loaded, load_history(loaded), AS_OF)
    assert not project.site.exists()


def test_a_theme_that_drops_a_promised_banner_is_not_published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On 22 November the privacy notice's version 3 is announced, and the privacy notice says
    changes are announced on a banner. A main.html whose announce block prints nothing would
    publish a site that announces nothing: the build stops and the previous site stays. Where
    the texts promise no banner (announced by e-mail only), the same theme builds."""
    from legalgen.diagnostics import BuildError
    from legalgen.site.build import build_site
    from legalgen.source.model import Channel
    from legalgen.versions.snapshot import DocumentState

    project = copy_project(tmp_path)
    main = project.root / "overrides" / "main.html"
    text = main.read_text(encoding="utf-8")
    start = text.index("{% block announce")
    end = text.index("{%- endblock %}", start) + len("{%- endblock %}")
    main.write_text(text[:start] + "{% block announce %}{% endblock %}" + text[end:], encoding="utf-8")
    loaded = load_policy(project.source)
    with pytest.raises(BuildError, match=r"(en|de|fr)/[a-z/]*index.html does not show the banner of the notice "
                                         r"privacy-v3, which the privacy text promises \(changes.channels: banner\): "
                                         r"the theme \(overrides/main.html and the templates it extends\) does not "
                                         r"print config.extra.legalgen.notices .* or, if the site does not announce "
                                         r"changes on a banner, remove banner from changes.channels"):
        build_site(project, loaded, load_history(loaded), AS_OF)
    assert not project.site.exists()

    shown = DocumentState.shown.fget  # type: ignore[attr-defined]

    def by_email(state: DocumentState) -> object:
        document = shown(state)
        changes = document.changes and document.changes.model_copy(update={"channels": [Channel.EMAIL]})
        return document.model_copy(update={"changes": changes})

    monkeypatch.setattr(DocumentState, "shown", property(by_email))
    build_site(project, loaded, load_history(loaded), AS_OF)
    assert "legalgen-notice" not in (project.site / "en" / "privacy" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("html", "shown"), [
    ('<p class="legalgen-notice" data-notice="privacy-v3">', True),
    ("<p class=legalgen-notice data-notice=privacy-v3>", True),  # as a minifier leaves it
    ("<p data-notice='privacy-v3' hidden>", True),  # hidden: the mark cannot tell
    ('<p data-notice="privacy-v30">', False),
    ("<p>privacy-v3</p>", False),
])
def test_the_banner_is_found_by_its_mark_in_any_quoting(tmp_path: Path, html: str, shown: bool) -> None:
    from legalgen.diagnostics import BuildError
    from legalgen.site.build import _refuse_missing_banners

    (tmp_path / "en" / "privacy").mkdir(parents=True)
    (tmp_path / "en" / "privacy" / "index.html").write_text(f"<html><body>{html}</body></html>", encoding="utf-8")
    project = Project.at(tmp_path)

    def check() -> None:
        _refuse_missing_banners(tmp_path / "en", [PurePosixPath("privacy/index.md")], {"privacy-v3": "privacy"},
                                project, tmp_path / "overrides")

    if shown:
        check()
    else:
        with pytest.raises(BuildError, match="en/privacy/index.html does not show the banner of the notice privacy-v3"):
            check()
