"""Every page of the site as of a date, in every locale.

For a document that was never released, its one page is rendered from the current
source (a draft). For a released document, the pages come from its frozen versions::

    <slug>/index.md            the version in force, with a notice of an upcoming one
    <slug>/history.md          every published version with dates and summaries
    <slug>/v<N>/index.md       permalink of version N
    <slug>/v<N>/changes.md     redline of version N against version N-1

The site search finds each text once: at its current page, and at its permalink while the
version is upcoming; older permalinks, redlines and the upcoming redline are left out of the
index (Material's ``search: exclude`` front matter).

Nothing here reads or writes files: the frozen texts come in through ``History``.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from legalgen.export import jsonld
from legalgen.export.discovery import head_links
from legalgen.export.jsonfeed import FILE as JSON_FEED
from legalgen.export.jsonfeed import json_feed
from legalgen.export.pdf import file_path as pdf_path
from legalgen.notices.announcements import atom_feed, feed_content, page_url, version_path
from legalgen.render.i18n import Formatter, language_name
from legalgen.render.renderer import LocaleRenderer, Page, document_slug, escape_markdown
from legalgen.render.typography import typeset
from legalgen.source.load import LoadedPolicy
from legalgen.versions.history import History, Version, select
from legalgen.versions.redline import released_redline
from legalgen.versions.snapshot import DocumentState, Notice, Snapshot, frozen, take_snapshot

FEED = "feed.xml"


@dataclass(frozen=True)
class _Paths:
    """Where the pages of one document live, relative to the locale's docs folder."""

    slug: str

    def current(self) -> PurePosixPath:
        return PurePosixPath(self.slug, "index.md")

    def history(self) -> PurePosixPath:
        return PurePosixPath(self.slug, "history.md")

    def version(self, number: int) -> PurePosixPath:
        return PurePosixPath(self.slug, f"v{number}", "index.md")

    def changes(self, number: int) -> PurePosixPath:
        return PurePosixPath(self.slug, f"v{number}", "changes.md")

    def upcoming(self) -> PurePosixPath:
        return PurePosixPath(self.slug, "upcoming.md")


def _link(source: PurePosixPath, target: PurePosixPath) -> str:
    """A relative Markdown link from one docs file to another (MkDocs resolves .md links)."""
    return posixpath.relpath(target.as_posix(), source.parent.as_posix())


def render_pages(
    loaded: LoadedPolicy,
    history: History | None = None,
    as_of: dt.date | None = None,
    locales: list[str] | None = None,
) -> list[Page]:
    """All pages of the site as of ``as_of``; without a history, every document is a draft."""
    snapshot = take_snapshot(loaded, history, as_of)
    return [page for locale in locales or loaded.policy.site.locales
            for page in locale_pages(snapshot.in_locale(locale), LocaleRenderer(loaded, locale))]


def locale_pages(snapshot: Snapshot, renderer: LocaleRenderer) -> list[Page]:
    """Every page of one locale: each document's pages and the home page (``snapshot`` as
    the locale shows it, :meth:`~legalgen.versions.snapshot.Snapshot.in_locale`)."""
    pages: list[Page] = []
    titles = {}
    shown_documents = []
    for state in snapshot.documents:
        if not state.visible:
            continue
        if state.selection is None:
            pages.append(_draft_page(renderer, state.document))
            shown_documents.append(state.document)
        else:
            pages += _versioned_pages(renderer, state, page_url(snapshot.loaded, renderer.locale, ""),
                                      snapshot.loaded.policy.site)
            shown_documents.append(frozen(state.selection.published[-1], state.document))
        titles[state.key] = renderer.title(state.shown)
    home = renderer.render("index.md.j2", titles=titles, documents=shown_documents)
    site = snapshot.loaded.policy.site
    pages.append(Page(renderer.locale, PurePosixPath("index.md"), site.name_in(renderer.locale), home))
    return pages


