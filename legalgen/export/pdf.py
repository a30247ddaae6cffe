"""A PDF of every published version in every locale, for lawyers, app stores and records.

Turned on with ``pdf: true`` in the site settings; needs the ``legalgen[pdf]`` extra
(WeasyPrint, which uses the system's Pango and fonts). Each version page links its PDF,
``<slug>/v<N>/<slug>-v<N>-<locale>.pdf``, and ``policy.json`` lists it.

A PDF holds the document's title, the version line with its dates, the frozen text as
released, and on every page the site's name, the page number and the version's hash
(the release's sha256, as in the history and ``policy.json``). Nothing is fetched: links
stay links, and an image or stylesheet a text might name is not loaded.

The bytes are reproducible: the PDF's only date is its creation date, the version's
publication date (not the time of the build, so ``SOURCE_DATE_EPOCH`` changes nothing and an
old version's PDF stays byte for byte the same); the file has no random identifier. A
rendered PDF is kept in the cache (``pdf/``) under a hash of its HTML and URL, this module's
code and the versions of WeasyPrint, pydyf, fontTools and Pango, so a build renders only new
versions. The fonts are the system's: other installed fonts can give other bytes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from legalgen import cache
from legalgen.diagnostics import BuildError
from legalgen.render.renderer import LocaleRenderer
from legalgen.versions.history import Version
from legalgen.versions.snapshot import frozen

_PLACEHOLDER = re.compile(r"%\((page|pages)\)s")


def file_path(slug: str, number: int, locale: str) -> PurePosixPath:
    """Where the PDF of version ``number`` lives in a locale's tree."""
    return PurePosixPath(slug, f"v{number}", f"{slug}-v{number}-{locale}.pdf")


def available() -> bool:
    """Whether WeasyPrint, and the system libraries it loads, can be imported."""
    try:
        require()
    except BuildError:
        return False
    return True


def require() -> None:
    """Raise a :class:`BuildError` saying what to install when PDFs cannot be made."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        raise BuildError("site.pdf is on, but WeasyPrint is not installed: "
                         "pip install 'legalgen[pdf]', or set pdf: false in policy/site.yaml") from None
    except OSError as error:
        raise BuildError(f"site.pdf is on, but WeasyPrint cannot load its system libraries ({error}); "
                         "install Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0), "
                         "or set pdf: false in policy/site.yaml") from None


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: every character but letters, digits and spaces
    escaped, so no value can end the string, the rule or the ``<style>`` element.

    >>> css_string('A "B" </style>')
    '"A \\\\22 B\\\\22  \\\\3c \\\\2f style\\\\3e "'
    """
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def page_counter(label: str) -> str:
    """A CSS ``content`` value from a label such as ``Page %(page)s of %(pages)s``."""
    parts = []
    for index, piece in enumerate(_PLACEHOLDER.split(label)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts) or '""'


def version_html(renderer: LocaleRenderer, version: Version, document: Any, site_name: str) -> str:
    """The HTML a version's PDF is made from, in ``renderer``'s locale."""
    from legalgen.render.markdown_safety import markdown_html

    locale = renderer.locale
    title = renderer.title(frozen(version, document))
    heading = renderer.gettext("%(title)s, version %(number)s") % {"title": title, "number": version.number}
    text = renderer.render("pdf.md.j2", heading=heading, version=version, body=version.bodies[locale])
    content = markdown_html(text)
    release = version.release
    hash_label = renderer.gettext("Version %(number)s, SHA-256 %(hash)s") % {
        "number": version.number, "hash": release.sha256}
    return renderer.env.get_template("pdf.html.j2").render(  # autoescaped, as every *.html.j2
        locale=locale, title=heading, author=site_name, content=content,
        created=release.published.isoformat(),
        header=css_string(site_name), footer=css_string(hash_label),
        page=page_counter(renderer.gettext("Page %(page)s of %(pages)s")),
    )


def render_pdf(html: str, base_url: str) -> bytes:
    """The PDF of ``html``; relative links resolve against ``base_url``; nothing is fetched."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    class Refuse(URLFetcher):  # type: ignore[misc]
        """Loads nothing: no image, stylesheet or font from the network or the disk."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"legalgen's PDFs load nothing: {url}")

    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=Refuse())
    return bytes(document.write_pdf(pdf_identifier=False))


@functools.cache
def _renderer_versions() -> tuple[str, ...]:
    """The versions of what turns the HTML into bytes: WeasyPrint, pydyf, fontTools, Pango."""
    import fontTools
    import pydyf
    import weasyprint
    from weasyprint.text.ffi import pango

    return weasyprint.__version__, pydyf.__version__, fontTools.version, str(pango.pango_version())


def version_pdf(renderer: LocaleRenderer, version: Version, document: Any, site_name: str, page_url: str, *,
                rendering: Callable[[], None] = lambda: None) -> bytes:
    """The PDF of ``version`` in ``renderer``'s locale, from the cache when it was made before;
    ``rendering`` is called before a PDF is made anew."""
    html = version_html(renderer, version, document, site_name)
    key = cache.key(__file__, page_url, html, *_renderer_versions())

    def make() -> bytes:
        rendering()
        return render_pdf(html, page_url)

    return cache.value("pdf", key, make, bytes)


__all__ = ["available", "css_string", "file_path", "page_counter", "render_pdf", "require", "version_html",
           "version_pdf"]
