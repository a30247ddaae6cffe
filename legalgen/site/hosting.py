"""What a static host and crawlers read at the site root: sitemap.xml with hreflang, robots.txt.

The sitemap lists every page the engines built, in every locale, each with its alternates
in the other locales (``xhtml:link rel="alternate" hreflang``) and the root page as
``x-default``, so search engines pair the languages of a document. It is read from the
built folders, so it holds what was built, whichever engine built it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def page_paths(locale_dir: Path) -> list[str]:
    """The URL paths (``privacy/``, ``privacy/v2/``) of the pages built in one locale's folder."""
    paths = []
    for index in sorted(locale_dir.rglob("index.html")):
        relative = index.parent.relative_to(locale_dir).as_posix()
        paths.append("" if relative == "." else relative + "/")
    return paths


def sitemap_xml(site_dir: Path, base_url: str, locales: list[str], default_locale: str) -> str:
    """The root sitemap of a built site (``base_url`` ends with ``/``).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for p in ("en/index.html", "de/index.html", "en/privacy/index.html", "de/privacy/index.html"):
    ...     (root / p).parent.mkdir(parents=True, exist_ok=True); _ = (root / p).write_text("x")
    >>> text = sitemap_xml(root, "https://l.example/sub/", ["en", "de"], "en")
    >>> "<loc>https://l.example/sub/de/privacy/</loc>" in text
    True
    >>> '<xhtml:link rel="alternate" hreflang="en" href="https://l.example/sub/en/privacy/"/>' in text
    True
    """
    built = {locale: set(page_paths(site_dir / locale)) for locale in locales if (site_dir / locale).is_dir()}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for locale, paths in built.items():
        for path in sorted(paths):
            lines += ["<url>", f"<loc>{_text(base_url + locale + '/' + path)}</loc>"]
            for other in (o for o in locales if path in built.get(o, ())):
                lines.append(f'<xhtml:link rel="alternate" hreflang={quoteattr(other)} '
                             f'href={quoteattr(base_url + other + "/" + path)}/>')
            if path in built.get(default_locale, ()):
                lines.append(f'<xhtml:link rel="alternate" hreflang="x-default" '
                             f'href={quoteattr(base_url + default_locale + "/" + path)}/>')
            lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def robots_txt(base_url: str) -> str:
    """robots.txt: the site may be crawled; the sitemap is named. Crawlers read it only at a
    host's root, so under a sub-path it is there for the host to serve or merge into its own,
    and it speaks of the site's path only, never of the rest of the host.

    >>> print(robots_txt("https://example.com/legal/"), end="")
    User-agent: *
    Allow: /legal/
    <BLANKLINE>
    Sitemap: https://example.com/legal/sitemap.xml
    """
    path = urlsplit(base_url).path or "/"
    return f"User-agent: *\nAllow: {path}\n\nSitemap: {base_url}sitemap.xml\n"


__all__ = ["page_paths", "robots_txt", "sitemap_xml"]