def render_document(loaded: LoadedPolicy, kind: str, locale: str, renderer: LocaleRenderer | None = None) -> str:
    """The draft page of one document in one locale, rendered from the current source (by
    ``renderer``, the locale's renderer of ``loaded``, when the caller has one)."""
    return _draft_page(renderer or LocaleRenderer(loaded, locale), loaded.policy.documents[kind]).text


def _draft_page(renderer: LocaleRenderer, document: Any) -> Page:
    title = renderer.title(document)
    text = renderer.render(
        "page.md.j2", title=title, heading=title, body=renderer.body(document), updated=document.last_updated,
        languages=None,
        version=None, upcoming=None, state="draft", links={}, after_another=False, indexed=True, head_links=[],
    )
    return Page(renderer.locale, _Paths(document_slug(document)).current(), title, text)


def _version_links(base: str, slug: str, version: Version | None, published: tuple[Version, ...],
                   shown: Version) -> list[dict[str, str]]:
    """The version links (RFC 5829) of a page about ``version`` (None: the current page, which
    shows ``shown``), and the link to the notice as linked data where there is one."""
    links = [{"rel": "version-history", "href": f"{base}{slug}/history/"}]
    if jsonld.has_notice(shown):
        links.append({"rel": "alternate", "type": jsonld.MEDIA_TYPE, "href": f"{base}{version_path(slug, shown.number)}{jsonld.FILE}"})
    if version is None:
        return links
    links.append({"rel": "latest-version", "href": f"{base}{slug}/"})
    numbers = {other.number for other in published}  # of this language: one it skipped is not linked
    if version.number - 1 in numbers:
        links.append({"rel": "predecessor-version", "href": base + version_path(slug, version.number - 1)})
    if version.number + 1 in numbers:
        links.append({"rel": "successor-version", "href": base + version_path(slug, version.number + 1)})
    return links


