"""Plain, definite language in every locale (REQUIREMENTS.md G22, C05; WP260 rev.01; GDPR Art. 4(11), 7).

The text rules read every prose field of every document (intros, sections, descriptions,
storage criteria, custom documents) and the change summaries of announced versions, sentence
by sentence. They leave quotations out (a quoted phrase is cited, not said) and skip a
sentence that negates what they look for ("we never treat continued use as acceptance"). Patterns allow for inflection and a few words in between, so that a
paraphrase is found as well as the textbook phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from legalgen.check import Context, Finding, rule
from legalgen.diagnostics import Location, Severity
from legalgen.source import model as m
from legalgen.source.load import walk_model
from legalgen.source.reader import NodePath

#: Qualifiers WP260 (par. 12-13) names as leaving readers unsure, per language: modal words
#: that make what is done with data a possibility. English "may" counts only in lower case (not
#: the month) and not as permission given to the reader ("you may use the form").
MODALS = {
    "en": [r"(?<!you )(?<!You )may(?!\s+\d)", "might", "possibly", "perhaps"],
    "de": ["möglicherweise", "eventuell", "unter Umständen", "gegebenenfalls", "ggf\\.", "u\\. ?U\\."],
    "fr": ["peut-être", "éventuellement", "pourrait", "pourraient", "pourrions", "il se peut", "se pourrait"],
}
#: Quantifiers that are vague only when they leave open which data, recipients, purposes or
#: cases are meant ("some data", "certain partners"); "certain cookies, listed below" and the
#: German "bestimmte" (specific) are not vague.
QUANTIFIERS = {"en": r"(some|certain)", "de": r"(einige|einigen|einiger|manche|manchen)",
               "fr": r"(certains|certaines|quelques)"}
VAGUE_NOUNS = {
    "en": r"(data|information|details|partners?|third parties|companies|purposes?|cases?|circumstances|"
          r"situations|recipients?|providers?|affiliates)",
    "de": r"(Daten|Informationen|Angaben|Partner\w*|Dritte\w*|Unternehmen|Zwecke\w*|Fälle\w*|Fällen|Umständen|"
          r"Empfänger\w*|Dienstleister\w*|Anbieter\w*)",
    "fr": r"(données|informations|partenaires|tiers|sociétés|entreprises|finalités|cas|circonstances|"
          r"destinataires|prestataires|affiliés)",
}
#: Which vague wording G22 reports, per language: the modal words, and a quantifier followed
#: (within two words) by one of the nouns it leaves open.
VAGUE = {locale: [*MODALS[locale], QUANTIFIERS[locale] + r"(\s+\S+){0,2}?\s+" + VAGUE_NOUNS[locale]]
         for locale in MODALS}
#: Any words in between, but within one clause.
_GAP = r"[^.;:!?]{0,80}?"
#: Continued use of the service, per language (what C05 and G23 read a sentence for).
CONTINUED_USE = {
    "en": r"(continu\w*|keep\w*|further)\s+(to\s+)?(us\w*|access\w*)",
    "de": r"((weiter\w*|fortgesetzt\w*)\s+(Nutzung|Verwendung|nutz\w*|verwend\w*)|(nutzen|verwenden|besuchen)\s+Sie"
          + _GAP + r"\bweiter\b|(Nutzung|Verwendung)" + _GAP + r"weiterhin)",
    "fr": r"((poursuite|continuation)\s+de\s+l['’]utilisation|continu\w+\s+(à|d['’])\s*utiliser|utilisation\s+continue)",
}
#: "Check this page regularly" and "continued use means acceptance" of a change, per language;
#: continued use taken as consent is G23's (:data:`CONSENT_GIVEN`).
PASSIVE_NOTICE = {
    "en": [r"(review|check|consult|visit)\w*\s+(this|the)\s+(page|policy)" + _GAP + r"(periodically|regularly|from time to time|for (any )?changes)",
           CONTINUED_USE["en"] + _GAP + r"(accept\w*|agree\w*|bound)",
           r"(periodically|regularly)\s+(review|check)\w*" + _GAP + r"(page|policy|changes)",
           r"(accept\w*|agree\w*)" + _GAP + r"(deemed|considered|taken)" + _GAP
           + r"(continu\w*|further)\s+(use|access)"],
    "de": [r"(Seite|Erklärung|Richtlinie)" + _GAP + r"regelmäßig",
           r"regelmäßig" + _GAP + r"(Seite|Änderungen)",
           CONTINUED_USE["de"] + _GAP
           + r"(einverstanden|zustimm\w*|stimmen\s+Sie|akzeptier\w*|Annahme|angenommen|gilt|gelten|Zustimmung)"],
    "fr": [r"consulter\s+régulièrement", r"(régulièrement|périodiquement)\s+(cette|la)\s+page",
           CONTINUED_USE["fr"] + _GAP + r"(vaut|accept\w*)"],
}
#: "By using the service you agree": consent inferred from use, per language.
CONSENT_BY_USE = {
    "en": [r"by\s+(using|accessing|visiting|browsing|continuing)" + _GAP + r"(agree|consent|accept)\w*",
           r"(agree|consent|accept)\w*" + _GAP + r"by\s+(using|accessing|visiting|browsing)",
           r"(use|using)\s+(of\s+)?(the|our|this)\s+(service|site|website|app)" + _GAP
           + r"(constitutes|means|signifies|implies)" + _GAP + r"(consent|acceptance|agreement)"],
    "de": [r"(mit|durch|bei)\s+(der|dem|den|die|Ihrer|Ihrem|Ihren|unserer|unseres)\s+(\w+\s+)?(Nutzung|Verwendung|Besuch)"
           + _GAP + r"(einverstanden|\bwilligen|stimmen\s+Sie|akzeptieren\s+Sie|Einwilligung)",
           # "erklären Sie sich ... einverstanden": the verb's parts can close a long clause
           r"(mit|durch|bei)\s+(der|dem|den|die|Ihrer|Ihrem|Ihren|unserer|unseres)\s+(\w+\s+)?(Nutzung|Verwendung|Besuch)"
           + r"[^.;:!?]{0,240}?\berklären\s+Sie\s+sich[^.;:!?]{0,240}?\beinverstanden",
           r"(Nutzung|Verwendung)" + _GAP + r"gilt\s+als" + _GAP + r"(Einwilligung|Zustimmung|Annahme)",
           r"indem\s+Sie" + _GAP + r"(nutz|verwend|besuch|aufruf)\w*" + _GAP
           + r"(einverstanden|\bwilligen|stimmen\s+Sie|akzeptieren\s+Sie)"],
    "fr": [r"en\s+(utilisant|accédant|visitant|naviguant|poursuivant)" + _GAP + r"(accept\w*|consent\w*|reconnaiss\w*)",
           r"(utilisation|usage)\s+(du|de\s+l'|de\s+la|des|de\s+(notre|nos|ce|cette|ces))\s*(service|site|application|app)\w*"
           + _GAP + r"(vaut|emporte|implique)"
           + _GAP + r"(consentement|acceptation)"],
}
#: Consent as what the reader's continued use gives ("you consent", "gilt als Einwilligung"),
#: not consent asked for ("requires your consent"): continued use taken as consent is G23's,
#: continued use taken as acceptance of a change C05's.
CONSENT_GIVEN = {
    "en": [r"you\s+(hereby\s+|thereby\s+)?(consent|give\s+(us\s+)?(your\s+)?consent|are\s+consenting)",
           (r"(constitutes|means|signifies|implies|counts\s+as|(is|be)\s+(deemed|considered|taken\s+as))\s+"
           r"(your\s+)?consent"), r"consent\w*\s+(is\s+|shall\s+be\s+|will\s+be\s+)?(deemed|considered|taken)"],
    "de": [r"willigen\s+Sie", r"erteilen\s+Sie\s+(Ihre\s+|uns\s+Ihre\s+)?Einwilligung",
           r"(gilt|gelten)\s+als\s+(Ihre\s+)?Einwilligung"],
    "fr": [r"vous\s+(y\s+)?consentez", r"vous\s+donnez\s+votre\s+consentement",
           r"(vaut|emporte|implique)\s+(votre\s+)?consentement"],
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
    """The vague wording in ``text`` (quotations left out), as it stands there.

    >>> vague_words("We may share some data with certain partners. You may use the form in May.", "en")
    ['may', 'some data', 'certain partners']
    >>> vague_words("We use certain cookies, listed below.", "en"), vague_words("bestimmte Daten", "de")
    ([], [])
    """
    plain = _QUOTED.sub(" ", text)
    found: list[str] = []
    for pattern in VAGUE[locale]:
        flags = 0 if "may" in pattern else re.IGNORECASE
        found += [match.group(0) for match in re.finditer(rf"(?<!\w){pattern}(?!\w)", plain, flags)]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Prose:
    """One localized text a text rule reads: what it is, where it stands, and the severity a
    finding on it gets where it cannot be the rule's own."""

    label: str
    locale: str
    text: str
    location: Location
    severity: Severity | None = None


