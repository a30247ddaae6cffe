"""No script from the source, anywhere.

Unit tests pin the exact output of the escaping filters and of the Markdown safety
extension for many payloads. The slow tests build whole sites from a copy of the example
whose every text field holds an injection payload (as drafts, with released versions and
an open notice, and with Zensical) and check every built page statically and in chromium,
plus the Atom feeds, notices.json, the root page and the notice e-mails.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import markdown
import pytest
from ruamel.yaml import YAML

from legalgen.diagnostics import BuildError
from legalgen.notices.announcements import due_messages
from legalgen.project import Project
from legalgen.render.markdown_safety import EXTENSION, url_scheme
from legalgen.render.renderer import (
    LocaleRenderer,
    escape_markdown,
    escape_prose,
    escape_theme_text,
)
from legalgen.site.build import Engine, build_site, render_sources
from legalgen.site.config import locale_markdown_extensions
from legalgen.source import model as m
from legalgen.source.load import LoadedPolicy, load_policy
from legalgen.versions.history import load_history
from legalgen.versions.releases import release_document

from ..browsing import serve
from ..conftest import AS_OF, copy_project

#: The extensions of the base mkdocs.yml, without the safety extension.
BASE_EXTENSIONS = ["toc", "attr_list", "admonition", "tables", "md_in_html"]


def _html(text: str, *, safety: bool) -> str:
    return str(markdown.markdown(text, extensions=[*BASE_EXTENSIONS, *([EXTENSION] if safety else [])]))


# --------------------------------------------------------------------------- escaping filters

FACTS = [
    # (fact, escaped Markdown, rendered HTML)
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;",
     "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    ('"><img src=x onerror=alert(1)>', '"&gt;&lt;img src=x onerror=alert(1)&gt;',
     '<p>"&gt;&lt;img src=x onerror=alert(1)&gt;</p>'),
    ("<svg onload=alert(1)>", "&lt;svg onload=alert(1)&gt;", "<p>&lt;svg onload=alert(1)&gt;</p>"),
    ('Acme {: onclick="alert(1)"}', 'Acme \\{: onclick="alert(1)"\\}', '<p>Acme {: onclick="alert(1)"}</p>'),
    ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
    ('![x](x){: onerror="alert(1)"}', '!\\[x\\](x)\\{: onerror="alert(1)"\\}',
     '<p>![x](x){: onerror="alert(1)"}</p>'),
    ("`code`{: onclick=alert(1)}", "\\`code\\`\\{: onclick=alert(1)\\}", "<p>`code`{: onclick=alert(1)}</p>"),
    ("&#60;script&#62;", "&#60;script&#62;", "<p>&#60;script&#62;</p>"),  # an entity: shown as text
    ("a\\{b", "a\\\\\\{b", "<p>a\\{b</p>"),
    ('{{ "x" ~ "y" }}', '\\{\\{ "x" ~ "y" \\}\\}', '<p>{{ "x" ~ "y" }}</p>'),
    ("two\nlines\t{", "two lines \\{", "<p>two lines {</p>"),
]


@pytest.mark.parametrize(("fact", "escaped", "rendered"), FACTS)
def test_escape_markdown_shows_a_fact_literally(fact: str, escaped: str, rendered: str) -> None:
    assert escape_markdown(fact) == escaped
    assert _html(escaped, safety=False) == rendered  # safe without the extension
    assert _html(escaped, safety=True) == rendered


def test_a_fact_cannot_add_attributes_to_a_heading() -> None:
    escaped = escape_markdown("Title {: #x onclick=alert(1) }")
    assert _html(f"## {escaped} {{ #law }}", safety=False) == '<h2 id="law">Title {: #x onclick=alert(1) }</h2>'


PROSE = [
    # (prose, escaped Markdown, rendered HTML without the safety extension)
    ('Hi <script>alert("x")</script> **bold**', 'Hi &lt;script>alert("x")&lt;/script> **bold**',
     '<p>Hi &lt;script&gt;alert("x")&lt;/script&gt; <strong>bold</strong></p>'),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
    ("[x](javascript:alert(1))", "[x\\](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
    ("[x](JaVaScRiPt:alert(1))", "[x\\](JaVaScRiPt:alert(1))", "<p>[x](JaVaScRiPt:alert(1))</p>"),
    ("[x](java&#x09;script:alert(1))", "[x\\](java&#x09;script:alert(1))", "<p>[x](java&#x09;script:alert(1))</p>"),
    ("[x](javascript&colon;alert(1))", "[x\\](javascript&colon;alert(1))", "<p>[x](javascript&colon;alert(1))</p>"),
    ("[x](&#106;avascript:alert(1))", "[x\\](&#106;avascript:alert(1))", "<p>[x](&#106;avascript:alert(1))</p>"),
    ("[x]( javascript:alert(1))", "[x\\]( javascript:alert(1))", "<p>[x]( javascript:alert(1))</p>"),
    ("[x](\x01javascript:alert(1))", "[x\\](\x01javascript:alert(1))", "<p>[x](\x01javascript:alert(1))</p>"),
    ("[x](&#x01;javascript:alert(1))", "[x\\](&#x01;javascript:alert(1))", "<p>[x](&#x01;javascript:alert(1))</p>"),
    ("[x](javascript\n:alert(1))", "[x\\](javascript\n:alert(1))", "<p>[x](javascript\n:alert(1))</p>"),
    ("[x](java\\-script:alert(1))", "[x\\](java\\-script:alert(1))", "<p>[x](java-script:alert(1))</p>"),
    ("[x](data:text/html,<script>alert(1)</script>)", "[x\\](data:text/html,&lt;script>alert(1)&lt;/script>)",
     "<p>[x](data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;)</p>"),
    ("[x](vbscript:msgbox(1))", "[x\\](vbscript:msgbox(1))", "<p>[x](vbscript:msgbox(1))</p>"),
    ("[x](tel:+4930) [y](ftp://f.example/)", "[x\\](tel:+4930) [y\\](ftp://f.example/)",
     "<p>[x](tel:+4930) [y](ftp://f.example/)</p>"),
    ("![x](javascript:alert(1))", "![x\\](javascript:alert(1))", "<p>![x](javascript:alert(1))</p>"),
    ('![x](x){: onerror="alert(1)"}', '![x](x)\\{: onerror="alert(1)"\\}',
     '<p><img alt="x" src="x" />{: onerror="alert(1)"}</p>'),
    ("[x][r]\n\n[r]: javascript:alert(1)", "[x][r]\n\n\\[r\\]: javascript:alert(1)",
     "<p>[x][r]</p>\n<p>[r]: javascript:alert(1)</p>"),
    ("[x][r]\n\n[r]:\n  JavaScript:alert(1)", "[x][r]\n\n\\[r\\]:\n  JavaScript:alert(1)",
     "<p>[x][r]</p>\n<p>[r]:\n  JavaScript:alert(1)</p>"),
    ("- [r]: javascript:alert(1)\n\n[x][r]", "- \\[r\\]: javascript:alert(1)\n\n[x][r]",
     "<ul>\n<li>[r]: javascript:alert(1)</li>\n</ul>\n<p>[x][r]</p>"),
    ("[x](<javascript:alert(1)>)", "[x](&lt;javascript:alert(1)>)",  # a relative URL "<javascript:...>"
     '<p><a href="&lt;javascript:alert(1)&gt;">x</a></p>'),
    ('Text\n{: onclick="alert(1)"}', 'Text\n\\{: onclick="alert(1)"\\}', '<p>Text\n{: onclick="alert(1)"}</p>'),
    ("## Law { #law onclick=alert(1) }", "## Law \\{ #law onclick=alert(1) \\}",
     '<h2 id="law-law-onclickalert1">Law { #law onclick=alert(1) }</h2>'),
    ("`a\\`{: onclick=alert(1)}", "`a\\`\\{: onclick=alert(1)\\}", "<p><code>a\\</code>{: onclick=alert(1)}</p>"),
    ("\\\\[x](javascript:alert(1))", "\\\\[x\\](javascript:alert(1))", "<p>\\[x](javascript:alert(1))</p>"),
    ("&lt;script&gt; &#60;b&#62;", "&lt;script&gt; &#60;b&#62;", "<p>&lt;script&gt; &#60;b&#62;</p>"),
    # what stays a link
    ("[a](https://a.example/{id}) [b](mailto:b@b.example) [c](../privacy/#data) [d](#top) [e](//e.example/)",
     "[a](https://a.example/\\{id\\}) [b](mailto:b@b.example) [c](../privacy/#data) [d](#top) [e](//e.example/)",
     ('<p><a href="https://a.example/{id}">a</a> <a href="mailto:b@b.example">b</a> '
      '<a href="../privacy/#data">c</a> <a href="#top">d</a> <a href="//e.example/">e</a></p>')),
    ("[x][r]\n\n[r]: HTTPS://r.example/", "[x][r]\n\n[r]: HTTPS://r.example/", '<p><a href="HTTPS://r.example/">x</a></p>'),
    ("[Note]: see below", "[Note]: see below", "<p>[Note]: see below</p>"),
]


@pytest.mark.parametrize(("prose", "escaped", "rendered"), PROSE)
def test_escape_prose_keeps_markdown_but_no_script(prose: str, escaped: str, rendered: str) -> None:
    assert escape_prose(prose) == escaped
    assert _html(escaped, safety=False) == rendered  # safe without the extension
    assert _html(escaped, safety=True) == rendered  # which changes nothing that is already safe


@pytest.mark.parametrize(("url", "scheme"), [
    ("https://a.example/", "https"), ("mailto:a@b.example", "mailto"), ("../x/#y", None), ("#top", None),
    ("//e.example/", None), ("JaVaScRiPt:alert(1)", "javascript"), ("java&#x09;script:alert(1)", "javascript"),
    ("java&Tab;script:alert(1)", "javascript"), ("java\nscr\ript:alert(1)", "javascript"),
    ("\x01\x1f javascript:alert(1)", "javascript"), ("&#x01;javascript:alert(1)", "javascript"),
    ("javascript&colon;alert(1)", "javascript"), ("&#106;avascript:alert(1)", "javascript"),
    ("DATA:text/html,x", "data"), ("vbscript:x", "vbscript"), ("<javascript:alert(1)>", None),
    ("java script:alert(1)", None), ("javascript\\:alert(1)", None),
])
def test_url_scheme_reads_like_a_browser(url: str, scheme: str | None) -> None:
    assert url_scheme(url) == scheme


def test_escape_theme_text() -> None:
    assert escape_theme_text('</title><script>alert("x")</script>') == \
        "&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert escape_theme_text("Terms & Conditions d'utilisation") == "Terms & Conditions d'utilisation"


# --------------------------------------------------------------------------- the Markdown extension

RAW = [
    # (Markdown as it might reach the build unescaped, e.g. from an old frozen version; HTML)
    ("[x](javascript:alert(1))", "<p>x</p>"),
    ("[**bold** x](JaVaScRiPt:alert(1)) after", "<p><strong>bold</strong> x after</p>"),
    ("[x](java&#x09;script:alert(1))", "<p>x</p>"),
    ("[x](javascript&colon;alert(1))", "<p>x</p>"),
    ("[x]( javascript:alert(1))", "<p>x</p>"),
    ("[x](&#x01;javascript:alert(1))", "<p>x</p>"),
    ("[x](data:text/html,x)", "<p>x</p>"),
    ("[x](vbscript:msgbox(1))", "<p>x</p>"),
    ("[x](tel:+4930)", "<p>x</p>"),
    ("![alt text](javascript:alert(1)) end", "<p>alt text end</p>"),
    ("![x](data:image/svg+xml,x)", "<p>x</p>"),
    ('![x](x){: onerror="alert(1)"}', '<p><img alt="x" src="x" /></p>'),
    ("[x][r]\n\n[r]: javascript:alert(1)", "<p>x</p>"),
    ('Text\n{: onclick="alert(1)" }', "<p>Text</p>"),
    ("## Law { #law onclick=alert(1) }", '<h2 id="law">Law</h2>'),
    ("`a`{: onclick=alert(1)}", "<p><code>a</code></p>"),
    ("Text\n{: onclick }", "<p>Text</p>"),
    ('[x](https://ok.example/){: onclick="alert(1)" OnMouseOver="alert(2)" }', '<p><a href="https://ok.example/">x</a></p>'),
    ('[x](https://ok.example/){: href="javascript:alert(1)" }', "<p>x</p>"),
    ('[x](https://ok.example/){: href="&#106;avascript:alert(1)" }', "<p>x</p>"),
    ('![x](https://ok.example/i.png){: src="data:image/svg+xml,x" }', "<p>x</p>"),
    ('Text\n{: formaction="javascript:alert(1)" cite="vbscript:x" srcdoc="x" title="ok" }', '<p title="ok">Text</p>'),
    ("[a ![i](javascript:1) [b](javascript:2) c](javascript:3) d", "<p>a i b c d</p>"),
    ("[ok](https://ok.example/) [m](mailto:a@b.example) [rel](../x/#y) [f](#top)",
     ('<p><a href="https://ok.example/">ok</a> <a href="mailto:a@b.example">m</a> <a href="../x/#y">rel</a> '
      '<a href="#top">f</a></p>')),
    ("<a@b.example>", ('<p><a href="&#109;&#97;&#105;&#108;&#116;&#111;&#58;&#97;&#64;&#98;&#46;&#101;&#120;&#97;'
                       '&#109;&#112;&#108;&#101;">&#97;&#64;&#98;&#46;&#101;&#120;&#97;&#109;&#112;&#108;&#101;</a></p>')),
]


@pytest.mark.parametrize(("source", "expected"), RAW)
def test_safety_extension_strips_handlers_and_unsafe_links(source: str, expected: str) -> None:
    assert _html(source, safety=True) == expected


def test_safety_extension_cleans_headings_before_toc_copies_them() -> None:
    md = markdown.Markdown(extensions=[*BASE_EXTENSIONS, EXTENSION])
    md.convert('# Title [t](javascript:alert(1)) ![i](data:x) `c`{: onclick="alert(1)"}')
    token = md.toc_tokens[0]
    assert (token["name"], token["html"]) == ("Title t i c", "Title t i <code>c</code>")


# --------------------------------------------------------------------------- generated configs


def test_locale_extensions_extend_a_mapping_or_a_list(tmp_path: Path) -> None:
    base = tmp_path / "mkdocs.yml"
    base.write_text("markdown_extensions:\n  toc: {permalink: true}\n  attr_list: {}\n", encoding="utf-8")
    assert locale_markdown_extensions(base) == {EXTENSION: {}}
    base.write_text("site_name: !ENV [NAME, x]\nmarkdown_extensions:\n  - toc: {permalink: true}\n  - attr_list\n",
                    encoding="utf-8")
    assert locale_markdown_extensions(base) == [{"toc": {"permalink": True}}, "attr_list", EXTENSION]
    base.write_text("site_name: x\n", encoding="utf-8")
    assert locale_markdown_extensions(base) == {EXTENSION: {}}
    # the localized title of heading anchors joins the base's toc options, or adds toc
    assert locale_markdown_extensions(base, permalink_title="Lien permanent") == {
        EXTENSION: {}, "toc": {"permalink_title": "Lien permanent"}}
    base.write_text("markdown_extensions:\n  - toc: {permalink: true}\n  - attr_list\n", encoding="utf-8")
    assert locale_markdown_extensions(base, permalink_title="Lien permanent") == [
        {"toc": {"permalink": True, "permalink_title": "Lien permanent"}}, "attr_list", EXTENSION]
    base.write_text("markdown_extensions:\n  - toc\n", encoding="utf-8")
    assert locale_markdown_extensions(base, permalink_title="X") == [{"toc": {"permalink_title": "X"}}, EXTENSION]
    base.write_text("markdown_extensions:\n  - attr_list\n", encoding="utf-8")
    assert locale_markdown_extensions(base, permalink_title="X") == ["attr_list", {"toc": {"permalink_title": "X"}},
                                                                     EXTENSION]
    base.write_text("markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:x.y\n",
                    encoding="utf-8")
    with pytest.raises(BuildError, match="write it as a mapping"):
        locale_markdown_extensions(base)
    base.write_text("markdown_extensions:\n  - !ENV EXTENSIONS\n", encoding="utf-8")
    with pytest.raises(BuildError, match="write it as a mapping"):
        locale_markdown_extensions(base)
    # read as MkDocs reads it (YAML 1.1): `yes` is true
    base.write_text("markdown_extensions:\n  - toc: {permalink: yes}\n", encoding="utf-8")
    assert locale_markdown_extensions(base) == [{"toc": {"permalink": True}}, EXTENSION]
    base.write_text("markdown_extensions: [toc\n", encoding="utf-8")
    with pytest.raises(BuildError, match="cannot read"):
        locale_markdown_extensions(base)


def test_both_engines_load_the_safety_extension(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from zensical.config import parse_config

    project = copy_project(tmp_path)
    loaded = load_policy(project.source)
    render_sources(project, loaded, load_history(loaded), AS_OF)
    config_file = project.locale_config("en")
    mkdocs_config = load_config(config_file=str(config_file))
    assert {*BASE_EXTENSIONS, EXTENSION} <= set(mkdocs_config.markdown_extensions)
    assert mkdocs_config.mdx_configs["toc"] == {"permalink": True, "permalink_title": "Permanent link"}
    zensical_config = parse_config(str(config_file))
    assert EXTENSION in zensical_config["markdown_extensions"]
    assert set(BASE_EXTENSIONS) <= set(zensical_config["markdown_extensions"])


# --------------------------------------------------------------------------- HTML scanning

SAFE_SCHEMES = {None, "http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "cite", "data"}
#: Evaluated, the template payload would print this; unevaluated, it never appears.
TEMPLATE_MARK = "XSS-TEMPLATE"


class _Scan(HTMLParser):
    """What a browser would run in a page: script text, event handlers, unsafe URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.title = ""
        self.text: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append(tag)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name == "srcdoc":
                self.findings.append(f"<{tag} {name}={value[:80]!r}>")
            if name in URL_ATTRIBUTES and url_scheme(value) not in SAFE_SCHEMES:
                self.findings.append(f"<{tag} {name}={value[:80]!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        current = self._open[-1] if self._open else ""
        if current == "script" and "XSS" in data:
            self.findings.append(f"<script>{data.strip()[:80]!r}")
        if current == "title":
            self.title += data
        self.text.append(data)


def scan_html(text: str) -> _Scan:
    """Parse ``text`` like a browser and collect what would run; ``TEMPLATE_MARK`` counts too."""
    scan = _Scan()
    scan.feed(text)
    scan.close()
    if TEMPLATE_MARK in text:
        scan.findings.append("a source value was evaluated as a template")
    return scan


@pytest.mark.parametrize("page", [
    '<title></title><script>console.log("XSS-1")</script>',
    '<p><img src=x onerror=console.log(1)></p>',
    "<svg onload=alert(1)>",
    '<a href=" JaVa&#x09;Script:alert(1)">x</a>',
    '<img src="data:image/svg+xml,x">',
    '<form><button formaction="vbscript:x">',
    "<iframe srcdoc=x>",
    "<p>XSS-TEMPLATE</p>",
])
def test_the_scan_sees_what_would_run(page: str) -> None:
    assert len(scan_html(page).findings) == 1


# --------------------------------------------------------------------------- the payload project

LINE = (
    'Payload </title><script>console.log("{m}a")</script>"><img src=x onerror=console.log("{m}b")>'
    '<svg onload=console.log("{m}c")> {: onclick="console.log(\'{m}d\')"} '
    '[x](javascript:console.log("{m}e")) ![x](x){: onerror="console.log(\'{m}f\')"} '
    "&#60;img src=x onerror=alert('{m}g')&#62; '--><script>alert(\"{m}h\")</script> "
    '{{ "XSS" ~ "-TEMPLATE" }} {{ 7*191 }}'
)
PROSE_PAYLOAD = (
    'Prose <script>alert("{m}a")</script> **bold** {: onclick="alert(\'{m}b\')"}\n'
    '[a](javascript:alert("{m}c")) [b](JaVaScRiPt:alert("{m}d")) [c](java&#x09;script:alert("{m}e"))\n'
    '[d]( javascript:alert("{m}f")) [e](&#x01;javascript:alert("{m}g")) '
    '[f](data:text/html,<script>alert("{m}h")</script>)\n'
    '[g](vbscript:msgbox("{m}i")) [h](javascript&colon;alert("{m}j")) ![i](javascript:alert("{m}k"))\n'
    '![j](x){: onerror="alert(\'{m}l\')"} `code`{: onclick="alert(\'{m}m\')"} [k][ref-{m}] '
    "[ok](https://example.org/)\n"
    "\n"
    '[ref-{m}]: javascript:alert("{m}n")\n'
    "\n"
    '## Payload heading &lt;img src=x onerror=alert("{m}o")&gt; &#60;img src=x onerror=alert("{m}p")&#62; '
    '[q](javascript:alert("{m}q"))\n'
    "\n"
    '> <img src=x onerror=alert("{m}r")> {{ "XSS" ~ "-TEMPLATE" }}\n'
    '{: onclick="alert(\'{m}s\')"}'
)
LOCALES = ("en", "de", "fr")
#: Keys of one-line facts (Line fields) that get a payload; ids, enums, e-mails and URLs are kept.
LINE_KEYS = {"name", "street", "postal_code", "city", "region", "court", "number", "vat_id", "share_capital",
             "legal_form", "phone", "publication_director", "subject", "licensing_authority"}
V1 = dt.date(2026, 1, 5)
V2_PUBLISHED = dt.date(2026, 11, 2)
V2_EFFECTIVE = dt.date(2026, 12, 15)


class Payloads:
    """Numbered payloads, so that a marker in a failure names the source field it came from."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def _marker(self, where: str) -> str:
        marker = f"XSS-{len(self.fields) + 1}"
        self.fields[marker] = where
        return marker

    def line(self, where: str) -> str:
        """A one-line payload (names, titles)."""
        return LINE.replace("{m}", self._marker(where))

    def prose(self, where: str) -> str:
        """A Markdown payload (the company's prose)."""
        return PROSE_PAYLOAD.replace("{m}", self._marker(where))

    def text(self, where: str, *, one_line: bool = False) -> dict[str, str]:
        """A localized payload, ``{en, de, fr}``."""
        return {locale: (self.line if one_line else self.prose)(f"{where}.{locale}") for locale in LOCALES}

    def explain(self, finding: str) -> str:
        """``finding`` with the source fields of the markers in it."""
        found = sorted(set(re.findall(r"XSS-\d+", finding)))
        return finding + "".join(f" [{marker}: {self.fields.get(marker, '?')}]" for marker in found)


def _is_text(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(LOCALES)


def _poison(node: Any, where: str, payloads: Payloads) -> None:
    """Replace every text field below ``node`` with a payload, in place."""
    if isinstance(node, dict):
        for key in list(node):
            value, here = node[key], f"{where}.{key}"
            if _is_text(value):
                node[key] = payloads.text(here, one_line=key in ("title", "subject", "name"))
            elif isinstance(value, str) and key in LINE_KEYS:
                node[key] = payloads.line(here)
            elif key == "representatives":
                node[key] = [payloads.line(here)]
            else:
                _poison(value, here, payloads)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if _is_text(item):
                node[index] = payloads.text(f"{where}[{index}]")
            else:
                _poison(item, f"{where}[{index}]", payloads)


def payload_project(root: Path, payloads: Payloads) -> Project:
    """A copy of the example, every text field an injection payload, without released versions."""
    project = copy_project(root)
    shutil.rmtree(project.source / "versions")
    yaml = YAML()
    for path in sorted(project.source.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        _poison(data, path.stem, payloads)
        if path.stem == "site":
            data["company"]["licensing_authority"] = payloads.line("site.company.licensing_authority")
        else:
            data["title"] = payloads.text(f"{path.stem}.title", one_line=True)
            data["sections"] = [{"id": "extra", "title": payloads.text(f"{path.stem}.sections.title", one_line=True),
                                 "body": payloads.text(f"{path.stem}.sections.body")}]
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(data, handle)
    return project


def _release(project: Project, kind: str, payloads: Payloads, published: dt.date, effective: dt.date,
             *, material: bool | None = None) -> None:
    loaded = load_policy(project.source)
    release_document(loaded, load_history(loaded), kind, summary=m.Text(payloads.text(f"{kind}.summary")),
                     published=published, effective=effective, today=published, material=material)


def release_payloads(project: Project, payloads: Payloads) -> None:
    """Version 1 of every document, and a material version 2 of the privacy policy announced
    on V2_PUBLISHED for V2_EFFECTIVE: version pages, history, redline, upcoming page, banner."""
    for kind in ("privacy", "cookies", "refund", "imprint"):
        _release(project, kind, payloads, V1, V1)
    yaml = YAML()
    path = project.source / "privacy.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"))
    data["intro"] = {locale: f"{text}\n\n{payloads.prose('privacy.intro.v2')}" for locale, text in data["intro"].items()}
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    _release(project, "privacy", payloads, V2_PUBLISHED, V2_EFFECTIVE, material=True)


@dataclass(frozen=True)
class Built:
    """A payload site built by one engine."""

    project: Project
    payloads: Payloads

    def pages(self) -> list[Path]:
        """Every HTML page of the site."""
        return sorted(self.project.site.rglob("*.html"))


AS_OF_RELEASED = dt.date(2026, 11, 22)  # version 1 in force, version 2 announced


@pytest.fixture(scope="module")
def payload_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """The payload site as drafts (MkDocs), released (MkDocs) and released (Zensical)."""
    sites = {}
    drafts_payloads = Payloads()
    drafts = payload_project(tmp_path_factory.mktemp("drafts"), drafts_payloads)
    loaded = load_policy(drafts.source)
    build_site(drafts, loaded, load_history(loaded), AS_OF)
    sites["drafts"] = Built(drafts, drafts_payloads)

    payloads = Payloads()
    released = payload_project(tmp_path_factory.mktemp("released"), payloads)
    release_payloads(released, payloads)
    zensical_root = tmp_path_factory.mktemp("zensical")
    for name in ("mkdocs.yml", "overrides", "policy"):
        copy = shutil.copytree if (released.root / name).is_dir() else shutil.copy
        copy(released.root / name, zensical_root / name)
    variants: list[tuple[str, Project, Engine]] = [("released", released, "mkdocs"),
                                                   ("zensical", Project.at(zensical_root), "zensical")]
    for name, project, engine in variants:
        loaded = load_policy(project.source)
        build_site(project, loaded, load_history(loaded), AS_OF_RELEASED, engine=engine)
        sites[name] = Built(project, payloads)
    return sites


VARIANTS = ["drafts", "released", "zensical"]


@pytest.mark.slow
def test_every_kind_of_text_field_holds_a_payload(payload_sites: dict[str, Built]) -> None:
    fields = set(payload_sites["released"].payloads.fields.values())
    assert {
        "site.site.name.en", "site.company.name", "site.company.address.street", "site.company.representatives",
        "site.company.commercial_register.court", "site.company.licensing_authority", "privacy.title.en",
        "privacy.intro.de", "privacy.sections.title.fr", "privacy.sections.body.en", "privacy.recipients[2].name",
        "privacy.recipients[2].service.en", "privacy.purposes[0].description.en", "privacy.security[0].en",
        "privacy.dpo.name", "privacy.supervisory_authority.name", "cookies.trackers[0].name",
        "cookies.trackers[0].description.en", "cookies.consent.withdraw.en", "refund.request.subject.en",
        "refund.guarantees[0].remedies[0].en", "imprint.hosting.name", "imprint.mediation.name",
        "imprint.publication_director", "privacy.summary.en", "cookies.summary.fr", "privacy.intro.v2",
    } <= fields


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS)
def test_no_built_page_runs_source_values(payload_sites: dict[str, Built], variant: str) -> None:
    built = payload_sites[variant]
    pages = built.pages()
    findings = []
    for page in pages:
        scan = scan_html(page.read_text(encoding="utf-8"))
        findings += [f"{page.relative_to(built.project.site)}: {built.payloads.explain(f)}" for f in scan.findings]
        # the payloads did reach the page, as text: the site name in every title, more in the body
        assert '</title><script>console.log("XSS-' in scan.title, page
        assert "XSS-" in "".join(scan.text), page
    assert not findings, "\n".join(findings[:40])
    expected = {"index.html", "en/404.html", "en/index.html", "en/privacy/index.html", "de/imprint/index.html"}
    if variant != "drafts":
        expected |= {"en/privacy/history/index.html", "en/privacy/v1/index.html", "fr/privacy/v2/changes/index.html",
                     "de/privacy/upcoming/index.html", "en/refund/history/index.html"}
    assert expected <= {page.relative_to(built.project.site).as_posix() for page in pages}


@pytest.mark.slow
def test_released_pages_show_the_payload_titles_and_the_banner(payload_sites: dict[str, Built]) -> None:
    for variant in ("released", "zensical"):
        site = payload_sites[variant].project.site
        upcoming = scan_html((site / "en" / "privacy" / "upcoming" / "index.html").read_text(encoding="utf-8"))
        text = "".join(upcoming.text)
        assert 'Prose <script>alert("XSS-' in text  # the summary, as text
        page = (site / "de" / "privacy" / "index.html").read_text(encoding="utf-8")
        assert 'class="legalgen-notice"' in page and "&lt;/title&gt;&lt;script&gt;" in page.split("legalgen-notice")[1]


@pytest.mark.slow
def test_feeds_and_notices_hold_payloads_as_text(payload_sites: dict[str, Built]) -> None:
    site = payload_sites["released"].project.site
    atom = "{http://www.w3.org/2005/Atom}"
    for locale in LOCALES:
        data = (site / locale / "feed.xml").read_bytes()
        assert b"<script" not in data and TEMPLATE_MARK.encode() not in data
        root = ElementTree.fromstring(data)
        assert all(str(element.tag).startswith(atom) for element in root.iter())
        assert all(element.get("type") in (None, "text") for element in root.iter() if element.tag in
                   (f"{atom}title", f"{atom}summary", f"{atom}content"))
        title = root.findtext(f"{atom}title") or ""
        assert title.startswith('Payload </title><script>console.log("XSS-')  # the site name, as text
        summaries = [element.text or "" for element in root.iter(f"{atom}summary")]
        assert any('<script>alert("XSS-' in summary for summary in summaries)
    notices = json.loads((site / "notices.json").read_text(encoding="utf-8"))
    assert notices["notices"] and TEMPLATE_MARK not in json.dumps(notices)


@pytest.mark.slow
def test_notice_emails_escape_every_value(payload_sites: dict[str, Built]) -> None:
    from legalgen.notices.mail import compose

    built = payload_sites["released"]
    loaded = load_policy(built.project.source)  # the source as released (version 2)
    history = load_history(loaded)
    due = due_messages(loaded, history, V2_PUBLISHED) + due_messages(loaded, history, V2_EFFECTIVE)
    assert {item.reason.value for item in due} == {"announcement", "in_effect"}
    for item in due:
        for locale in LOCALES:
            message = compose(loaded, item, locale, V2_PUBLISHED).message
            html_part = message.get_body(("html",))
            assert html_part is not None
            html = html_part.get_content()
            scan = scan_html(html)
            assert not scan.findings, [built.payloads.explain(f) for f in scan.findings]
            assert '</title><script>console.log("XSS-' in scan.title
            assert '<script>alert("XSS-' in "".join(scan.text)  # the summary, as text
            plain = message.get_body(("plain",))
            assert plain is not None and TEMPLATE_MARK not in plain.get_content()


def test_email_html_template_escapes_what_it_is_given(example: LoadedPolicy) -> None:
    renderer = LocaleRenderer(example, "en")
    html = renderer.render("email.html.j2", subject='</title><script>alert("s")</script>',
                           paragraphs=[['<img src=x onerror=alert(1)> see https://a.example/x"onmouseover="alert(2)'],
                                       ["[x](javascript:alert(3))", "javascript:alert(4)"]])
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(&#34;s&#34;)&lt;/script&gt;</title>" in html
    assert "<p>&lt;img src=x onerror=alert(1)&gt; see " in html
    assert "javascript:alert(4)</p>" in html and 'href="javascript' not in html
    assert not scan_html(html).findings


# --------------------------------------------------------------------------- in the browser


#: In the page (and its open shadow roots, where Zensical's search lives): event handlers
#: holding a marker, and links or sources with a scheme other than http, https or mailto.
DOM_CHECK = """() => {
  const found = [];
  const visit = (root) => {
    for (const element of root.querySelectorAll("*")) {
      if (element.shadowRoot) { visit(element.shadowRoot); }
      for (const attribute of element.attributes) {
        const name = attribute.name.toLowerCase();
        if (name.startsWith("on") && attribute.value.includes("XSS")) {
          found.push(`<${element.localName} ${name}=${attribute.value.slice(0, 80)}>`);
        }
        if (["href", "src", "action", "formaction", "xlink:href"].includes(name)) {
          let protocol = "";
          try { protocol = new URL(attribute.value, document.baseURI).protocol; } catch (error) { continue; }
          if (!["http:", "https:", "mailto:"].includes(protocol)) {
            found.push(`<${element.localName} ${name}=${attribute.value.slice(0, 80)}>`);
          }
        }
      }
    }
  };
  visit(document);
  return found;
}"""






def _search(page, query: str) -> None:  # type: ignore[no-untyped-def]
    """Search the site: the results show titles and text from the index (Material renders them
    in the page, Zensical in a shadow root). The query is typed again until the index is ready."""
    if page.locator(".md-search__button").count():
        page.locator(".md-search__button").click()
        field, results = page.locator("input").last, page.locator("[role=listbox] li")
    else:
        field, results = page.locator("input[data-md-component=search-query]"), page.locator(".md-search-result__item")
    for attempt in range(40):
        if attempt % 8 == 0:  # type (again) until the search index is ready
            field.fill("")
            field.press_sequentially(query)
        page.wait_for_timeout(250)
        if results.count():
            return
    raise AssertionError(f"searching for {query!r} shows no results")


@pytest.mark.browser
def test_the_browser_check_sees_a_payload_run(browser) -> None:  # type: ignore[no-untyped-def]
    events: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda dialog: (events.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: events.append(message.text))
    page.set_content('<img src=x onerror=console.log("XSS-1")><script>alert("XSS-2")</script>'
                     '<a href="java&#x09;script:alert(3)">x</a><p onclick="x(\'XSS-4\')">p</p>')
    page.wait_for_timeout(100)
    events += page.evaluate(DOM_CHECK)
    page.close()
    assert sorted(events) == sorted(["XSS-1", "XSS-2", '<img onerror=console.log("XSS-1")>',
                                     "<a href=java\tscript:alert(3)>", "<p onclick=x('XSS-4')>"])


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS)
def test_no_page_runs_a_payload_in_chromium(payload_sites: dict[str, Built], browser, variant: str) -> None:  # type: ignore[no-untyped-def]
    built = payload_sites[variant]
    events: list[str] = []
    pending: list[str] = []
    context = browser.new_context()
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())  # no web fonts
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime.combine(AS_OF_RELEASED, dt.time(12)))  # the banner shows
    page.on("dialog", lambda dialog: (pending.append(f"dialog {dialog.message!r}"), dialog.dismiss()))
    page.on("console", lambda message: pending.append(f"console {message.text!r}") if "XSS" in message.text else None)
    with serve(built.project.site) as url:
        for path in built.pages():
            relative = path.relative_to(built.project.site).as_posix()
            if variant == "zensical" and not relative.startswith(("en/", "index.html")):
                continue  # the same pages as the MkDocs build: one language is enough here
            html = path.read_text(encoding="utf-8")
            if 'http-equiv="refresh"' in html:  # a /.well-known page: checked without its forwarding
                page.goto(f"{url}/", wait_until="load")
                page.set_content(re.sub(r'<meta http-equiv="refresh"[^>]*>', "", html), wait_until="load")
            else:
                page.goto(f"{url}/{relative}", wait_until="load")
            pending += page.evaluate(DOM_CHECK)
            events += [f"{relative}: {event}" for event in pending]
            pending.clear()
        page.goto(f"{url}/en/", wait_until="load")
        _search(page, "Payload")
        pending += page.evaluate(DOM_CHECK)
        events += [f"search: {event}" for event in pending]
    context.unroute_all(behavior="ignoreErrors")
    context.close()
    assert not events, "\n".join(built.payloads.explain(event) for event in events[:40])


class _FooterLinks(HTMLParser):
    """The aria-label and the shown title of each previous/next link in a page's footer."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[list[str]] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and "md-footer__link" in (found.get("class") or ""):
            self.links.append([found.get("aria-label") or "", ""])
        elif tag == "div" and found.get("class") == "md-ellipsis" and self.links:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.links[-1][1] += data


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["drafts", "released"])
def test_footer_links_name_the_page_as_it_is_shown(payload_sites: dict[str, Built], variant: str) -> None:
    """A screen reader hears the title a visitor reads: escaped once, not twice."""
    site = payload_sites[variant].project.site
    parser = _FooterLinks()
    parser.feed((site / "en" / "privacy" / "index.html").read_text(encoding="utf-8"))
    assert parser.links
    for label, shown in parser.links:
        assert "XSS-" in shown and label.endswith(": " + shown.strip()), (label, shown)
