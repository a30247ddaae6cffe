"""The current text of each document for other sites to embed, in an ``<iframe>``.

For every document with pages the site gets::

    embed/<slug>/index.html     chooses the visitor's language (?lang=xx, else the browser's
                                languages, else the site's default) and goes to that page
    embed/<slug>/<locale>.html  the current text in one language: title, version line, the
                                notice of an upcoming version, the text, a link to the page
    embed/embed.js, embed.css   the only script and stylesheet, served by the site itself

A shop or app embeds ``<iframe src="https://legal.example/embed/privacy/">`` (or a language's
page directly). The pages set no cookie, use no storage and load nothing from anywhere but
their own site; they carry no inline script or style, and their own Content Security Policy
allows only the site's script and stylesheet, so the embedding page needs only
``frame-src`` for the legal site in its policy. Links open outside the frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from legalgen.export.discovery import site_title
from legalgen.notices.announcements import page_url, version_path
from legalgen.render.markdown_safety import link_destination, markdown_html
from legalgen.render.renderer import LocaleRenderer
from legalgen.versions.snapshot import DocumentState, Snapshot

FOLDER = "embed"
_ASSETS = Path(__file__).resolve().parent.parent / "assets" / "embed"


def embed_files(snapshot: Snapshot) -> dict[str, bytes]:
    """Every file of the embed, by its path below the site root."""
    loaded = snapshot.loaded
    site = loaded.policy.site
    renderers = {str(locale): LocaleRenderer(loaded, locale) for locale in site.locales}
    files = {f"{FOLDER}/{path.name}": path.read_bytes() for path in sorted(_ASSETS.iterdir()) if path.is_file()}
    for state in snapshot.documents:
        if not state.visible:
            continue
        titles = {locale: renderer.title(state.shown) for locale, renderer in renderers.items()}
        for locale, renderer in renderers.items():
            canonical = page_url(loaded, locale, f"{state.slug}/")
            html = _page(renderer).render(
                locale=locale, locales=None, title=site_title(site, locale, titles[locale]),
                canonical=canonical, assets="../",
                # the text was written for its page on the site: its relative links lead from there
                content=markdown_html(_markdown(renderer, state, snapshot, titles[locale]), base=canonical,
                                      fragments_in_frame=True),
                source=renderer.gettext("View this document on %(site)s") % {"site": site.name_in(locale)})
            files[f"{FOLDER}/{state.slug}/{locale}.html"] = html.encode("utf-8")
        default = str(site.default_locale)
        chooser = _page(renderers[default]).render(
            locale=default, locales=list(renderers), default=default, canonical=None, assets="../", content=None,
            title=site_title(site, default, titles[default]),
            languages=[{"locale": locale, "title": title} for locale, title in titles.items()])
        files[f"{FOLDER}/{state.slug}/index.html"] = chooser.encode("utf-8")
    return files


def _page(renderer: LocaleRenderer) -> jinja2.Template:
    """The embed's HTML page template, from the locale's shared environment (autoescaped, as
    every ``*.html.j2``)."""
    return renderer.env.get_template("embed.html.j2")


def _markdown(renderer: LocaleRenderer, state: DocumentState, snapshot: Snapshot, title: str) -> str:
    """The Markdown of the embed's page: what the document's current page shows, without the
    site's navigation and version links."""
    selection = state.selection
    context: dict[str, Any] = {"heading": title, "version": None, "upcoming": None, "updated": None, "links": {},
                               "first": False}
    if selection is None:
        context["updated"] = state.document.last_updated
        return renderer.render("embed.md.j2", body=renderer.body(state.document), **context)
    current = selection.in_force or selection.upcoming
    assert current is not None
    context["version"] = current
    context["first"] = selection.in_force is None  # announced, nothing in force yet
    if selection.in_force is not None and selection.upcoming is not None:
        upcoming = selection.upcoming
        context["upcoming"] = upcoming
        context["links"] = {
            "upcoming": link_destination(page_url(snapshot.loaded, renderer.locale,
                                                  version_path(state.slug, upcoming.number))),
            "upcoming_changes": link_destination(page_url(snapshot.loaded, renderer.locale, f"{state.slug}/upcoming/")),
        }
    return renderer.render("embed.md.j2", body=current.bodies[renderer.locale], **context)


__all__ = ["FOLDER", "embed_files"]