def _versioned_pages(renderer: LocaleRenderer, state: DocumentState, base: str, site: Any) -> list[Page]:
    locale = renderer.locale
    selection, document = state.selection, state.document
    assert selection is not None
    current = selection.in_force or selection.upcoming
    assert current is not None
    title = renderer.title(state.shown)
    paths = _Paths(state.slug)
    upcoming = selection.upcoming if selection.in_force else None
    pages = []

    def page_links(here: PurePosixPath, version: Version) -> dict[str, str]:
        links = {
            "current": _link(here, paths.current()),
            "history": _link(here, paths.history()),
            "version": _link(here, paths.version(version.number)),
            "changes": _link(here, paths.changes(version.number)) if state.has_changes(version) else "",
            "pdf": _link(here, pdf_path(state.slug, version.number, locale)) if site.pdf else "",
        }
        if upcoming is not None:
            links["upcoming"] = _link(here, paths.version(upcoming.number))
            links["upcoming_changes"] = _link(here, paths.upcoming())
        return links

    locales = [str(each) for each in site.locales]

    def elsewhere(version: Version, changes: bool = False) -> dict[str, Any] | None:
        """Where the language switcher leads from a page that not every language has (a version
        released before a language was added): its languages, and the document's page for the others."""
        languages = state.languages(version, locales, changes=changes)
        return None if languages == locales else {"languages": languages, "fallback": f"{state.slug}/"}

    here = paths.current()
    pages.append(Page(locale, here, title, renderer.render(
        "page.md.j2", title=title, heading=title, body=current.bodies[locale], updated=current.release.published,
        languages=None,  # in force or announced: released in every language (V011)
        version=current, upcoming=upcoming, state=selection.state(current),
        links=page_links(here, current), until=None, after_another=False, indexed=True,
        first=current is selection.published[0],  # read only while it is upcoming
        head_links=_version_links(base, state.slug, None, selection.published, current),
    )))
    published = selection.published
    for index, version in enumerate(published):
        here = paths.version(version.number)
        version_state = selection.state(version)
        following = state.neighbour(version, +1)  # the version that replaced it, in whatever language
        until = following.release.effective - dt.timedelta(days=1) if following and version_state == "archived" else None
        own_title = renderer.title(frozen(version, document))
        heading = renderer.gettext("%(title)s, version %(number)s") % {"title": own_title, "number": version.number}
        pages.append(Page(locale, here, heading, renderer.render(
            "page.md.j2", title=heading, heading=heading, body=version.bodies[locale],
            languages=elsewhere(version),
            updated=version.release.published, version=version, upcoming=None, state=version_state,
            links=page_links(here, version), until=until,
            head_links=_version_links(base, state.slug, version, published, version),
            # the search finds a text once: at its current page, or at its permalink while upcoming
            indexed=version_state == "upcoming",
            # announced, with another announced version to take effect before it
            after_another=version_state == "upcoming" and selection.upcoming is not None
            and version.number > selection.upcoming.number,
            # announced as the first version: none is in force before it
            first=index == 0,
        )))
        if state.has_changes(version):
            previous = published[index - 1]
            here = paths.changes(version.number)
            changes_title = renderer.gettext("%(title)s: changes in version %(number)s") % {
                "title": own_title, "number": version.number}
            pages.append(Page(locale, here, changes_title, renderer.render(
                "redline.md.j2", title=changes_title, version=version, previous=previous,
                languages=elsewhere(version, changes=True),
                took_effect=version.release.effective <= selection.as_of,
                body=released_redline(previous.bodies[locale], version.bodies[locale]),
                links={"previous": _link(here, paths.version(previous.number)),
                       "version": _link(here, paths.version(version.number)),
                       "history": _link(here, paths.history())},
            )))
    if upcoming is not None and selection.in_force is not None:
        here = paths.upcoming()
        upcoming_title = renderer.gettext("%(title)s: upcoming version") % {"title": title}
        pages.append(Page(locale, here, upcoming_title, renderer.render(
            "upcoming.md.j2", title=upcoming_title, version=upcoming,
            body=released_redline(selection.in_force.bodies[locale], upcoming.bodies[locale]),
            links={"current": _link(here, paths.current()), "version": _link(here, paths.version(upcoming.number)),
                   "history": _link(here, paths.history())},
        )))
    here = paths.history()
    rows = []
    for version in reversed(select(state.versions, selection.as_of).published):  # in any language
        if version not in published:  # released before this language was added: where it can be read
            rows.append({"version": version, "unpublished": True, "elsewhere": [
                renderer.gettext("in %(language)s") % {"language": _language_link(state.slug, version.number, other, locale)}
                for other in state.languages(version, locales)]})
            continue
        rows.append({
            "version": version,
            "unpublished": False,
            "state": selection.state(version),
            "link": _link(here, paths.version(version.number)),
            "changes": _link(here, paths.changes(version.number)) if state.has_changes(version) else "",
        })
    history_title = renderer.gettext("%(title)s: version history") % {"title": title}
    pages.append(Page(locale, here, history_title, renderer.render(
        "history.md.j2", title=history_title, document_title=title, rows=rows,
        updated=published[-1].release.published, links={"current": _link(here, paths.current())},
    )))
    return pages


def _language_link(slug: str, number: int, other: str, locale: str) -> str:
    """A link from the history page of ``locale`` to the permalink of version ``number`` in
    ``other``, named in the page's language: the URL the other language's folder gives it
    (directory URLs, like every URL of the site)."""
    url = posixpath.relpath(f"{other}/{version_path(slug, number)}", f"{locale}/{slug}/history")
    return f"[{escape_markdown(language_name(other, locale))}]({url}/){{hreflang={other}}}"


