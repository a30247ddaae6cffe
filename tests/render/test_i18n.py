"""Catalogs, dates and periods in three languages; no English fallback."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.messages.pofile import read_po

from legalgen.diagnostics import TranslationError
from legalgen.render.catalogs import check_catalogs, extract_template
from legalgen.render.i18n import Formatter, StrictTranslations, catalog_dir, catalog_problems
from legalgen.render.pages import render_pages
from legalgen.source.load import LoadedPolicy
from legalgen.source.model import SUPPORTED_LOCALES, DocumentKind, LegalBasis
from legalgen.source.periods import Period
from legalgen.versions.history import History

from ..conftest import AS_OF


@pytest.mark.parametrize(
    ("locale", "date_locale", "expected"),
    [("en", "en_GB", "16 February 2024"), ("de", None, "16. Februar 2024"), ("fr", None, "16 février 2024"),
     ("en", "en_US", "February 16, 2024")],
)
def test_long_dates(locale: str, date_locale: str | None, expected: str) -> None:
    assert Formatter.for_locale(locale, date_locale).date(dt.date(2024, 2, 16)) == expected


@pytest.mark.parametrize(
    ("locale", "period", "form", "expected"),
    [
        ("en", "P7Y", "nominative", "7 years"),
        ("de", "P7Y", "nominative", "7 Jahre"),
        ("fr", "P7Y", "nominative", "7 ans"),
        ("en", "P1D", "nominative", "one day"),
        ("fr", "P1Y", "nominative", "un an"),
        ("en", "P1Y6M", "nominative", "one year and 6 months"),
        ("de", "P1Y6M", "nominative", "ein Jahr und 6 Monate"),
        ("fr", "P1Y6M", "nominative", "un an et 6 mois"),
        ("de", "P14D", "dative", "14 Tagen"),
        ("de", "P1M", "dative", "einem Monat"),
        ("de", "P1M", "accusative", "einen Monat"),
        ("de", "P1W", "accusative", "eine Woche"),
        ("en", "P27D", "nominative", "27 days"),
        ("de", "PT48H", "nominative", "48 Stunden"),
        # "within" carries the preposition, whose construction changes with the number
        ("en", "P1M", "within", "within one month"),
        ("de", "P1M", "within", "innerhalb eines Monats"),
        ("de", "P14D", "within", "innerhalb von 14 Tagen"),
        ("de", "PT72H", "within", "innerhalb von 72 Stunden"),
        ("fr", "P1M", "within", "dans un délai d'un mois"),
        ("fr", "P1Y", "within", "dans un délai d'un an"),
        ("fr", "P14D", "within", "dans un délai de 14 jours"),
        ("de", "P1Y6M", "within", "innerhalb von einem Jahr und 6 Monaten"),
        ("en", "P0D", "nominative", "0 days"),
        ("fr", "P0D", "nominative", "0 jours"),
    ],
)
def test_exact_periods(locale: str, period: str, form: str, expected: str) -> None:
    assert Formatter.for_locale(locale).period(Period.parse(period), form) == expected  # type: ignore[arg-type]


def test_statutory_periods_in_words() -> None:
    """The withdrawal models of EGBGB Anlage 1 and R221-1 spell the period out."""
    fourteen = Period(days=14)
    assert Formatter.for_locale("de").period(fourteen, "dative", words=True) == "vierzehn Tagen"
    assert Formatter.for_locale("de").period(fourteen, words=True) == "vierzehn Tage"
    assert Formatter.for_locale("fr").period(fourteen, words=True) == "quatorze jours"
    assert Formatter.for_locale("en").period(fourteen, words=True) == "14 days"


def test_business_and_working_days() -> None:
    de, fr = Formatter.for_locale("de"), Formatter.for_locale("fr")
    assert de.period(Period(days=20), business_days=True) == "20 Arbeitstage"
    assert de.period(Period(days=20), working_days=True) == "20 Werktage"
    assert fr.period(Period(days=1), business_days=True) == "un jour ouvré"
    assert fr.period(Period(days=3), working_days=True) == "3 jours ouvrables"
    assert de.period_range(Period(days=20), Period(days=31), business_days=True) == "20 bis 31 Arbeitstage"
    assert fr.period_range(Period(days=20), Period(days=31), business_days=True) == "20 à 31 jours ouvrés"
    assert Formatter.for_locale("en").period_range(Period(days=20), Period(days=90)) == "20 to 90 days"
    with pytest.raises(ValueError, match="days only"):
        de.period(Period(months=1), business_days=True)


def test_first_of_the_month_in_french() -> None:
    assert Formatter.for_locale("fr").date(dt.date(2026, 3, 1)) == "1er mars 2026"
    assert Formatter.for_locale("fr").date(dt.date(2026, 3, 11)) == "11 mars 2026"
    assert Formatter.for_locale("de").date(dt.date(2026, 3, 1)) == "1. März 2026"


def test_labels_use_official_terminology() -> None:
    de, fr = Formatter.for_locale("de"), Formatter.for_locale("fr")
    assert de.label(LegalBasis.LEGITIMATE_INTERESTS) == "berechtigte Interessen"
    assert fr.label(LegalBasis.LEGITIMATE_INTERESTS) == "intérêts légitimes"
    assert de.label(DocumentKind.IMPRINT, "title") == "Impressum"
    assert fr.label(DocumentKind.IMPRINT, "title") == "Mentions légales"


def test_missing_translation_is_an_error_not_english() -> None:
    translations = Formatter.for_locale("de").translations
    assert isinstance(translations, StrictTranslations)
    with pytest.raises(TranslationError, match="no de translation for 'A sentence nobody wrote'"):
        translations.gettext("A sentence nobody wrote")


@pytest.mark.parametrize("template", [
    "{% trans %}A sentence nobody wrote{% endtrans %}",
    "{{ _('A sentence nobody wrote') }}",
    "{% trans n=2 %}One thing nobody wrote{% pluralize %}{{ n }} things nobody wrote{% endtrans %}",
])
def test_templates_never_fall_back_to_english(template: str) -> None:
    """Jinja's i18n extension calls ``ugettext`` where it exists: that must be strict too."""
    from legalgen.render.renderer import make_environment

    env = make_environment(Formatter.for_locale("fr"))
    with pytest.raises(TranslationError, match="no fr translation"):
        env.from_string(template).render()


