"""The built site in Debian's chromium, driven by Playwright: the language switcher stays on the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from legalgen.project import Project
from legalgen.site.build import build_site
from legalgen.source.load import load_policy
from legalgen.versions.history import load_history

from ..browsing import free_port, serve
from ..conftest import copy_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]



ENGINES = ["mkdocs", "zensical"]


@pytest.fixture(scope="module", params=ENGINES)
def served(request: pytest.FixtureRequest) -> Iterator[str]:
    """The site built as of 2026-11-22 (a notice is open), by each engine."""
    project: Project = request.getfixturevalue("built_site" if request.param == "mkdocs" else "built_site_zensical")
    with serve(project.site) as url:
        yield url


@pytest.fixture(scope="module", params=ENGINES)
def served_after(request: pytest.FixtureRequest) -> Iterator[str]:
    """The site built as of 2026-12-15 (the new version is in force), by each engine."""
    name = "built_site_after" if request.param == "mkdocs" else "built_site_after_zensical"
    project: Project = request.getfixturevalue(name)
    with serve(project.site) as url:
        yield url




def _heading(page) -> str:  # type: ignore[no-untyped-def]
    """The page title without the permalink sign the toc extension appends."""
    return str(page.locator("h1").inner_text()).rstrip("¶").strip()


def test_switch_from_german_to_french_privacy_page(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/de/privacy/")
    assert _heading(page) == "Datenschutzerklärung"
    page.locator(".md-header__option .md-select").hover()
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(f"{served}/fr/privacy/")
    assert _heading(page) == "Politique de confidentialité"
    assert page.locator("html").get_attribute("lang") == "fr"
    page.close()


def test_root_page_leads_to_each_language(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/")
    page.get_by_role("link", name="Deutsch").click()
    page.wait_for_url(f"{served}/de/")
    page.get_by_role("link", name="Impressum").first.click()
    page.wait_for_url(f"{served}/de/imprint/")
    assert "Amtsgericht Charlottenburg" in page.content()
    page.close()


def test_history_leads_to_an_archived_version_and_its_redline(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/en/privacy/history/")
    assert _heading(page) == "Privacy policy: version history"
    page.locator("tr", has_text="1 May 2025").get_by_role("link", name="1", exact=True).click()
    page.wait_for_url(f"{served}/en/privacy/v1/")
    assert _heading(page) == "Privacy policy, version 1"
    assert "This version was in force until 28 February 2026." in page.inner_text("article")
    page.get_by_role("link", name="All versions").click()
    page.wait_for_url(f"{served}/en/privacy/history/")
    page.locator("tr", has_text="30 January 2026").get_by_role("link", name="changes").click()
    page.wait_for_url(f"{served}/en/privacy/v2/changes/")
    redline = page.locator(".legalgen-redline")
    assert redline.locator("ins").count() > 0 and redline.locator("del").count() > 0
    assert "line-through" in redline.locator("del").first.evaluate("e => getComputedStyle(e).textDecorationLine")
    storage = redline.locator("li", has_text="after the request is closed")
    assert storage.locator("del").inner_text() == "3" and storage.locator("ins").inner_text() == "2"
    page.close()


BANNER = {
    "en": ("Privacy policy: a new version takes effect on 15 December 2026.", "See what changes"),
    "de": ("Datenschutzerklärung: Am 15. Dezember 2026 tritt eine neue Fassung in Kraft.", "Änderungen ansehen"),
    "fr": ("Politique de confidentialité\u00a0: une nouvelle version entre en vigueur le 15 décembre 2026.",
           "Voir les modifications"),
}


def _visitor_page(browser, day: dt.date):  # type: ignore[no-untyped-def]
    """A fresh page whose clock says ``day`` (the banner script reads the visitor's date)."""
    context = browser.new_context()
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime.combine(day, dt.time(12)))
    return context, page


@pytest.mark.parametrize("locale", ["en", "de", "fr"])
def test_banner_during_the_notice_window(served: str, browser, locale: str) -> None:  # type: ignore[no-untyped-def]
    context, page = _visitor_page(browser, dt.date(2026, 11, 22))
    page.goto(f"{served}/{locale}/refund/")
    banner = page.locator("[data-md-component=announce] .legalgen-notice")
    assert banner.is_visible()
    text, link = BANNER[locale]
    assert text in banner.inner_text()
    banner.get_by_role("link", name=link).click()
    page.wait_for_url(f"{served}/{locale}/privacy/upcoming/")
    assert page.locator(".legalgen-redline ins").count() > 0
    context.close()


def test_banner_can_be_dismissed(served: str, browser) -> None:  # type: ignore[no-untyped-def]
    context, page = _visitor_page(browser, dt.date(2026, 11, 22))
    page.goto(f"{served}/en/imprint/")
    page.locator("[data-md-component=announce] .md-banner__button").click()
    page.reload()
    assert not page.locator("[data-md-component=announce] .legalgen-notice").is_visible()
    context.close()


def test_banner_hides_itself_once_the_visitors_date_passes_the_effective_date(
    served: str, browser  # type: ignore[no-untyped-def]
) -> None:
    context, page = _visitor_page(browser, dt.date(2026, 12, 15))
    page.goto(f"{served}/en/privacy/")
    assert page.locator(".legalgen-notice").count() == 1
    assert not page.locator("[data-md-component=announce]").is_visible()
    context.close()


