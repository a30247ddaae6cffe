"""Plain, definite language in every locale (REQUIREMENTS.md G22, C05; WP260 rev.01)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from legalgen import model as m
from legalgen.check import Context, Finding, rule
from legalgen.diagnostics import Severity
from legalgen.load import walk_model
from legalgen.source import NodePath

#: Vague qualifiers WP260 (par. 12-13) asks to avoid, per language.
VAGUE = {
    "en": ["may", "might", "some", "possibly", "certain"],
    "de": ["möglicherweise", "eventuell", "unter Umständen", "gegebenenfalls", "einige", "bestimmte"],
    "fr": ["peut-être", "éventuellement", "pourrait", "pourraient", "certains", "certaines", "quelques"],
}
#: "Check this page regularly" / "continued use means acceptance", per language.
PASSIVE_NOTICE = {
    "en": [r"review this page", r"check this page", r"(continued|continue to) use", r"periodically for (any )?changes"],
    "de": [r"Seite regelmäßig", r"regelmäßig (auf|nach) Änderungen", r"weitere Nutzung", r"fortgesetzte Nutzung"],
    "fr": [r"consulter régulièrement", r"poursuite de l'utilisation", r"continuer à utiliser"],
}


def _texts(document: object) -> Iterator[tuple[NodePath, m.Text]]:
    """Every localized text of a document, with its source path."""
    for path, value in walk_model(document):
        if isinstance(value, m.Text):
            yield path, value


def _matches(patterns: list[str], text: str) -> list[str]:
    return [p for p in patterns if re.search(rf"(?<!\w){p}(?!\w)", text, re.IGNORECASE)]


@rule("G22", document="site", covers="site", source="WP260 rev.01 par. 12-13", severity=Severity.WARNING)
def vague_language(context: Context) -> Iterator[Finding]:
    """Prose avoids vague qualifiers such as "may", "might", "some", "possibly" (in every language).

    Why: WP29 names these as language qualifiers that leave the reader unsure what is done
    with their data (WP260 rev.01, par. 12-13). Checked in English, German and French.

    Fails: `description: {en: We may share some data with partners.}`.

    Passes: `description: {en: We share your e-mail address with Brevo to send the newsletter.}`.
    """
    for kind, document in context.policy.documents.items():
        for path, text in _texts(document):
            for locale, value in text.root.items():
                found = _matches(VAGUE[locale], value)
                if found:
                    yield Finding(f"{kind}: {'.'.join(map(str, path))} ({locale}) uses vague wording: "
                                  f"{', '.join(repr(w) for w in found)}", context.at(kind, *path, locale))


@rule("C05", document="site", covers="site", source="WP260 rev.01 par. 30", severity=Severity.WARNING)
def passive_notice(context: Context) -> Iterator[Finding]:
    """Prose does not rely on "check this page regularly" or "continued use means acceptance".

    Why: asking people to check a page regularly, or treating continued use as acceptance,
    is not a valid notice of a change on its own (WP260 rev.01, par. 30). Checked in English,
    German and French.

    Fails: `changes: {details: {en: Please review this page periodically for changes.}}`.

    Passes: `changes: {channels: [email, banner], advance_notice: P30D}` without such a sentence.
    """
    for kind, document in context.policy.documents.items():
        for path, text in _texts(document):
            for locale, value in text.root.items():
                if _matches(PASSIVE_NOTICE[locale], value):
                    yield Finding(f"{kind}: {'.'.join(map(str, path))} ({locale}) asks readers to watch the page "
                                  "or treats continued use as acceptance", context.at(kind, *path, locale),
                                  hint="announce changes through an explicit channel instead")
