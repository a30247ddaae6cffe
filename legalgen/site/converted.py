"""The engine's Markdown conversions of pages, kept between builds (the ``html/`` cache).

MkDocs converts every page's Markdown on every build, and that conversion is most of its
time; yet most of a legalgen site is frozen: archived versions and redlines never change.
While :func:`kept_conversions` is active, a page whose conversion inputs are all the same as
in an earlier build gets that build's result instead of being converted again. The inputs,
hashed into the entry's key:

- the page's Markdown (after the ``on_page_markdown`` plugins) and its file's path and URL;
- every file of the build (path, destination, URL, inclusion), which links resolve against;
- the Markdown extensions with their settings, the link validation settings,
  ``use_directory_urls``, and the versions of Python, Markdown, MkDocs, PyMdown Extensions
  and Pygments, plus this module's and the sanitizer's code.

Only conversions whose every input is in that key are kept: the extensions must all be on
:data:`PURE_EXTENSIONS` (no extension that reads other files, like ``pymdownx.snippets``) and
their settings plain data (no Python objects, whose behaviour their text does not show);
otherwise every page is converted, as by MkDocs alone. A conversion that logged a warning is
not kept (a strict build fails on it, and a later build must show it again). What is kept is
what MkDocs's own ``Page.render`` sets: the HTML, the table of contents, the title found in
the text, the anchors present and the links to anchors, which MkDocs checks after all pages.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from typing import Any

from legalgen import cache

#: Markdown extensions whose output depends only on the page's text and their settings.
PURE_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "legacy_attrs",
    "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc",
    "wikilinks", "codehilite", "legalgen.render.markdown_safety",
    "pymdownx.betterem", "pymdownx.caret", "pymdownx.critic", "pymdownx.details",
    "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.keys", "pymdownx.mark",
    "pymdownx.saneheaders", "pymdownx.smartsymbols", "pymdownx.superfences", "pymdownx.tabbed",
    "pymdownx.tasklist", "pymdownx.tilde",
})

_PLAIN = (str, int, float, bool, type(None))


def _plain(value: object) -> bool:
    """Whether ``value`` is plain data (its repr is all there is to it)."""
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(name, str) and _plain(item) for name, item in value.items())
    return False


def _extension_name(name: object) -> str | None:
    if not isinstance(name, str):
        return None  # an Extension instance: its settings are not in the config
    return name.removeprefix("markdown.extensions.")


def _versions() -> str:
    found = [sys.version]
    for package in ("markdown", "mkdocs", "pymdown-extensions", "pygments"):
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package} -")
    return "\n".join(found)


def settings_key(config: Any) -> str | None:
    """A key of the build-wide conversion settings of ``config``, or None when its
    conversions cannot be kept (an extension not known to be pure, or settings that are not
    plain data)."""
    names = [_extension_name(name) for name in config["markdown_extensions"]]
    if any(name not in PURE_EXTENSIONS for name in names):
        return None
    settings = config["mdx_configs"] or {}
    if not _plain(settings):
        return None
    from legalgen.render import markdown_safety

    return cache.key(__file__, _versions(), cache.key(markdown_safety.__file__), repr(names),
                     repr(sorted(settings.items())), repr(config["validation"]),
                     repr(config["use_directory_urls"]))


def files_key(files: Any) -> str:
    """A key of the files a page's links resolve against."""
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda file: file.src_uri):
        digest.update(f"{file.src_uri}\0{file.dest_uri}\0{file.url}\0{file.inclusion}\n".encode())
    return digest.hexdigest()


class _Warnings(logging.Handler):
    """Counts the warnings MkDocs logs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def kept_conversions(config: Any) -> Iterator[None]:
    """Let the pages MkDocs builds with ``config`` meanwhile reuse kept conversions (see the
    module's documentation); nothing changes when the cache is off or the settings do not
    allow it."""
    settings = settings_key(config) if cache.folder("html") is not None else None
    if settings is None:
        yield
        return
    from mkdocs.structure.pages import Page

    convert = Page.render
    warnings = _Warnings()
    keys: dict[int, str] = {}  # id(files) -> files_key(files), once per build

    def render(page: Any, config: Any, files: Any) -> None:
        if id(files) not in keys:
            keys[id(files)] = files_key(files)
        entry = cache.key(__file__, settings, keys[id(files)], page.file.src_uri, page.file.url, page.markdown or "")
        kept = cache.kept("html", entry, tuple)
        if kept is not None and _restore(page, files, kept):
            return
        before = warnings.count
        convert(page, config, files)
        if warnings.count == before:
            cache.keep("html", entry, _kept(page))

    logger = logging.getLogger("mkdocs")
    logger.addHandler(warnings)
    Page.render = render  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Page.render = convert  # type: ignore[method-assign]
        logger.removeHandler(warnings)


def _kept(page: Any) -> tuple[object, ...]:
    """What ``Page.render`` set on ``page``, as plain data."""
    anchors = {file.src_uri: dict(links) for file, links in (page.links_to_anchors or {}).items()}
    return (page.content, page.toc, page._title_from_render, sorted(page.present_anchor_ids or ()), anchors)


def _restore(page: Any, files: Any, kept: tuple[object, ...]) -> bool:
    """Set on ``page`` what a kept conversion holds; False if it does not fit (then the page
    is converted)."""
    from mkdocs.structure.toc import TableOfContents

    try:
        content, toc, title, anchor_ids, anchors = kept
        links = {}
        for src_uri, targets in anchors.items():  # type: ignore[attr-defined]
            target = files.get_file_from_path(src_uri)
            if target is None:
                return False
            links[target] = dict(targets)
        if not isinstance(content, str) or not isinstance(toc, TableOfContents):
            return False
        page.content, page.toc = content, toc
        page._title_from_render = title
        page.present_anchor_ids = set(anchor_ids)  # type: ignore[call-overload]
        page.links_to_anchors = links
    except (TypeError, ValueError, KeyError, AttributeError):
        return False
    return True


__all__ = ["PURE_EXTENSIONS", "files_key", "kept_conversions", "settings_key"]
