"""Catalogs, dates and periods in three languages; no English fallback."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.messages.pofile import read_po

from legalgen.catalogs import check_catalogs, extract_template
from legalgen.diagnostics import TranslationError
from legalgen.i18n import Formatter, StrictTranslations, catalog_dir, catalog_problems
from legalgen.load import LoadedPolicy
from legalgen.model import SUPPORTED_LOCALES, DocumentKind, LegalBasis
from legalgen.pages import render_pages
from legalgen.periods import Period
from legalgen.versions import History

from .conftest import AS_OF


@pytest.mark.parametrize(
    ("locale", "date_locale", "expected"),
    [("en", "en_GB", "16 February 2024"), ("de", None, "16. Februar 2024"), ("fr", None, "16 février 2024"),
     ("en", "en_US", "February 16, 2024")],
)
def test_long_dates(locale: str, date_locale: str | None, expected: str) -> None:
    assert Formatter.for_locale(locale, date_locale).date(dt.date(2024, 2, 16)) == expected


@pytest.mark.parametrize(
    ("locale", "period", "case", "expected"),
    [
        ("en", "P7Y", "nominative", "7 years"),
        ("de", "P7Y", "nominative", "7 Jahre"),
        ("fr", "P7Y", "nominative", "7 ans"),
        ("en", "P1D", "nominative", "1 day"),
        ("fr", "P1Y", "nominative", "1 an"),
        ("en", "P1Y6M", "nominative", "1 year and 6 months"),
        ("de", "P1Y6M", "nominative", "1 Jahr und 6 Monate"),
        ("fr", "P1Y6M", "nominative", "1 an et 6 mois"),
        ("de", "P14D", "dative", "14 Tagen"),
        ("de", "P1M", "dative", "1 Monat"),
        ("en", "P27D", "nominative", "27 days"),
        ("de", "PT48H", "nominative", "48 Stunden"),
    ],
)
def test_exact_periods(locale: str, period: str, case: str, expected: str) -> None:
    assert Formatter.for_locale(locale).period(Period.parse(period), case) == expected  # type: ignore[arg-type]


def test_business_days() -> None:
    assert Formatter.for_locale("de").period(Period(days=20), business_days=True) == "20 Werktage"
    assert Formatter.for_locale("fr").period(Period(days=1), business_days=True) == "1 jour ouvré"


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
    from legalgen.render import make_environment

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


def _template_sentences() -> list[str]:
    """English sentences of the templates: messages of four words or more, placeholders cut out."""
    sentences = []
    for message in extract_template():
        text = message.id if isinstance(message.id, str) else message.id[0]
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
