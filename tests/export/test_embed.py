"""The embeddable current text: its files, and in Debian's chromium from a second origin
with a strict Content Security Policy, no cookie and no request to anywhere else."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from legalgen.export.embed import embed_files
from legalgen.project import Project
from legalgen.source import model as m
from legalgen.source.load import LoadedPolicy
from legalgen.versions.history import History
from legalgen.versions.snapshot import take_snapshot

from ..browsing import serve
from ..conftest import AS_OF


def test_each_document_has_a_chooser_and_a_page_per_language(example: LoadedPolicy, example_history: History) -> None:
    files = embed_files(take_snapshot(example, example_history, AS_OF))
    for slug in ("privacy", "cookies", "refund", "imprint"):
        assert {f"embed/{slug}/{name}" for name in ("index.html", "en.html", "de.html", "fr.html")} <= set(files)
    assert {"embed/embed.js", "embed/embed.css"} <= set(files)
    german = files["embed/privacy/de.html"].decode()
    assert "<h1" in german and "Datenschutzerklärung</h1>" in german
    assert "Fassung 2 · gültig ab 1. März 2026" in german
    assert "Am 15. Dezember 2026 tritt eine neue Fassung in Kraft." in german
    assert 'href="https://legal.lumenstream.example/de/privacy/v3/"' in german
    assert "Dieses Dokument auf Lumenstream – Rechtliches ansehen" in german
    for name, data in files.items():
        if name.endswith(".html"):
            page = data.decode()
            assert "default-src 'none'" in page
            assert "<style" not in page and " style=" not in page  # no inline style
            assert re.findall(r"<script[^>]*>", page) in ([], ['<script src="../embed.js">']), name
    french = files["embed/privacy/fr.html"].decode()
    assert "Version 2 · en vigueur à compter du 1er mars 2026" in french


def test_links_to_the_new_version_survive_any_base_url(example: LoadedPolicy, example_history: History) -> None:
    """A parenthesis in the site's address would end a Markdown link early: it is percent-encoded."""
    site = example.policy.site.model_copy(update={"base_url": "https://shop.example/legal(eu)/"})
    odd = replace(example, policy=example.policy.model_copy(update={"site": site}))
    german = embed_files(take_snapshot(odd, example_history, AS_OF))["embed/privacy/de.html"].decode()
    assert 'href="https://shop.example/legal%28eu%29/de/privacy/v3/"' in german
    assert 'href="https://shop.example/legal%28eu%29/de/privacy/upcoming/"' in german
    assert "(eu)/de/privacy/v3/)" not in german


def test_links_in_the_text_lead_where_they_lead_on_the_site(example: LoadedPolicy) -> None:
    """The embed lives under embed/<slug>/: a relative link of the text is resolved against
    the document's own page, and a link to a place in the text stays in the frame."""
    privacy = example.policy.documents["privacy"]
    intro = m.Text({"en": "See [cookies](../cookies/), [your rights](#rights) and [us](https://other.example/x).",
                    "de": "-", "fr": "-"})
    changed = replace(example, policy=example.policy.model_copy(update={"documents": {
        **example.policy.documents, "privacy": privacy.model_copy(update={"intro": intro})}}))
    page = embed_files(take_snapshot(changed, None, None))["embed/privacy/en.html"].decode()
    assert '<a href="https://legal.lumenstream.example/en/cookies/">cookies</a>' in page
    assert '<a href="#rights" target="_self">your rights</a>' in page
    assert '<a href="https://other.example/x">us</a>' in page


def test_a_table_column_keeps_its_alignment_under_the_embeds_policy(example: LoadedPolicy) -> None:
    """The Content Security Policy allows no inline style: an aligned column is an ``align``
    attribute that the embed's stylesheet honours."""
    privacy = example.policy.documents["privacy"]
    intro = m.Text({"en": "| Plan | Price |\n|:-----|------:|\n| Basic | 5 € |\n", "de": "-", "fr": "-"})
    changed = replace(example, policy=example.policy.model_copy(update={"documents": {
        **example.policy.documents, "privacy": privacy.model_copy(update={"intro": intro})}}))
    files = embed_files(take_snapshot(changed, None, None))
    page = files["embed/privacy/en.html"].decode()
    assert '<td align="right">5 €</td>' in page and " style=" not in page
    assert "td[align=right] { text-align: right; }" in files["embed/embed.css"].decode()


