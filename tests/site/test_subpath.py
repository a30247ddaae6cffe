"""The site under a sub-path (a GitHub Pages project site, https://owner.github.io/repo/), in chromium.

The example is built for http://127.0.0.1:<port>/legal/ and served there: the root page,
the language switcher, the banner, feeds, hreflang alternates, the 404 page and the
sitemap all stay under /legal/.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest

from legalgen.project import Project
from legalgen.site.build import build_site
from legalgen.source.load import load_policy
from legalgen.versions.history import load_history

from ..browsing import free_port, serve
from ..conftest import copy_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def subpath(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    root = tmp_path_factory.mktemp("subpath")
    project = copy_project(root)
    site_file = project.source / "site.yaml"
    site_file.write_text(site_file.read_text(encoding="utf-8").replace(
        "https://legal.lumenstream.example/", f"http://127.0.0.1:{port}/legal/"), encoding="utf-8")
    served = root / "host"
    served.mkdir()
    project = Project.at(root, site=served / "legal")
    loaded = load_policy(project.source)
    build_site(project, loaded, load_history(loaded), dt.date(2026, 11, 22))
    with serve(served, port) as url:
        yield f"{url}/legal"


def _status(url: str) -> int:
    with urllib.request.urlopen(url) as response:
        return int(response.status)


def test_root_page_and_switcher_stay_under_the_sub_path(subpath: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{subpath}/")
    page.get_by_role("link", name="Deutsch").click()
    page.wait_for_url(f"{subpath}/de/")
    page.goto(f"{subpath}/de/privacy/")
    page.locator(".md-header__option .md-select").hover()
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(f"{subpath}/fr/privacy/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.close()


def test_banner_feed_and_alternates_resolve(subpath: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{subpath}/en/privacy/")
    banner = page.locator(".md-banner")
    assert banner.is_visible() and "takes effect" in banner.inner_text()
    for link in banner.locator("a").all():
        target = page.evaluate("(a) => a.href", link.element_handle())
        assert target.startswith(f"{subpath}/en/") and _status(target) == 200
    feed = page.locator('link[type="application/atom+xml"]').first.get_attribute("href")
    assert feed is not None
    feed_url = page.evaluate("(href) => new URL(href, document.baseURI).href", feed)
    assert feed_url.startswith(f"{subpath}/") and _status(feed_url) == 200
    alternates = page.locator('link[rel="alternate"][hreflang]').evaluate_all("(ls) => ls.map((l) => l.href)")
    assert len(alternates) >= 3
    for href in alternates:
        assert href.startswith(f"{subpath}/") and _status(href) == 200
    page.close()


def test_not_found_page_links_home_under_the_sub_path(subpath: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(f"{subpath}/404.html")
    hrefs = page.locator("a").evaluate_all("(ls) => ls.map((l) => l.href)")
    assert hrefs and all(href.startswith(f"{subpath}/") for href in hrefs)
    page.close()


def test_sitemap_and_robots(subpath: str) -> None:
    with urllib.request.urlopen(f"{subpath}/sitemap.xml") as response:
        tree = ElementTree.fromstring(response.read())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = tree.findall("s:url", ns)
    locs = [u.findtext("s:loc", namespaces=ns) or "" for u in urls]
    assert f"{subpath}/de/privacy/" in locs and f"{subpath}/fr/privacy/v2/" in locs
    for url in urls:
        hreflangs = {link.get("hreflang") for link in url.findall("x:link", ns)}
        assert {"en", "de", "fr", "x-default"} <= hreflangs
    for loc in locs[:: max(1, len(locs) // 12)]:
        assert _status(loc) == 200
    with urllib.request.urlopen(f"{subpath}/robots.txt") as response:
        robots = response.read().decode()
    assert re.search(rf"^Sitemap: {re.escape(subpath)}/sitemap\.xml$", robots, re.MULTILINE)
    assert f"\nAllow: {urlsplit(subpath).path}/\n" in robots  # the site's path, never the whole host
