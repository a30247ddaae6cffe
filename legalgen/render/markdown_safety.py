"""Defence in depth for the built site: a Python-Markdown extension that strips script vectors.

Source values are escaped before they reach Markdown (``legalgen.render.renderer``), so a policy
cannot produce raw HTML, attribute lists or links to other schemes. This extension is the
second line: registered in every generated ``mkdocs.<locale>.yml`` (MkDocs and Zensical
both load it by its module name), its tree processor runs after every other one and

- removes every ``on*`` attribute (event handlers) and ``srcdoc``;
- turns a link whose target has a scheme other than http, https or mailto into its text,
  and such an image into its alt text;
- drops such a URL from any other attribute (``src``, ``action``, ``formaction``, ...).

Relative URLs and fragments are kept. A scheme is read the way a browser reads it: after
decoding character references, removing tabs and line breaks and trimming leading
control characters and spaces, so ``JaVaScRiPt:``, ``java&#x09;script:`` and `` javascript:``
are all ``javascript``.

Raw HTML never reaches the tree (Python-Markdown stashes it); it is not this extension's
concern: the escaping filters turn every ``<`` from the source into ``&lt;``, and the only
raw HTML in the Markdown is the templates' own (``<ins>``, ``<del>``, the redline ``<div>``).
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]
from markdown.util import AMP_SUBSTITUTE, ETX, HTML_PLACEHOLDER_RE, STX  # type: ignore[import-untyped]

#: The module name under which MkDocs and Zensical load the extension.
EXTENSION = "legalgen.render.markdown_safety"
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite",
                            "data"})
#: Runs after the inline patterns (20) and attr_list (8), before toc (5) copies headings.
EARLY_PRIORITY = 6
#: Runs after every other tree processor, including unescape (0).
LATE_PRIORITY = -1000

_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ESCAPED_CHAR = re.compile(f"{STX}([0-9]+){ETX}")


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in ``url`` (lowercase), or None for a relative URL.

    ``url`` is an attribute value as written in HTML: character references are decoded.

    >>> url_scheme(" JaVa&#x09;Script:alert(1)")
    'javascript'
    >>> url_scheme("../privacy/") is None
    True
    """
    text = _TAB_OR_NEWLINE.sub("", html.unescape(url)).lstrip(_C0_AND_SPACE)
    match = _SCHEME.match(text)
    return match.group(1).lower() if match else None


def is_safe_url(url: str) -> bool:
    """Whether ``url`` is relative (or a fragment) or uses http, https or mailto."""
    scheme = url_scheme(url)
    return scheme is None or scheme in SAFE_SCHEMES


#: How much of a link destination :func:`is_safe_markdown_destination` reads for its scheme.
SCHEME_WINDOW = 200


def is_safe_markdown_destination(text: str) -> bool:
    """Whether the link destination at the start of ``text`` (Markdown source) is safe.

    Backslash escapes are undone first, as Markdown does; reading more than the
    destination is harmless, since only the scheme at its start counts (the first
    :data:`SCHEME_WINDOW` characters are read).
    """
    return _safe_destination_start(text[:SCHEME_WINDOW])


@functools.lru_cache(maxsize=4096)
def _safe_destination_start(start: str) -> bool:
    """:func:`is_safe_markdown_destination` of a destination's start, cached (prose repeats
    its links, and hostile prose its tokens)."""
    return is_safe_url(_BACKSLASH_ESCAPE.sub(r"\1", start))


def link_destination(url: str) -> str:
    """``url`` as the destination of an inline Markdown link: the characters that would end or
    break it (whitespace, parentheses, angle brackets, backslashes) percent-encoded.

    >>> link_destination("https://legal.example/shop(eu)/de/privacy/")
    'https://legal.example/shop%28eu%29/de/privacy/'
    """
    return "".join(_DESTINATION_ESCAPES.get(char, char) for char in url)


_DESTINATION_ESCAPES = {char: f"%{ord(char):02X}" for char in " \t\n\r()<>\\"}


