"""Discovery: where user agents and crawlers find a site's policies without reading its pages.

legalgen follows the Policy Discovery proposal (https://mikewest.github.io/privacy-policy-discovery/,
an unofficial draft discussed in the W3C Privacy Community Group), which defines

- the link types ``privacy-policy`` and ``terms-of-service`` (registered with IANA by
  RFC 6903): every page's head links the current privacy notice and, where a custom
  document is marked ``terms_of_service``, the terms, in the page's language;
- the well-known URLs ``/.well-known/privacy-policy`` and ``/.well-known/terms-of-service``
  (RFC 8615), which should redirect to the policy. A static host cannot send a redirect
  of its own, so each is a folder whose ``index.html`` refreshes to the policy's current page
  in the default language and links it in every language (hosts answer the folder's URL
  without the slash with a redirect to it). They only work when the site is served at the
  root of its origin.

Version pages also carry the version link types of RFC 5829 (``version-history``,
``latest-version``, ``predecessor-version``, ``successor-version``), and every page links the
JSON Feed and ``policy.json`` as alternates (see :mod:`legalgen.render.pages`).
"""

from __future__ import annotations

import html

from legalgen.notices.announcements import page_url
from legalgen.render.i18n import Formatter
from legalgen.render.renderer import document_title
from legalgen.render.typography import typeset
from legalgen.source.model import SiteConfig
from legalgen.versions.snapshot import DocumentState, Snapshot


def policy_targets(snapshot: Snapshot) -> dict[str, DocumentState]:
    """Each discoverable policy by link type: the privacy notice and the terms of service,
    where the site has them and shows them."""
    targets = {}
    for state in snapshot.documents:
        if not state.visible:
            continue
        if state.key == "privacy":
            targets["privacy-policy"] = state
        elif getattr(state.shown, "terms_of_service", False) and "terms-of-service" not in targets:
            targets["terms-of-service"] = state
    return targets


def head_links(snapshot: Snapshot, locale: str) -> list[dict[str, str]]:
    """The site-wide ``<link>`` elements of one locale's pages: the policies, policy.json."""
    loaded = snapshot.loaded
    links = [{"rel": rel, "href": page_url(loaded, locale, f"{state.slug}/")}
             for rel, state in policy_targets(snapshot).items()]
    links.append({"rel": "alternate", "type": "application/json", "href": f"{loaded.policy.site.base_url}policy.json"})
    return links


def well_known_files(snapshot: Snapshot) -> dict[str, bytes]:
    """``.well-known/<name>/index.html`` for each discoverable policy."""
    loaded = snapshot.loaded
    site = loaded.policy.site
    locales = [str(site.default_locale), *(str(locale) for locale in site.locales if locale != site.default_locale)]
    files = {}
    for rel, state in policy_targets(snapshot).items():
        titles = [(locale, site_title(site, locale, document_title(Formatter.for_locale(locale), state.shown)),
                   page_url(loaded, locale, f"{state.slug}/")) for locale in locales]
        # the well-known name is the link type
        files[f".well-known/{rel}/index.html"] = _redirect_page(titles, rel).encode("utf-8")
    return files


def site_title(site: SiteConfig, locale: str, title: str) -> str:
    """A page title that names the site, then the document: ``Lumenstream Legal: Privacy policy``,
    in the locale's typography (a French colon gets its no-break space)."""
    return typeset(f"{site.name_in(locale)}: {title}", locale)


def _redirect_page(links: list[tuple[str, str, str]], rel: str) -> str:
    """A page that sends the visitor at once to the first of ``links`` (locale, title, URL)
    and links each language's page."""
    escape = html.escape
    target = links[0][2]
    items = "\n".join(f'<li><a href="{escape(url)}" hreflang="{escape(locale)}" lang="{escape(locale)}">'
                      f'{escape(title)}</a></li>' for locale, title, url in links)
    return (f'<!doctype html>\n<html lang="{escape(links[0][0])}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="refresh" content="0; url={escape(target)}">\n'
            f'<link rel="canonical" href="{escape(target)}">\n<link rel="{escape(rel)}" href="{escape(target)}">\n'
            f'<meta name="robots" content="noindex">\n<title>{escape(links[0][1])}</title>\n</head>\n<body>\n'
            f'<ul>\n{items}\n</ul>\n</body>\n</html>\n')


__all__ = ["head_links", "policy_targets", "site_title", "well_known_files"]