def _prose(context: Context) -> Iterator[Prose]:
    """Every localized text of every document, then the change summaries of the versions that
    are announced but not yet in effect (released, so reported as warnings)."""
    for key, document in context.policy.documents.items():
        for path, text in _texts(document):
            for locale, value in text.root.items():
                yield Prose(f"{key}: {'.'.join(map(str, path))}", locale, value, context.at(key, *path, locale))
    for versions in context.history.documents.values():
        for version in versions:
            if version.release.effective > context.as_of:
                for locale, value in version.release.summary.root.items():
                    yield Prose(f"{version.kind} version {version.number}: summary", locale, value,
                                version.locate("summary"), Severity.WARNING)


def use_as_consent(text: str, locale: str) -> list[str]:
    """The sentences of ``text`` that treat using the service as consent, continued use included
    when the sentence calls it consent; continued use taken as acceptance of a change is C05's.

    >>> use_as_consent("By using the service you agree to our processing.", "en")
    ['By using the service you agree to our processing.']
    >>> use_as_consent("By continuing to use the app you consent to the new processing.", "en")
    ['By continuing to use the app you consent to the new processing.']
    >>> use_as_consent("La poursuite de l'utilisation du service vaut acceptation.", "fr")
    []
    """
    found = []
    for sentence in _sentences(text):
        accepted = says(PASSIVE_NOTICE[locale], sentence, locale)
        given = says([CONTINUED_USE[locale]], sentence, locale) and says(CONSENT_GIVEN[locale], sentence, locale)
        if (says(CONSENT_BY_USE[locale], sentence, locale) and not accepted) or given:
            found.append(sentence.strip())
    return found