class SafetyTreeprocessor(Treeprocessor):  # type: ignore[misc]
    """Removes event handlers and unsafe URLs from the element tree (see the module doc)."""

    def run(self, root: etree.Element) -> None:
        """Clean ``root`` and everything below it in place."""
        self._clean(root)

    def _clean(self, parent: etree.Element) -> None:
        index = 0
        while index < len(parent):
            child = parent[index]
            if not isinstance(child.tag, str):
                index += 1
                continue
            for name in list(child.attrib):
                if name.lower().startswith("on") or name.lower() == "srcdoc":
                    del child.attrib[name]
            if child.tag == "a" and not self._safe(child.get("href")):
                _replace(parent, index, child.text or "", list(child))
                continue  # the link's children now sit at ``index``: clean them too
            if child.tag == "img" and not self._safe(child.get("src")):
                _replace(parent, index, child.get("alt") or "", [])
                continue
            for name in list(child.attrib):
                if name.lower() in URL_ATTRIBUTES and not self._safe(child.get(name)):
                    del child.attrib[name]
            self._clean(child)
            index += 1

    def _safe(self, value: str | None) -> bool:
        """Whether an attribute value, with Markdown's placeholders resolved, is a safe URL."""
        if value is None:
            return True
        blocks = self.md.htmlStash.rawHtmlBlocks

        def stashed(match: re.Match[str]) -> str:
            number = int(match.group(1))
            block = blocks[number] if number < len(blocks) else ""
            return block if isinstance(block, str) else ""

        text = HTML_PLACEHOLDER_RE.sub(stashed, value).replace(AMP_SUBSTITUTE, "&")
        text = _ESCAPED_CHAR.sub(lambda match: chr(int(match.group(1))), text)
        return is_safe_url(text)


def _replace(parent: etree.Element, index: int, text: str, children: list[etree.Element]) -> None:
    """Put ``text`` and ``children`` in place of ``parent[index]``, keeping its tail."""
    tail = parent[index].tail or ""
    del parent[index]
    previous = parent[index - 1] if index > 0 else None
    if previous is None:
        parent.text = (parent.text or "") + text
    else:
        previous.tail = (previous.tail or "") + text
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    last = children[-1] if children else previous
    if last is None:
        parent.text = (parent.text or "") + tail
    else:
        last.tail = (last.tail or "") + tail


class SafetyExtension(Extension):  # type: ignore[misc]
    """Registers the tree processor twice: before toc reads headings, and last."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Add the tree processors to ``md`` (the method name is Python-Markdown's)."""
        md.treeprocessors.register(SafetyTreeprocessor(md), "legalgen_safety_early", EARLY_PRIORITY)
        md.treeprocessors.register(SafetyTreeprocessor(md), "legalgen_safety", LATE_PRIORITY)


def makeExtension(**kwargs: Any) -> SafetyExtension:
    """The extension, as Python-Markdown loads it by module name (its entry point's name)."""
    return SafetyExtension(**kwargs)


def markdown_html(text: str, *, base: str | None = None, fragments_in_frame: bool = False) -> str:
    """HTML of a page's Markdown outside the engine (the PDF and the embed): the extensions of
    legalgen's base config (toc, attr_list, admonition, tables, md_in_html) and this one.

    The HTML is read away from the page the Markdown was written for, so relative links in
    it are resolved against ``base`` (that page's URL); with ``fragments_in_frame``, links
    to a place on the same page open where they are (``target="_self"``), whatever the
    ``<base target>`` of the document that shows it.

    A table column's alignment is an ``align`` attribute, which the stylesheets of the PDF and
    the embed honour, rather than an inline ``style`` (which the embed's Content Security
    Policy would drop)."""
    converter = Markdown(extensions=["toc", "attr_list", "admonition", "tables", "md_in_html", SafetyExtension()],
                         extension_configs={"tables": {"use_align_attribute": True}}, output_format="html")
    converter.treeprocessors.register(_Relinked(converter, base, fragments_in_frame), "legalgen_relinked",
                                      LATE_PRIORITY - 1)
    return str(converter.convert(text))


class _Relinked(Treeprocessor):  # type: ignore[misc]
    """Resolves relative links against a base URL and keeps fragment links in their frame."""

    def __init__(self, md: Markdown, base: str | None, fragments_in_frame: bool) -> None:
        super().__init__(md)
        self.base, self.fragments_in_frame = base, fragments_in_frame

    def run(self, root: etree.Element) -> None:
        """Rewrite the links of ``root`` in place."""
        from urllib.parse import urljoin, urlsplit

        for link in root.iter("a"):
            href = link.get("href")
            if href is None:
                continue
            if href.startswith("#"):
                if self.fragments_in_frame:
                    link.set("target", "_self")
            elif self.base is not None and not urlsplit(href).scheme and not href.startswith("//"):
                link.set("href", urljoin(self.base, href))
