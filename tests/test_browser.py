"""The built site in Debian's chromium, driven by Playwright: the language switcher stays on the page."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from legalgen.project import Project

from .conftest import in_ci

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def served(built_site: Project) -> Iterator[str]:
    """The built site served on 127.0.0.1 on a free port."""
    handler = functools.partial(_QuietHandler, directory=str(built_site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        if in_ci():
            pytest.fail("/usr/bin/chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


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