def passive_notice_sentences(text: str, locale: str) -> list[str]:
    """The sentences of ``text`` that ask readers to watch the page or take continued use as
    acceptance of a change, leaving out those :func:`use_as_consent` reports (G23 is the graver)."""
    consent = use_as_consent(text, locale)
    return [sentence for sentence in says(PASSIVE_NOTICE[locale], text, locale) if sentence not in consent]


def summary_problems(summary: m.Text) -> list[tuple[str, str]]:
    """What the text rules find in a change summary before it is released: (rule ID, message)."""
    found = []
    for locale, text in summary.root.items():
        vague = vague_words(text, locale)
        if vague:
            found.append(("G22", f"the {locale} summary uses vague wording: {', '.join(map(repr, vague))}"))
        if passive_notice_sentences(text, locale):
            passive = f"the {locale} summary asks readers to watch the page or treats continued use as acceptance"
            found.append(("C05", passive))
        if use_as_consent(text, locale):
            found.append(("G23", f"the {locale} summary treats using the service as consent"))
    return found


@rule("G22", document="site", covers="site", source="WP260 rev.01 par. 12-13", severity=Severity.WARNING)
def vague_language(context: Context) -> Iterator[Finding]:
    """Prose avoids vague qualifiers such as "may", "might", "some", "possibly" (in every language).

    Why: WP29 names these as language qualifiers that leave the reader unsure what is done
    with their data (WP260 rev.01, par. 12-13). Checked in English, German and French; "May"
    the month, "bestimmte" (specific) and quotations are not flagged.

    Fails: `description: {en: We may share some data with partners.}`.

    Passes: `description: {en: We share your e-mail address with Brevo to send the newsletter.}`.
    """
    for prose in _prose(context):
        found = vague_words(prose.text, prose.locale)
        if found:
            yield Finding(f"{prose.label} ({prose.locale}) uses vague wording: {', '.join(map(repr, found))}",
                          prose.location, severity=prose.severity)


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
    for prose in _prose(context):
        if passive_notice_sentences(prose.text, prose.locale):
            yield Finding(f"{prose.label} ({prose.locale}) asks readers to watch the page or treats continued use "
                          "as acceptance", prose.location, severity=prose.severity,
                          hint="announce changes through an explicit channel instead")


@rule("G23", document="site", covers="site", source="GDPR Art. 4(11), 7; EDPB Guidelines 05/2020 par. 86")
def consent_by_use(context: Context) -> Iterator[Finding]:
    """Prose never treats using the service as consent ("by using the service you agree").

    Why: consent is a clear affirmative act, freely given, specific and informed (Art. 4(11),
    7 GDPR); using a service or scrolling a page is not one (EDPB Guidelines 05/2020, par.
    86), and a notice that says so misstates the legal basis. Checked in English, German and
    French, in paraphrase and word order ("Mit der Nutzung ... erklären Sie sich
    einverstanden", "En utilisant le service, vous acceptez"), continued use included when
    the sentence calls it consent ("if you keep using the service, you consent"; as acceptance
    of a change it is C05's); a negated sentence passes.

    Fails: `intro: {en: By using the service you agree to the collection of your data.}`.

    Passes: `intro: {en: Using the service does not mean you consent to anything.}`.
    """
    for prose in _prose(context):
        if use_as_consent(prose.text, prose.locale):
            yield Finding(f"{prose.label} ({prose.locale}) treats using the service as consent", prose.location,
                          severity=prose.severity,
                          hint="state the legal basis of each purpose instead; consent needs an affirmative act")
