"""The built site in Debian's chromium, driven by Playwright: the language switcher stays on the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from legalgen.project import Project

from .browsing import serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]



@pytest.fixture(scope="module")
def served(built_site: Project) -> Iterator[str]:
    """The site built as of 2026-11-22 (a notice is open)."""
    with serve(built_site.site) as url:
        yield url


@pytest.fixture(scope="module")
def served_after(built_site_after: Project) -> Iterator[str]:
    """The site built as of 2026-12-15 (the new version is in force)."""
    with serve(built_site_after.site) as url:
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
    "fr": ("Politique de confidentialité : une nouvelle version entre en vigueur le 15 décembre 2026.",
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
