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
import os
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markdown import Extension, Markdown  # type: ignore[import-untyped]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]
from markdown.util import AMP_SUBSTITUTE, ETX, HTML_PLACEHOLDER_RE, STX  # type: ignore[import-untyped]

from legalgen.diagnostics import BuildError
from legalgen.files import read_bounded

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


def locale_markdown_extensions(base_config: Path, *, permalink_title: str | None = None,
                               root: Path | None = None) -> dict[str, Any] | list[Any]:
    """``markdown_extensions`` of a generated locale config, so that INHERIT keeps the base's
    (as the base config and the configs it inherits from, below ``root``, merge them).

    MkDocs merges an inherited mapping key by key but replaces a list; Zensical appends
    lists and merges mappings. With a mapping in the base config (as in legalgen's
    ``mkdocs.yml``), the extension alone is enough; with a list, the base's extensions are
    repeated before it (Zensical drops the duplicates). ``permalink_title`` is the
    localized title of the heading anchors (the ``toc`` extension's is English).
    """
    try:
        _, extensions = merged_setting(config_chain(base_config, root or base_config.parent), "markdown_extensions")
    except FileNotFoundError:
        extensions = None  # rendering without a base config: the build reports it
    toc = {"permalink_title": permalink_title} if permalink_title else {}
    if not isinstance(extensions, list):
        return {EXTENSION: {}, **({"toc": toc} if toc else {})}
    try:
        items = [_plain(item) for item in extensions]
    except (TypeError, RecursionError):
        raise BuildError(f"{base_config}: markdown_extensions uses YAML tags; write it as a mapping "
                         "(name: options) so the generated configs can extend it") from None
    if toc:
        items = [{"toc": {**(item.get("toc") or {}), **toc}} if isinstance(item, dict) and "toc" in item
                 else {"toc": toc} if item == "toc" else item for item in items]
        if not any(isinstance(item, dict) and "toc" in item for item in items):
            items.append({"toc": toc})
    names = {next(iter(item), None) if isinstance(item, dict) else item for item in items
             if isinstance(item, dict | str)}
    return items if EXTENSION in names else [*items, EXTENSION]


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


def read_base_config(path: Path) -> Any:
    """The parsed base config, read like MkDocs reads it (PyYAML, YAML 1.1), with each value
    that carries a tag (``!ENV``, ``!!python/name:...``) kept as a :class:`Tagged`; the same
    text is parsed once per process. Callers must not change what it returns.
    :class:`BuildError` when it cannot be read or parsed or is no mapping; FileNotFoundError
    when it is missing."""
    try:
        raw, _ = read_bounded(path, MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as error:
        raise BuildError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    if raw is None or len(raw) > MAX_CONFIG_BYTES:
        raise BuildError(f"cannot read {path}: " + ("not a regular file" if raw is None else
                                                   f"larger than {MAX_CONFIG_BYTES // (1 << 20)} MB"))
    try:
        text = raw.decode("utf-8")
        data = _parse_config(text)
    except UnicodeDecodeError as error:
        raise BuildError(f"cannot read {path}: {error}") from None
    except yaml.YAMLError as error:
        raise BuildError(f"cannot read {path}: {error}") from None
    if data is not None and not isinstance(data, dict):
        raise BuildError(f"{path}: the MkDocs configuration must be a mapping of settings (site_name: ..., "
                         f"theme: ...), not a {type(data).__name__}")
    return data


#: The largest MkDocs config legalgen reads.
MAX_CONFIG_BYTES = 4 << 20
#: How many configs an ``INHERIT`` chain may name (MkDocs follows it without end).
MAX_INHERIT = 8


def config_chain(base_config: Path, root: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The base config and the configs it inherits from (``INHERIT``, each relative to the
    config that names it, as MkDocs reads them), nearest first, each with its settings.
    :class:`BuildError` for an ``INHERIT`` that is not a plain path, leads out of ``root``,
    is missing or loops: the engine would merge settings legalgen checks (the theme folder,
    ``use_directory_urls``, the Markdown extensions) from there. FileNotFoundError when the
    base config is missing."""
    chain: list[tuple[Path, dict[str, Any]]] = []
    path, seen = base_config, set()
    try:
        inside = root.resolve()
        while True:
            data = read_base_config(path)
            chain.append((path, data if isinstance(data, dict) else {}))
            parent = chain[-1][1].get("INHERIT")
            if parent is None:
                return chain
            if not isinstance(parent, str) or not parent or "\0" in parent:
                raise BuildError(f"{path}: INHERIT must name a config file by a plain path")
            path = Path(os.path.normpath(path.parent / parent))
            resolved = path.resolve()
            if not resolved.is_relative_to(inside):
                raise BuildError(f"{chain[-1][0]}: INHERIT names {parent!r}, outside the project {inside}; keep the "
                                 "configs the site is built from in the project")
            if resolved in seen or len(chain) > MAX_INHERIT:
                raise BuildError(f"{base_config}: its INHERIT chain loops or names more than {MAX_INHERIT} configs")
            seen.add(resolved)
            if not path.is_file():
                raise BuildError(f"{chain[-1][0]}: INHERIT names {path}, which does not exist")
    except (RuntimeError, ValueError, OSError) as error:  # a link loop, a name the system refuses
        if isinstance(error, FileNotFoundError) and not chain:
            raise
        raise BuildError(f"{chain[-1][0] if chain else base_config}: its INHERIT chain cannot be followed: "
                         f"{getattr(error, 'strerror', None) or error}") from None


def merged_setting(chain: list[tuple[Path, dict[str, Any]]], key: str) -> tuple[Path | None, Any]:
    """The value of ``key`` as MkDocs merges it along an ``INHERIT`` chain (the farthest config
    first; a mapping is merged key by key into an inherited mapping, anything else replaces
    it), with the nearest config that sets it; ``(None, None)`` when none does."""
    where, value = None, None
    for path, data in reversed(chain):
        if key in data:
            own = data[key]
            value = {**value, **own} if isinstance(value, dict) and isinstance(own, dict) else own
            where = path
    return where, value


def holds_tag(value: Any) -> bool:
    """Whether a config value is, or holds (at any depth), a value written with a tag (``!ENV``,
    ``!!python/name``)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, Tagged):
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


@dataclass(frozen=True)
class Tagged:
    """A value of the base config written with a tag, which only MkDocs can resolve."""

    tag: str

    def __str__(self) -> str:
        return self.tag


class _ConfigLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader that keeps any tag it does not know as a :class:`Tagged`."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: Tagged(node.tag))


@functools.lru_cache(maxsize=16)
def _parse_config(text: str) -> Any:
    return yaml.load(text, Loader=_ConfigLoader)


def _plain(value: Any) -> Any:
    """``value`` as plain lists, dicts and scalars; TypeError for tagged or unknown values."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    raise TypeError(value)