def feeds(snapshot: Snapshot, renderer: LocaleRenderer) -> dict[PurePosixPath, bytes]:
    """The feeds of one locale by path: Atom (``<locale>/feed.xml``) and JSON Feed (``<locale>/feed.json``)."""
    titles = {(version.kind, version.number): renderer.title(frozen(version, state.document))
              for state in snapshot.documents if state.selection for version in state.selection.published}
    content = feed_content(
        snapshot, renderer.formatter, titles, feed_title=_feed_title(renderer, snapshot.loaded),
        entry_title=renderer.gettext("%(title)s, version %(number)s"),
        entry_text=renderer.gettext("%(summary)s Published on %(published)s, takes effect on %(effective)s."),
    )
    return {PurePosixPath(renderer.locale, FEED): atom_feed(content),
            PurePosixPath(renderer.locale, JSON_FEED): json_feed(content)}


def version_files(snapshot: Snapshot, renderer: LocaleRenderer,
                  progress: Callable[[str], None] = lambda message: None) -> dict[PurePosixPath, bytes]:
    """The files of one locale beside its version pages: the privacy notice of each published
    version as DPV JSON-LD (:mod:`legalgen.export.jsonld`) and, when the site publishes PDFs,
    each version's PDF (:mod:`legalgen.export.pdf`); ``progress`` hears of each PDF made anew
    (one not in the cache takes about half a second)."""
    site = snapshot.loaded.policy.site
    locale = renderer.locale
    if site.pdf:
        from legalgen.export import pdf

        pdf.require()
    files = {}
    for state in snapshot.documents:
        if state.selection is None or not state.visible:
            continue
        published = state.selection.published
        for version in published:
            folder = PurePosixPath(locale, state.slug, f"v{version.number}")
            url = page_url(snapshot.loaded, locale, version_path(state.slug, version.number))
            if jsonld.has_notice(version):
                previous = page_url(snapshot.loaded, locale, version_path(state.slug, version.number - 1)) \
                    if state.has_changes(version) else None
                files[folder / jsonld.FILE] = jsonld.notice_json(
                    version, renderer.formatter, url, previous=previous,
                    current=page_url(snapshot.loaded, locale, f"{state.slug}/"), site=site.base_url)
            if site.pdf:
                path = PurePosixPath(locale, pdf_path(state.slug, version.number, locale))
                files[path] = pdf.version_pdf(renderer, version, state.document, site.name_in(locale), url,
                                              rendering=partial(progress, f"making {locale}/{path.name}"))
    return files


def banner_id(notice: Notice) -> str:
    """The id of a notice in the theme's banner (``data-notice`` of its paragraph)."""
    return f"{notice.kind}-v{notice.version.release.version}"


def theme_extras(snapshot: Snapshot, renderer: LocaleRenderer) -> dict[str, Any]:
    """Localized data the theme overrides show: the banner of open material notices and the feed."""
    loaded = snapshot.loaded
    banner = []
    for notice in snapshot.notices:
        if not notice.material:
            continue
        document = loaded.policy.documents[notice.kind]
        release = notice.version.release
        banner.append({
            "id": banner_id(notice),
            "effective": release.effective.isoformat(),
            "text": typeset(renderer.gettext("%(title)s: a new version takes effect on %(date)s.") % {
                "title": renderer.title(document), "date": renderer.formatter.date(release.effective)}, renderer.locale),
            "link": renderer.gettext("See what changes"),
            "path": f"{notice.slug}/upcoming/",
        })
    return {
        "notices": banner,
        "feed": {"path": FEED, "json_path": JSON_FEED, "title": _feed_title(renderer, loaded)},
        "links": head_links(snapshot, renderer.locale),
        "root": urlsplit(loaded.policy.site.base_url).path,
        "not_found": not_found_texts(renderer.formatter),
    }


def not_found_texts(formatter: Formatter) -> dict[str, str]:
    """What a 404 page says in one language: its title, a sentence and the link to the home page."""
    return {
        "title": formatter.gettext("Page not found"),
        "text": formatter.gettext("There is no page at this address."),
        "home": formatter.gettext("Go to the home page"),
    }


def _feed_title(renderer: LocaleRenderer, loaded: LoadedPolicy) -> str:
    return renderer.gettext("%(site)s: changes to our legal documents") % {"site": loaded.policy.site.name_in(renderer.locale)}
