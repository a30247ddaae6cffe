"""Render a policy into Markdown pages, one tree per locale.

Templates live in ``legalgen/render/templates`` (one per document kind, partials prefixed with
``_``). Every sentence in them is a ``{% trans %}`` block; values from the source are data
and pass through an explicit escaping filter (``md`` for facts, ``prose`` for the
company's own Markdown), so nothing from the source is evaluated as Jinja or raw HTML,
becomes an attribute list or links to a scheme other than http, https or mailto.
Titles the theme prints (front matter ``title``, the nav, the site name) are HTML for the
theme, see ``escape_theme_text``. HTML templates (``*.html.j2``) are autoescaped.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import html.parser
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup, escape

from legalgen import knowledge
from legalgen.render.i18n import Formatter
from legalgen.render.markdown_safety import (
    SCHEME_WINDOW,
    is_safe_markdown_destination,
    markdown_html,
)
from legalgen.render.typography import typeset
from legalgen.source import model as m
from legalgen.source.load import LoadedPolicy
from legalgen.source.periods import Period

TEMPLATES = jinja2.PackageLoader("legalgen.render", "templates")


#: The options compiled templates depend on (with autoescaping by file name and trimmed
#: i18n blocks, set below): part of the key of every cached compiled template.
_ENVIRONMENT_OPTIONS = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True,
                        "extensions": ["jinja2.ext.i18n"]}
_ENVIRONMENT_SETTINGS = f"{_ENVIRONMENT_OPTIONS} autoescape=*.html.j2 i18n.trimmed jinja2={jinja2.__version__}"


class _SharedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates shared by every environment of the process, and kept across runs in
    the legalgen cache (``jinja/``, see :mod:`legalgen.cache`): a template is compiled once, not
    once per renderer or per command. Jinja checks each entry against the template's source
    checksum, so an edited template (``legalgen serve``) is compiled again; the key also names
    this module's environment settings, which the compiled code depends on."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"legalgen {_ENVIRONMENT_SETTINGS} {name} {filename}".encode()).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is None:
            disk = disk_bytecode_cache()
            if disk is not None:
                disk.load_bytecode(bucket)
            if bucket.code is not None:
                self._code[bucket.key] = bucket.bytecode_to_string()
            return
        bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
        disk = disk_bytecode_cache()
        if disk is not None:
            with contextlib.suppress(OSError):
                disk.dump_bytecode(bucket)


class _CheckedFileSystemBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates in a folder, where a damaged entry is no entry."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        from legalgen import cache

        try:
            if not stat.S_ISREG(os.lstat(self._get_cache_filename(bucket)).st_mode):
                return  # a link, pipe or device: Jinja would read whatever it gives, or wait for it
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - whatever a damaged file raises, the template is compiled again
            bucket.reset()
        if bucket.code is not None:
            cache.used(self._get_cache_filename(bucket))


def disk_bytecode_cache() -> jinja2.FileSystemBytecodeCache | None:
    """Compiled templates in the legalgen cache (``jinja/``), or None when it is off or unusable."""
    from legalgen import cache

    folder = cache.folder("jinja")
    if folder is None:
        return None
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        return _CheckedFileSystemBytecodeCache(str(folder))
    return None


BYTECODE = _SharedBytecodeCache()
#: Runs of spaces and line breaks that may break; U+00A0 and U+202F are not among them.
_BREAKING_SPACE = re.compile(r"[ \t\n\r\f\v\x1c-\x1f\x85\u1680\u2000-\u200a\u2028\u2029\u205f\u3000]+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|{}])")
#: In prose: a backslash escape (kept as it is), a brace, or a bracket that closes a link
#: text before its destination (``](``) or a reference label before its URL (``]:``).
_PROSE_TOKEN = re.compile(r"\\.|[{}]|\](?=[(:])", re.DOTALL)
_DESTINATION = re.compile(r"[(:]\s*")
#: Stands for a page's already rendered body while the rest of the page is typeset.
_BODY = "\x00legalgen-body\x00"


def escape_markdown(value: object) -> str:
    """Escape a fact so Markdown shows it literally: one line, no markup, no HTML.

    Braces are escaped too, so a fact cannot add an attribute list (``{: onclick=...}``).

    >>> escape_markdown("Smith_&_Co <b>* {: #x}")
    'Smith\\\\_&\\\\_Co &lt;b&gt;\\\\* \\\\{: #x\\\\}'
    """
    return _escaped_fact(str(value))


@functools.lru_cache(maxsize=4096)
def _escaped_fact(value: str) -> str:
    """:func:`escape_markdown` of a string; the same facts recur on every page and in every
    locale, so the last few thousand are kept."""
    text = _BREAKING_SPACE.sub(" ", value).strip()  # non-breaking spaces (in amounts, French) stay
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def escape_prose(value: str) -> str:
    """Keep the company's Markdown but neutralise raw HTML, attribute lists and unsafe links.

    ``<`` becomes ``&lt;`` (no raw HTML) and braces are backslash-escaped (no attribute
    lists). A link or image whose destination has a scheme other than http, https or
    mailto gets its ``]`` escaped, and such a reference definition both its brackets, so
    they show as plain text.

    >>> escape_prose("See **this** <script> [x](javascript:alert(1)) [y](https://y.example/)")
    'See **this** &lt;script> [x\\\\](javascript:alert(1)) [y](https://y.example/)'
    """
    text = value.strip().replace("<", "&lt;")
    escape: set[int] = set()
    escaped: set[int] = set()
    openings: list[int] | None = None  # where each "[" stands, found once: linear time for any prose
    for match in _PROSE_TOKEN.finditer(text):
        token, at = match.group(0), match.start()
        if token.startswith("\\"):
            escaped.add(at + 1)
        elif token in ("{", "}"):
            escape.add(at)
        else:  # "]" before "(" or ":"
            destination = _DESTINATION.match(text, match.end())
            assert destination is not None  # the lookahead saw "(" or ":"
            if is_safe_markdown_destination(text[destination.end():destination.end() + SCHEME_WINDOW]):
                continue
            escape.add(at)
            if text[match.end()] != ":":
                continue
            if openings is None:
                openings = [found.start() for found in re.finditer(r"\[", text)]
            before = bisect.bisect_left(openings, at)
            if before and openings[before - 1] not in escaped:
                escape.add(openings[before - 1])  # "[label\\]:" would still define the label "label\\"
    if not escape:
        return text
    cuts = sorted(escape)
    return "".join(text[start:end] + "\\" for start, end in zip([0, *cuts], cuts)) + text[cuts[-1]:]


#: What may be Markdown markup in prose; prose without any of it reads as it is written.
_MARKUP = re.compile(r"[\\`*_\[\]<>&#|~!]|^ {0,3}(?:[-+>]|\d+[.)])\s|^ {4}", re.MULTILINE)


@functools.lru_cache(maxsize=1024)
def prose_text(value: str) -> str:
    """The company's Markdown prose as the page shows it, in plain text: emphasis and escapes
    gone, a link's address in parentheses after its text (unless the text is the address),
    each paragraph and list item on a line of its own. For places that hold text, not
    Markdown (the JSON-LD literals). The prose is escaped as for the page (:func:`escape_prose`),
    so what the page shows literally stays literal.

    >>> prose_text("We use **Stripe** ([terms](https://stripe.example/t)).\\n\\n- cards\\n- wallets")
    'We use Stripe (terms (https://stripe.example/t)).\\n- cards\\n- wallets'
    """
    if not _MARKUP.search(value):
        return value.strip()
    reader = _PlainText()
    reader.feed(markdown_html(escape_prose(value)))  # the conversion the PDF and the embed use
    reader.close()
    return reader.text()


class _PlainText(html.parser.HTMLParser):
    """The text of converted prose: blocks on lines of their own, links followed by their address."""

    _BLOCKS = frozenset({"p", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self._parts.append("\n")
        if tag == "li":
            self._parts.append("- ")
        if tag == "a":
            self._links.append((dict(attrs).get("href"), len(self._parts)))
        if tag == "img":
            self._parts.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href, start = self._links.pop()
            shown = "".join(self._parts[start:]).strip()
            if href and href not in (shown, f"mailto:{shown}"):
                self._parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self._parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self._parts).splitlines())
        return "\n".join(line for line in lines if line)


def escape_theme_text(value: object) -> str:
    """A plain-text value for the theme, which prints titles and the site name as HTML.

    Material and Zensical print ``config.site_name``, nav titles and the front matter
    ``title`` unescaped in most partials (header, nav, footer, tabs, path) and with ``| e``
    in a few attributes. Escaping ``<``, ``>`` and ``"`` makes every raw use safe, while
    ``&`` and ``'`` stay as they are so that common titles also read right where a partial
    escapes once more.

    >>> escape_theme_text('Terms & "Conditions" <b>')
    'Terms & &quot;Conditions&quot; &lt;b&gt;'
    """
    return str(value).replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass(frozen=True)
class Page:
    """One rendered Markdown page: its path in the docs tree and its text."""

    locale: str
    path: PurePosixPath
    title: str
    text: str


def document_slug(document: Any) -> str:
    """The URL path of a document: its ``slug``, else its key (kind, or a custom document's id)."""
    return str(document.slug or document.key)


def document_title(formatter: Formatter, document: Any) -> str:
    """The document's own title (a custom document always has one), or the catalog title of its kind."""
    if document.title is not None:
        return str(document.title.get(formatter.locale))
    if document.kind == "refund" and (document.withdrawal is None or not document.withdrawal.written):
        return formatter.gettext("Refund policy")  # no withdrawal information: not a withdrawal policy
    return formatter.label(m.DocumentKind(document.kind), "title")


def single_stops(env: jinja2.Environment) -> None:
    """Make the environment's gettext functions drop the full stop of a sentence that directly
    follows a value ending in one: "shared with Acme Inc.", not "Acme Inc..", whichever place
    the translation gives the value."""
    for name in ("gettext", "ngettext", "pgettext", "npgettext"):
        function = env.globals.get(name)
        if callable(function):
            env.globals[name] = _single_stop(function)


_CONTROL_CHARACTERS = "".join(map(chr, range(32)))


def _single_stop(function: Any) -> Any:
    @jinja2.pass_context
    def translated(context: jinja2.runtime.Context, *args: Any, **variables: Any) -> Any:
        text = function(context, *args, **variables)
        for value in variables.values():
            # (a traced value ends in control characters that mark its end; a source value has none)
            if isinstance(value, str) and value.rstrip(_CONTROL_CHARACTERS).endswith("."):
                shown = escape(value) if isinstance(text, Markup) else value
                text = text.replace(shown + ".", shown)
        return text

    return translated


def make_environment(formatter: Formatter) -> jinja2.Environment:
    """A Jinja environment bound to one locale: strict, i18n-aware, with the escaping filters.

    Markdown templates are not autoescaped (their filters escape for Markdown); HTML
    templates (``*.html.j2``, the e-mail body) are.
    """
    env = jinja2.Environment(
        loader=TEMPLATES,
        undefined=jinja2.StrictUndefined,
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        **_ENVIRONMENT_OPTIONS,  # type: ignore[arg-type]
        bytecode_cache=BYTECODE,
        # A loaded template is not checked against its file again: ``legalgen serve`` drops
        # the environments before each rebuild instead (see :func:`forget_environments`).
        auto_reload=False,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(formatter.translations, newstyle=True)  # type: ignore[attr-defined]
    single_stops(env)
    locale = formatter.locale
    env.filters.update(
        md=escape_markdown,
        text=lambda value: escape_prose(value.get(locale)),
        inline=lambda value: escape_markdown(value.get(locale)),
        date=formatter.date,
        period=formatter.period,
        period_range=formatter.period_range,
        money=lambda value: escape_markdown(formatter.money(value) if isinstance(value, m.Money) else value),
        one_line=lambda value: escape_markdown(value.get(locale) if isinstance(value, m.Text) else value),
        upper_first=lambda value: value[:1].upper() + value[1:],
        in_sentence=lambda value: in_sentence(value, locale),
        label=formatter.label,
        country=formatter.country,
        join_list=formatter.join,
        join_either=lambda items: formatter.join(items, "or"),
        email=lambda value: f"<{value}>",
        link=lambda value: f"<{value}>",
        yaml_string=lambda value: json.dumps(str(value), ensure_ascii=False),
        meta_title=lambda value: json.dumps(escape_theme_text(typeset(value, locale)), ensure_ascii=False),
        category_label=lambda c: _named(c.label, c.type, formatter),
        # the catalog's in-sentence form is written as it reads there; in_sentence leaves it so
        category_in_sentence=lambda c: in_sentence(_named(c.label, c.type, formatter, "in_sentence"), locale),
        purpose_label=lambda p: _named(p.label, p.type, formatter),
        lifetime=lambda value: _lifetime(value.root, formatter),
        recipient_name=lambda r: escape_markdown(r.name) if r.name else formatter.label(r.category, "provider"),
        # a recipient the source does not name is called by its kind, which reads in lower case in a sentence
        recipient_in_sentence=lambda r: escape_markdown(r.name) if r.name
        else in_sentence(formatter.label(r.category, "provider"), locale),
        # ... and with an article where it is the object of "to" in running text
        recipient_after_to=lambda r: escape_markdown(r.name) if r.name else formatter.label(r.category, "after_to"),
        # a country of the EEA is never called a third country, whatever the source says (G06 reports it)
        transferred_abroad=lambda recipients: [r for r in recipients if r.transfer is not None
                                               and (r.country is None or _third_country(r.country))],
        third_countries=lambda codes: [code for code in codes if _third_country(code)],
        # a notice-wide transfer that names countries, all of them in the EEA, is not shown
        shown_transfers=lambda transfers: [t for t in transfers if not t.countries
                                           or any(map(_third_country, t.countries))],
    )
    return env


def _third_country(code: str) -> bool:
    return code not in knowledge.eea()


def in_sentence(label: str, locale: str) -> str:
    """A label as it reads inside a sentence: lower case first in English and French, as written in German.

    Acronyms and names that start with two capitals stay as they are.

    >>> in_sentence("E-mail address", "en"), in_sentence("IP address", "fr"), in_sentence("Name", "de")
    ('e-mail address', 'IP address', 'Name')
    """
    start = next((index for index, char in enumerate(label) if char.isalpha()), None)  # past any trace tag
    if locale == "de" or start is None or start + 1 >= len(label) or not label[start].isupper() \
            or label[start + 1].isupper():
        return label
    return label[:start] + label[start].lower() + label[start + 1:]


def _named(label: m.Text | None, kind: Any, formatter: Formatter, form: str = "label") -> str:
    """The company's own label if given, else the catalog label of the known type (in ``form``)."""
    if label is not None:
        return escape_markdown(label.get(formatter.locale))
    return formatter.label(kind, form)


def _lifetime(value: object, formatter: Formatter) -> str:
    if value == "session":
        return formatter.gettext("until the browser is closed")
    assert isinstance(value, Period)
    return formatter.period(value)


#: One environment per locale, date locale and catalog: its filters depend on nothing else, so
#: every renderer of that locale shares it and its loaded templates (``trace`` makes a private
#: one before it changes filters). A reloaded catalog (``legalgen serve``) is a new
#: translations object, hence a new environment.
_ENVIRONMENTS: dict[tuple[str, str, int], jinja2.Environment] = {}


def forget_environments() -> None:
    """Drop the shared environments (after the catalogs were reloaded)."""
    _ENVIRONMENTS.clear()


def environment_for(formatter: Formatter) -> jinja2.Environment:
    """The shared environment of ``formatter``'s locale (see :func:`make_environment`)."""
    key = (formatter.locale, formatter.date_locale, id(formatter.translations))
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = _ENVIRONMENTS[key] = make_environment(formatter)
    return env


class LocaleRenderer:
    """Renders templates in one locale for one policy."""

    def __init__(self, loaded: LoadedPolicy, locale: str) -> None:
        policy = loaded.policy
        self.locale = locale
        self.formatter = Formatter.for_locale(locale, policy.site.date_locales.get(locale))  # type: ignore[call-overload]
        self.env = environment_for(self.formatter)
        self.documents = policy.ordered()
        self.context: dict[str, Any] = {
            "site": policy.site,
            "company": policy.company,
            "policy": policy,
            "locale": locale,
            "documents": self.documents,
            "slug": document_slug,
        }

    def title(self, document: Any) -> str:
        """The document's title in this locale (see :func:`document_title`)."""
        return document_title(self.formatter, document)

    def body(self, document: Any) -> str:
        """The body of a document: what a release freezes."""
        return self.render(f"{document.kind}.md.j2", doc=document).strip("\n") + "\n"

    def render(self, template: str, **context: Any) -> str:
        """Render a template with the policy's context and ``context``, in the locale's typography.

        A ``body`` in ``context`` is already rendered Markdown (a frozen version or a
        redline of two): it is inserted as it is, after the rest is typeset, so that a
        released text stays byte for byte what was released.
        """
        body = context.pop("body", None)
        if body is not None:
            context["body"] = _BODY
        text = typeset(self.env.get_template(template).render(self.context, **context), self.locale)
        return text.replace(_BODY, body) if body is not None else text

    def gettext(self, message: str) -> str:
        """Translate one message (titles of generated pages)."""
        return self.formatter.gettext(message)
