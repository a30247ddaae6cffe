"""Plain, definite language in every locale (REQUIREMENTS.md G22, C05; WP260 rev.01; GDPR Art. 4(11), 7).

The text rules read sentence by sentence, leave quotations out (a quoted phrase is cited,
not said), and skip a sentence that negates what they look for ("we never treat continued
use as acceptance"). Patterns allow for inflection and a few words in between, so that a
paraphrase is found as well as the textbook phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from legalgen import model as m
from legalgen.check import Context, Finding, rule
from legalgen.diagnostics import Severity
from legalgen.load import walk_model
from legalgen.source import NodePath

#: Vague qualifiers WP260 (par. 12-13) asks to avoid, per language. "May" the month and
#: "bestimmte" (which as often means "specific") are not among them.
VAGUE = {
    "en": [r"may(?!\s+\d)(?<!\d\s{1}may)", "might", "some", "possibly", "certain"],
    "de": ["möglicherweise", "eventuell", "unter Umständen", "gegebenenfalls", "einige"],
    "fr": ["peut-être", "éventuellement", "pourrait", "pourraient", "certains", "certaines", "quelques"],
}
#: Any words in between, but within one clause.
_GAP = r"[^.;:!?]{0,80}?"
#: "Check this page regularly" and "continued use means acceptance", per language.
PASSIVE_NOTICE = {
    "en": [r"(review|check|consult|visit)\w*\s+(this|the)\s+(page|policy)" + _GAP + r"(periodically|regularly|from time to time|for (any )?changes)",
           r"(continu\w*|keep\w*|further)\s+(to\s+)?(us\w*|access\w*)" + _GAP + r"(accept\w*|agree\w*|consent\w*|bound)",
           r"(periodically|regularly)\s+(review|check)\w*" + _GAP + r"(page|policy|changes)"],
    "de": [r"(Seite|Erklärung|Richtlinie)" + _GAP + r"regelmäßig",
           r"regelmäßig" + _GAP + r"(Seite|Änderungen)",
           r"(weiter\w*|fortgesetzt\w*)\s+(Nutzung|Verwendung|nutz\w*|verwend\w*)" + _GAP + r"(einverstanden|zustimm\w*|akzeptier\w*|Annahme|gilt)",
           r"(Nutzung|Verwendung)" + _GAP + r"weiterhin" + _GAP + r"(einverstanden|zustimm\w*|akzeptier\w*)"],
    "fr": [r"consulter\s+régulièrement", r"(régulièrement|périodiquement)\s+(cette|la)\s+page",
           r"(poursuite|continuation)\s+de\s+l'utilisation" + _GAP + r"(vaut|accept\w*|consent\w*)",
           r"(continu\w+\s+(à|d')\s*utiliser|utilisation\s+continue)" + _GAP + r"(vaut|accept\w*|consent\w*)"],
}
#: "By using the service you agree": consent inferred from use, per language.
CONSENT_BY_USE = {
    "en": [r"by\s+(using|accessing|visiting|browsing|continuing)" + _GAP + r"(agree|consent|accept)\w*",
           r"(use|using)\s+(of\s+)?(the|our|this)\s+(service|site|website|app)" + _GAP
           + r"(constitutes|means|signifies|implies)" + _GAP + r"(consent|acceptance|agreement)"],
    "de": [r"(mit|durch|bei)\s+(der|dem|Ihrer|Ihrem)\s+(Nutzung|Verwendung|Besuch)" + _GAP
           + r"(einverstanden|willigen|stimmen\s+Sie|akzeptieren\s+Sie|Einwilligung)",
           r"(Nutzung|Verwendung)" + _GAP + r"gilt\s+als" + _GAP + r"(Einwilligung|Zustimmung|Annahme)"],
    "fr": [r"en\s+(utilisant|accédant|visitant|naviguant|poursuivant)" + _GAP + r"(accept\w*|consent\w*|reconnaiss\w*)",
           r"(utilisation|usage)\s+(du|de\s+notre|de\s+ce)\s+(service|site)" + _GAP + r"(vaut|emporte|implique)"
           + _GAP + r"(consentement|acceptation)"],
}
NEGATION = {
    "en": r"\b(never|not|no|nor|neither|cannot|can't|don't|doesn't|won't)\b",
    "de": r"\b(nicht|nie|niemals|kein\w*|weder)\b",
    "fr": r"\b(ne|n'|jamais|aucun\w*|ni)\b|\bn'",
}
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|„[^“”]*[“”]|«[^»]*»|‘[^’]*’")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _texts(document: object) -> Iterator[tuple[NodePath, m.Text]]:
    """Every localized text of a document, with its source path."""
    for path, value in walk_model(document):
        if isinstance(value, m.Text):
            yield path, value


def _sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE.split(_QUOTED.sub(" ", text)) if sentence.strip()]


def says(patterns: list[str], text: str, locale: str) -> list[str]:
    """The sentences of ``text`` that say what one of ``patterns`` describes, unless they negate it."""
    found = []
    for sentence in _sentences(text):
        for pattern in patterns:
            match = re.search(rf"(?<!\w){pattern}(?!\w)", sentence, re.IGNORECASE)
            if match and not re.search(NEGATION[locale], sentence, re.IGNORECASE):
                found.append(sentence.strip())
                break
    return found


def vague_words(text: str, locale: str) -> list[str]:
    """The vague qualifiers in ``text`` (quotations left out); "may" only in lower case, so not the month."""
    plain = _QUOTED.sub(" ", text)
    return [word for word in VAGUE[locale]
            if re.search(rf"(?<!\w){word}(?!\w)", plain, 0 if word.startswith("may") else re.IGNORECASE)]


def _prose(context: Context) -> Iterator[tuple[str, NodePath, str, str]]:
    """Every localized text of every document: (document key, path, locale, text)."""
    for key, document in context.policy.documents.items():
        for path, text in _texts(document):
            for locale, value in text.root.items():
                yield key, path, locale, value


@rule("G22", document="site", covers="site", source="WP260 rev.01 par. 12-13", severity=Severity.WARNING)
def vague_language(context: Context) -> Iterator[Finding]:
    """Prose avoids vague qualifiers such as "may", "might", "some", "possibly" (in every language).

    Why: WP29 names these as language qualifiers that leave the reader unsure what is done
    with their data (WP260 rev.01, par. 12-13). Checked in English, German and French; "May"
    the month, "bestimmte" (specific) and quotations are not flagged.

    Fails: `description: {en: We may share some data with partners.}`.

    Passes: `description: {en: We share your e-mail address with Brevo to send the newsletter.}`.
    """
    for key, path, locale, value in _prose(context):
        found = vague_words(value, locale)
        if found:
            yield Finding(f"{key}: {'.'.join(map(str, path))} ({locale}) uses vague wording: "
                          f"{', '.join(repr(_word(w)) for w in found)}", context.at(key, *path, locale))


def _word(pattern: str) -> str:
    return re.sub(r"\(.*", "", pattern)


@rule("C05", document="site", covers="site", source="WP260 rev.01 par. 30", severity=Severity.WARNING)
def passive_notice(context: Context) -> Iterator[Finding]:
    """Prose does not rely on "check this page regularly" or "continued use means acceptance".

    Why: asking people to check a page regularly, or treating continued use as acceptance,
    is not a valid notice of a change on its own (WP260 rev.01, par. 30). Checked in English,
    German and French, in paraphrase ("if you keep using the service, you accept the new
    terms"); a sentence that rules it out ("we never treat continued use as acceptance") passes.

    Fails: `changes: {details: {en: Please review this page periodically for changes.}}`.

    Passes: `changes: {channels: [email, banner], advance_notice: P30D}` without such a sentence.
    """
    for key, path, locale, value in _prose(context):
        if says(PASSIVE_NOTICE[locale], value, locale):
            yield Finding(f"{key}: {'.'.join(map(str, path))} ({locale}) asks readers to watch the page "
                          "or treats continued use as acceptance", context.at(key, *path, locale),
                          hint="announce changes through an explicit channel instead")


@rule("G23", document="site", covers="site", source="GDPR Art. 4(11), 7; EDPB Guidelines 05/2020 par. 86")
def consent_by_use(context: Context) -> Iterator[Finding]:
    """Prose never treats using the service as consent ("by using the service you agree").

    Why: consent is a clear affirmative act, freely given, specific and informed (Art. 4(11),
    7 GDPR); using a service or scrolling a page is not one (EDPB Guidelines 05/2020, par.
    86), and a notice that says so misstates the legal basis. Checked in English, German and
    French, in paraphrase and word order ("Mit der Nutzung ... erklären Sie sich
    einverstanden", "En utilisant le service, vous acceptez"); a negated sentence passes.

    Fails: `intro: {en: By using the service you agree to the collection of your data.}`.

    Passes: `intro: {en: Using the service does not mean you consent to anything.}`.
    """
    for key, path, locale, value in _prose(context):
        if says(CONSENT_BY_USE[locale], value, locale):
            yield Finding(f"{key}: {'.'.join(map(str, path))} ({locale}) treats using the service as consent",
                          context.at(key, *path, locale),
                          hint="state the legal basis of each purpose instead; consent needs an affirmative act")
