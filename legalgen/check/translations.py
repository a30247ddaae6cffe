"""Translations that no longer match their English (T): drift since a document's last release."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from legalgen.check import Context, Finding, rule
from legalgen.diagnostics import Severity
from legalgen.source import model as m
from legalgen.source.reader import NodePath

#: A text's place, with list items named by their id where they have one, so that a text
#: is found again after items were added or moved: (("purposes", "support"), "description").
Key = tuple[str | int, ...]


def _texts(value: Any, key: Key = (), path: NodePath = ()) -> Iterator[tuple[Key, NodePath, m.Text]]:
    """Every localized text below ``value``, with its id-based key and its source path."""
    if isinstance(value, m.Text):
        yield key, path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            child = getattr(value, name)
            if child is not None:
                yield from _texts(child, (*key, name), (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            ident = getattr(item, "id", None)
            yield from _texts(item, (*key, ident if isinstance(ident, str) else index), (*path, index))


def _same(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()) == " ".join((b or "").split())


@rule("T01", document="site", covers="site", source="legalgen: translations follow their source",
      severity=Severity.WARNING)
def translation_drift(context: Context) -> Iterator[Finding]:
    """A translation changes when its English changes, or says it was reviewed.

    Why: when the English of a text changed since the document's last release and a
    translation stayed as it was, the languages may no longer say the same thing, and the
    next release would publish that difference. Once a translator has checked that the
    translation still fits, `reviewed` with the mark this rule gives records it; a later
    change of the English asks again. The English is the source language when the site
    publishes it, else the default locale.

    Fails: `description: {en: We keep it for two years., de: Wir speichern sie ein Jahr.}`
    after the English said "one year" in the last release.

    Passes: the German changed too, or `de: {text: Wir speichern sie zwei Jahre., reviewed: <mark>}`.
    """
    site = context.policy.site
    source = "en" if "en" in site.locales else site.default_locale
    for key, document in context.policy.documents.items():
        versions = context.history.of(key)
        released = versions[-1].document if versions else None
        if released is None:
            continue
        before = {text_key: text for text_key, _, text in _texts(released)}
        for text_key, path, text in _texts(document):
            old = before.get(text_key)
            if old is None or _same(old.root.get(source), text.root.get(source)):
                continue
            mark = m.review_mark(text.get(source))
            for locale in site.locales:
                if locale == source or text.reviewed(locale) == mark:
                    continue
                if _same(old.root.get(locale), text.root.get(locale)):
                    where = ".".join(map(str, path))
                    yield Finding(
                        f"{key}: {where}: the {source} text changed since version {versions[-1].number}, the "
                        f"{locale} translation did not", context.at(key, *path, locale),
                        hint=f"translate the change, or if the translation still fits: "
                             f"{locale}: {{text: ..., reviewed: {mark}}}")