def test_fuzzy_and_empty_entries_are_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Hello"\nmsgstr "Hallo"\n\nmsgid "World"\nmsgstr ""\n',
        encoding="utf-8",
    )
    found = catalog_problems(po)
    assert len(found) == 2 and "fuzzy entry 'Hello'" in found[0] and "untranslated entry 'World'" in found[1]


@pytest.mark.parametrize("locale", ["de", "fr"])
def test_catalogs_are_complete(locale: str) -> None:
    assert catalog_problems(catalog_dir() / locale / "LC_MESSAGES" / "messages.po") == []


def test_messages_pot_is_current() -> None:
    status = check_catalogs(list(SUPPORTED_LOCALES))
    assert not status.pot_stale, "messages.pot is stale: run `legalgen catalogs`"
    assert status.problems == []


def test_official_terms_in_catalogs() -> None:
    """REQUIREMENTS.md terminology: a few anchors per language."""
    def strings(locale: str) -> str:
        with (catalog_dir() / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle)
        return "\n".join(str(m.string) for m in catalog if m.id).lower()

    de, fr = strings("de"), strings("fr")
    for term in ["Verantwortlicher", "Auftragsverarbeiter", "betroffene Person", "Rechtsgrundlage",
                 "Speicherdauer", "Standarddatenschutzklauseln", "Auskunftsrecht", "Widerspruchsrecht",
                 "Beschwerde bei einer Aufsichtsbehörde", "Muster-Widerrufsformular", "Impressum"]:
        assert term.lower() in de, term
    for term in ["responsable du traitement", "sous-traitant", "personne concernée", "base juridique",
                 "durée de conservation", "clauses contractuelles types", "droit d'accès", "droit d'opposition",
                 "réclamation auprès d'une autorité de contrôle", "rétractation", "retirer son consentement",
                 "Mentions légales"]:
        assert term.lower() in fr, term


#: Proper names that are also labels: German and French prose may quote them in English.
NAMES = {"EU-U.S. Data Privacy Framework"}


def _template_sentences() -> list[str]:
    """English sentences of the templates: messages of four words or more, placeholders cut out."""
    sentences = []
    for message in extract_template():
        text = message.id if isinstance(message.id, str) else message.id[0]
        if text in NAMES:
            continue
        for part in re.split(r"%\([a-z_]+\)[sd]", text):
            part = part.strip(" *:.,;()\\")
            if len(part.split()) >= 4:
                sentences.append(part)
    return sentences


@pytest.mark.parametrize("locale", ["de", "fr"])
def test_translated_pages_contain_no_english_template_sentence(
    example: LoadedPolicy, example_history: History, locale: str
) -> None:
    sentences = _template_sentences()
    assert len(sentences) > 50
    drafts = render_pages(example, locales=[locale])
    for page in [*drafts, *render_pages(example, example_history, AS_OF, [locale])]:
        leaked = [s for s in sentences if s in page.text]
        assert leaked == [], f"{locale}/{page.path}: English template text {leaked}"
