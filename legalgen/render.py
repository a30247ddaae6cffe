"""Render a policy into Markdown pages, one tree per locale.

Templates live in ``legalgen/templates`` (one per document kind, partials prefixed with
``_``). Every sentence in them is a ``{% trans %}`` block; values from the source are data
and pass through an explicit escaping filter (``md`` for facts, ``prose`` for the
company's own Markdown), so nothing from the source is evaluated as Jinja or raw HTML.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import jinja2

from legalgen import model as m
from legalgen.i18n import Formatter
from legalgen.load import LoadedPolicy
from legalgen.periods import Period

TEMPLATES = jinja2.PackageLoader("legalgen", "templates")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def escape_markdown(value: object) -> str:
    """Escape a fact so Markdown shows it literally: one line, no markup, no HTML.

    >>> escape_markdown("Smith_&_Co <b>*")
    'Smith\\\\_&\\\\_Co &lt;b&gt;\\\\*'
    """
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def escape_prose(value: str) -> str:
    """Keep the company's Markdown but neutralise raw HTML.

    >>> escape_prose("See **this** <script>")
    'See **this** &lt;script>'
    """
    return value.strip().replace("<", "&lt;")


@dataclass(frozen=True)
class Page:
    """One rendered Markdown page: its path in the docs tree and its text."""

    locale: str
    path: PurePosixPath
    title: str
    text: str


def document_slug(document: Any) -> str:
    """The URL path of a document: its ``slug`` or its kind."""
    return str(document.slug or document.kind)


def make_environment(formatter: Formatter) -> jinja2.Environment:
    """A Jinja environment bound to one locale: strict, i18n-aware, with the escaping filters."""
    env = jinja2.Environment(
        loader=TEMPLATES,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(formatter.translations, newstyle=True)  # type: ignore[attr-defined]
    locale = formatter.locale
    env.filters.update(
        md=escape_markdown,
        text=lambda value: escape_prose(value.get(locale)),
        inline=lambda value: escape_markdown(value.get(locale)),
        date=formatter.date,
        period=formatter.period,
        label=formatter.label,
        country=formatter.country,
        join_list=formatter.join,
        email=lambda value: f"<{value}>",
        link=lambda value: f"<{value}>",
        yaml_string=lambda value: json.dumps(str(value), ensure_ascii=False),
        category_label=lambda c: _named(c.label, c.type, formatter),
        purpose_label=lambda p: _named(p.label, p.type, formatter),
        lifetime=lambda value: _lifetime(value.root, formatter),
        recipient_name=lambda r: escape_markdown(r.name) if r.name else formatter.label(r.category),
    )
    return env


def _named(label: m.Text | None, kind: Any, formatter: Formatter) -> str:
    """The company's own label if given, else the catalog label of the known type."""
    if label is not None:
        return escape_markdown(label.get(formatter.locale))
    return formatter.label(kind)


def _lifetime(value: object, formatter: Formatter) -> str:
    if value == "session":
        return formatter.gettext("until the browser is closed")
    assert isinstance(value, Period)
    return formatter.period(value)


def render_pages(loaded: LoadedPolicy, locales: list[str] | None = None) -> list[Page]:
    """Render every document and the home page in each locale of the site."""
    policy = loaded.policy
    pages: list[Page] = []
    for locale in locales or policy.site.locales:
        formatter = Formatter.for_locale(locale, policy.site.date_locales.get(locale))  # type: ignore[call-overload]
        env = make_environment(formatter)
        documents = [policy.documents[kind] for kind in m.DOCUMENT_KINDS if kind in policy.documents]
        context = {
            "site": policy.site,
            "company": policy.company,
            "policy": policy,
            "locale": locale,
            "documents": documents,
            "slug": document_slug,
        }
        for document in documents:
            title = _title(document, formatter)
            text = env.get_template(f"{document.kind}.md.j2").render(context, doc=document, title=title)
            pages.append(Page(locale, PurePosixPath(f"{document_slug(document)}.md"), title, text))
        titles = {doc.kind: _title(doc, formatter) for doc in documents}
        home = env.get_template("index.md.j2").render(context, titles=titles)
        pages.append(Page(locale, PurePosixPath("index.md"), policy.site.name, home))
    return pages


def render_document(loaded: LoadedPolicy, kind: str, locale: str) -> str:
    """The Markdown of one document in one locale."""
    slug = document_slug(loaded.policy.documents[kind])
    for page in render_pages(loaded, [locale]):
        if page.path.stem == slug:
            return page.text
    raise KeyError(kind)


def _title(document: Any, formatter: Formatter) -> str:
    if document.title is not None:
        return str(document.title.get(formatter.locale))
    return formatter.label(m.DocumentKind(document.kind), "title")