def test_a_draft_shows_its_last_update_where_the_source_gives_it(example: LoadedPolicy) -> None:
    page = embed_files(take_snapshot(example, None, None))["embed/privacy/en.html"].decode()
    assert "Last updated" not in page and "Version" not in page.split("</h1>")[1][:200]
    privacy = example.policy.documents["privacy"].model_copy(update={"last_updated": dt.date(2026, 3, 1)})
    dated = replace(example, policy=example.policy.model_copy(
        update={"documents": {**example.policy.documents, "privacy": privacy}}))
    page = embed_files(take_snapshot(dated, None, None))["embed/privacy/en.html"].decode()
    assert "<em>Last updated: 1 March 2026</em>" in page


@pytest.fixture(scope="module")
def two_origins(built_site: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The built site on one origin and a shop page that embeds it on another."""
    with serve(built_site.site) as site:
        shop: Path = tmp_path_factory.mktemp("shop")
        with serve(shop) as host:
            for name, query in (("index.html", ""), ("french.html", "?lang=fr")):
                (shop / name).write_text(
                    '<!DOCTYPE html><html><head><meta charset="utf-8">'
                    f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; frame-src {site}\">"
                    "<title>Shop</title></head><body><h1>Shop</h1>"
                    f'<iframe src="{site}/embed/privacy/{query}" width="800" height="700" title="Privacy"></iframe>'
                    "</body></html>", encoding="utf-8")
            yield site, host


def _embedded(browser, host: str, page_name: str, locale: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale=locale)
    requested: list[str] = []
    problems: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{host}/{page_name}", wait_until="networkidle")
    frame = next(frame for frame in page.frames if frame.url.endswith(".html") and "/embed/" in frame.url)
    return context, page, frame, requested, problems


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("locale", "page_name", "shown", "heading", "notice"), [
    ("de-DE", "index.html", "de.html", "Datenschutzerklärung", "Eine neue Fassung wurde angekündigt"),
    ("en-GB", "index.html", "en.html", "Privacy policy", "A new version has been announced"),
    ("es-ES", "index.html", "en.html", "Privacy policy", "A new version has been announced"),  # default language
    ("de-DE", "french.html", "fr.html", "Politique de confidentialité", "Une nouvelle version a été annoncée"),
])
def test_the_embed_shows_the_current_text_in_the_visitors_language(
        two_origins: tuple[str, str], browser, locale: str, page_name: str, shown: str, heading: str,
        notice: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site, host = two_origins
    context, page, frame, requested, problems = _embedded(browser, host, page_name, locale)
    assert frame.url == f"{site}/embed/privacy/{shown}"
    assert frame.locator("h1").inner_text().strip() == heading
    assert notice in frame.locator(".legalgen-upcoming").inner_text()
    assert frame.evaluate("document.cookie") == ""
    assert context.cookies() == []
    assert problems == []  # no CSP violation, no script error
    assert {re.match(r"https?://[^/]+", url)[0] for url in requested} <= {site, host}  # type: ignore[index]
    assert any(url.endswith("/embed/embed.css") for url in requested)
    link = frame.locator(".legalgen-source a")
    assert link.get_attribute("href", timeout=1000).endswith("/privacy/")
    if shown == "de.html":
        page.screenshot(path=str(tmp_path / "embed.png"))
    context.close()


def test_a_first_version_announced_says_when_it_takes_effect_and_claims_no_current_one(
        example: LoadedPolicy, example_history: History) -> None:
    from legalgen.render.pages import locale_pages
    from legalgen.render.renderer import LocaleRenderer

    version = example_history.of("privacy")[0]
    announced = replace(version, release=version.release.model_copy(
        update={"effective": version.release.published + dt.timedelta(days=30)}))
    history = History({**example_history.documents, "privacy": (announced,)})
    snapshot = take_snapshot(example, history, version.release.published)
    assert snapshot.state("privacy").selection.in_force is None  # type: ignore[union-attr]
    page = embed_files(snapshot)["embed/privacy/en.html"].decode()
    assert "Upcoming version" in page and "This version takes effect on" in page and "Until then" not in page
    pages = {p.path.as_posix(): p.text for p in locale_pages(snapshot, LocaleRenderer(example, "de"))}
    for path in ("privacy/index.md", "privacy/v1/index.md"):
        assert "Diese Fassung tritt am" in pages[path] and "Bis dahin" not in pages[path], path