@pytest.mark.parametrize("locale", ["en", "de", "fr"])
def test_no_banner_after_the_effective_date(served_after: str, browser, locale: str) -> None:  # type: ignore[no-untyped-def]
    context, page = _visitor_page(browser, dt.date(2026, 12, 15))
    page.goto(f"{served_after}/{locale}/privacy/")
    assert page.locator(".legalgen-notice").count() == 0
    assert page.locator(".md-banner").count() == 0
    version = {"en": "Version 3 ·", "de": "Fassung 3 ·", "fr": "Version 3 ·"}[locale]
    assert page.locator("article em").first.inner_text().startswith(version)
    context.close()


PAGE_TYPES = ["", "privacy/", "privacy/v1/", "privacy/history/", "privacy/v2/changes/", "privacy/upcoming/",
              "cookies/", "refund/", "imprint/", "404.html"]


@pytest.fixture(scope="module")
def served_at_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example built for the address it is served at, as a host serves its own base_url.

    The theme fetches the sitemap next to each hreflang alternate of a page; those are the
    site's own absolute URLs, so they must point at the server under test.
    """
    port = free_port()
    project = copy_project(tmp_path_factory.mktemp("home"))
    site = project.source / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace(
        "https://legal.lumenstream.example/", f"http://127.0.0.1:{port}/"), encoding="utf-8")
    loaded = load_policy(project.source)
    build_site(project, loaded, load_history(loaded), dt.date(2026, 11, 22))
    with serve(project.site, port) as url:
        yield url


@pytest.mark.parametrize("locale", ["en", "de", "fr"])
def test_no_request_leaves_the_site(served_at_home: str, browser, locale: str) -> None:  # type: ignore[no-untyped-def]
    """Every page type loads only from the site itself: no font, script, style or image elsewhere."""
    served = served_at_home
    context = browser.new_context()
    requested: list[str] = []
    context.route("**/*", lambda route: (requested.append(route.request.url), route.continue_()
                                         if route.request.url.startswith(served) else route.abort()))
    page = context.new_page()
    for path in [*(f"{locale}/{path}" for path in PAGE_TYPES), *([""] if locale == "en" else []), "404.html"]:
        page.goto(f"{served}/{path}", wait_until="networkidle")
    elsewhere = sorted({url for url in requested if not url.startswith(served)})
    assert elsewhere == []
    assert len(requested) > len(PAGE_TYPES)  # the interception saw the pages and their assets
    context.close()


@pytest.mark.parametrize("address", ["/.well-known/privacy-policy", "/.well-known/privacy-policy/"])
def test_the_well_known_address_forwards_to_the_privacy_policy(served_at_home: str, browser,
                                                               address: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served_at_home}{address}")
    page.wait_for_url(f"{served_at_home}/en/privacy/")
    assert _heading(page) == "Privacy policy"
    page.close()


@pytest.mark.parametrize(("locale", "title", "home", "other"), [
    ("en", "Page not found", "Go to the home page", "Deutsch"),
    ("de", "Seite nicht gefunden", "Zur Startseite", "Français"),
    ("fr", "Page introuvable", "Aller à la page d'accueil", "English"),
])
def test_not_found_pages_speak_the_language_and_link_home(served: str, browser, locale: str, title: str,
                                                          home: str, other: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/{locale}/404.html")
    assert _heading(page) == title
    page.get_by_role("link", name=home).click()
    page.wait_for_url(f"{served}/{locale}/")
    page.goto(f"{served}/{locale}/404.html")
    page.locator(".md-header__option .md-select").hover()
    page.get_by_role("link", name=other).click()
    target = {"Deutsch": "de", "Français": "fr", "English": "en"}[other]
    page.wait_for_url(f"{served}/{target}/")
    page.goto(f"{served}/404.html")
    assert page.get_by_role("link", name=home).get_attribute("href") == f"/{locale}/"
    page.close()


@pytest.mark.parametrize("locale", ["de", "fr"])
def test_theme_speaks_the_language(served: str, browser, locale: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{served}/{locale}/privacy/")
    permalinks = page.locator("a.headerlink")
    assert permalinks.count() > 10
    assert {permalinks.nth(i).get_attribute("title") for i in range(permalinks.count())} == {
        {"de": "Permanenter Link", "fr": "Lien permanent"}[locale]}
    assert "Made with" not in page.content() and "Material for MkDocs" not in page.inner_text("body")
    page.close()


@pytest.mark.parametrize("path", ["privacy/", "privacy/v1/", "refund/"])
def test_every_page_names_its_alternates(served: str, browser, path: str) -> None:  # type: ignore[no-untyped-def]
    """Per-page hreflang: each language's version of this very page, and the root as x-default."""
    page = browser.new_page()
    page.goto(f"{served}/de/{path}")
    links = page.locator('link[rel="alternate"][hreflang]').evaluate_all(
        "(ls) => Object.fromEntries(ls.map((l) => [l.hreflang, l.getAttribute('href')]))")
    base = "https://legal.lumenstream.example/"
    assert {links[locale] for locale in ("en", "de", "fr")} == {f"{base}{locale}/{path}" for locale in ("en", "de", "fr")}
    page.close()


def test_the_classic_look_is_selected_explicitly() -> None:
    """Zensical's own look is modern; the base config selects Material's classic look for both engines."""
    import yaml

    from ..conftest import REPO

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["variant"] == "classic"
