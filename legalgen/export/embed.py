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

from legalgen.markdown_safety import markdown_html
from legalgen.notices import page_url
from legalgen.render import TEMPLATES, LocaleRenderer
from legalgen.snapshot import DocumentState, Snapshot
from legalgen.typography import typeset

FOLDER = "embed"
_ASSETS = Path(__file__).resolve().parent.parent / "assets" / "embed"


def embed_files(snapshot: Snapshot) -> dict[str, bytes]:
    """Every file of the embed, by its path below the site root."""
    loaded = snapshot.loaded
    site = loaded.policy.site
    locales = [str(locale) for locale in site.locales]
    renderers = [LocaleRenderer(loaded, locale) for locale in locales]
    env = jinja2.Environment(loader=TEMPLATES, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    page = env.get_template("embed.html.j2")
    files = {f"{FOLDER}/{path.name}": path.read_bytes() for path in sorted(_ASSETS.iterdir()) if path.is_file()}
    for state in snapshot.documents:
        if not state.visible:
            continue
        languages = []
        for renderer in renderers:
            locale = renderer.locale
            title = renderer.title(state.shown)
            canonical = page_url(loaded, locale, f"{state.slug}/")
            source = renderer.gettext("View this document on %(site)s") % {"site": site.name_in(locale)}
            html = page.render(locale=locale, locales=None, title=_page_title(site, locale, title),
                               canonical=canonical, assets="../",
                               content=markdown_html(_markdown(renderer, state, snapshot)), source=source)
            files[f"{FOLDER}/{state.slug}/{locale}.html"] = html.encode("utf-8")
            languages.append({"locale": locale, "title": title})
        default = str(site.default_locale)
        chooser = page.render(locale=default, locales=locales, default=default, canonical=None,
                              title=_page_title(site, default, languages[locales.index(default)]["title"]),
                              assets="../", content=None, languages=languages)
        files[f"{FOLDER}/{state.slug}/index.html"] = chooser.encode("utf-8")
    return files


def _page_title(site: Any, locale: str, title: str) -> str:
    """The title of an embed page: the site's name and the document's, as the well-known pages have it."""
    return typeset(f"{site.name_in(locale)}: {title}", locale)


def _markdown(renderer: LocaleRenderer, state: DocumentState, snapshot: Snapshot) -> str:
    """The Markdown of the embed's page: what the document's current page shows, without the
    site's navigation and version links."""
    selection = state.selection
    title = renderer.title(state.shown)
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
            "upcoming": page_url(snapshot.loaded, renderer.locale, f"{state.slug}/v{upcoming.number}/"),
            "upcoming_changes": page_url(snapshot.loaded, renderer.locale, f"{state.slug}/upcoming/"),
        }
    return renderer.render("embed.md.j2", body=current.bodies[renderer.locale], **context)


__all__ = ["FOLDER", "embed_files"]
