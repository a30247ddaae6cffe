"""Rendering: golden pages for the example in three languages, and escaping of source values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from legalgen.project import GENERATED_HEADER
from legalgen.render.pages import render_document, render_pages
from legalgen.render.renderer import escape_markdown
from legalgen.site.build import _dump_yaml
from legalgen.source.load import LoadedPolicy, load_policy
from legalgen.versions.history import History

from ..conftest import AS_OF, REPO
from ..source.test_load import PRIVACY, write_source

#: The example as of this day: privacy version 3 announced, 4 and 5 published (editorial), the
#: other documents in their second version, their third published.
GOLDEN_AS_OF = dt.date(2026, 11, 23)


def test_golden_pages(example: LoadedPolicy, example_history: History, golden) -> None:  # type: ignore[no-untyped-def]
    pages = render_pages(example, example_history, GOLDEN_AS_OF)
    paths = {(p.locale, p.path.as_posix()) for p in pages}
    for locale in ("en", "de", "fr"):
        assert {path for loc, path in paths if loc == locale} == {
            "index.md", "privacy/index.md", "privacy/history.md", "privacy/upcoming.md",
            *(f"privacy/v{n}/index.md" for n in (1, 2, 3, 4, 5)), *(f"privacy/v{n}/changes.md" for n in (2, 3, 4, 5)),
            *(f"{kind}/{page}" for kind in ("cookies", "refund", "imprint") for page in
              ("index.md", "history.md", "upcoming.md", "v1/index.md", "v2/index.md", "v2/changes.md",
               "v3/index.md", "v3/changes.md")),
        }
    for page in pages:
        golden(f"policy/{page.locale}/{page.path}", page.text)


def test_golden_custom_document(golden) -> None:  # type: ignore[no-untyped-def]
    """The custom-document example: every block type in three languages."""
    loaded = load_policy(REPO / "examples" / "reseller-data-notice")
    for page in render_pages(loaded):
        if page.path.as_posix() == "information-we-collect/index.md":
            golden(f"custom/{page.locale}.md", page.text)


def test_draft_last_updated_is_localized(tmp_path: Path) -> None:
    loaded = load_policy(write_source(tmp_path, privacy=PRIVACY.replace("[en, de]", "[en, de]")))
    assert "*Last updated: 15 January 2026*" in render_document(loaded, "privacy", "en")
    assert "*Zuletzt aktualisiert: 15. Januar 2026*" in render_document(loaded, "privacy", "de")


def test_same_slugs_in_every_locale(example: LoadedPolicy, example_history: History) -> None:
    by_locale: dict[str, set[str]] = {}
    for page in render_pages(example, example_history, AS_OF):
        by_locale.setdefault(page.locale, set()).add(page.path.as_posix())
    assert by_locale["en"] == by_locale["de"] == by_locale["fr"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a*b_c", "a\\*b\\_c"), ("<script>", "&lt;script&gt;"), ("[x](y)", "\\[x\\](y)"), ("two\nlines", "two lines")],
)
def test_escape_markdown(value: str, expected: str) -> None:
    assert escape_markdown(value) == expected


def test_source_values_are_data_not_templates(tmp_path: Path) -> None:
    site = (
        "site: {name: T, base_url: 'https://t.example/', locales: [en], default_locale: en}\n"
        "company: {name: '{{ 7*7 }} <b>Evil</b> *Corp*', email: a@t.example}\nformat: 3\n"
    )
    (tmp_path / "site.yaml").write_text(site, encoding="utf-8")
    (tmp_path / "privacy.yaml").write_text(
        PRIVACY.replace("kind: privacy\n", "kind: privacy\nintro: {en: 'Hi {% raw %} <img src=x> **bold**'}\n"),
        encoding="utf-8",
    )
    text = render_document(load_policy(tmp_path), "privacy", "en")
    # braces are escaped (no attribute list can come from the source) and never evaluated
    assert "\\{\\{ 7\\*7 \\}\\} &lt;b&gt;Evil&lt;/b&gt; \\*Corp\\*" in text
    assert "49" not in text
    assert "Hi \\{% raw %\\} &lt;img src=x> **bold**" in text


def test_custom_sections_render_after_the_structured_content(tmp_path: Path) -> None:
    sections = (
        "sections:\n  - id: law\n    title: {en: Applicable law, de: Anwendbares Recht}\n"
        "    body: {en: German law applies., de: Es gilt deutsches Recht.}\n"
    )
    root = write_source(tmp_path, privacy=PRIVACY + sections)
    loaded = load_policy(root)
    en, de = render_document(loaded, "privacy", "en"), render_document(loaded, "privacy", "de")
    assert "## Applicable law { #law }\n\nGerman law applies." in en
    assert "## Anwendbares Recht { #law }\n\nEs gilt deutsches Recht." in de
    assert en.index("Applicable law") > en.index("Your rights")


@pytest.mark.parametrize("kind", ["privacy", "cookies", "refund", "imprint"])
@pytest.mark.parametrize("locale", ["en", "de", "fr"])
def test_the_example_keeps_the_paragraphs_of_its_latest_release(example, example_history, kind: str,  # type: ignore[no-untyped-def]
                                                               locale: str) -> None:
    """Template whitespace control (trim_blocks, ``{#-``) must not merge or split paragraphs."""
    from legalgen.render.renderer import LocaleRenderer

    body = LocaleRenderer(example, locale).body(example.policy.documents[kind])
    frozen = example_history.of(kind)[-1].bodies[locale]
    assert body.count("\n\n") == frozen.count("\n\n")
    assert [line[:2] for line in body.splitlines() if line.startswith(("- ", "| ", "#", "> "))] == \
        [line[:2] for line in frozen.splitlines() if line.startswith(("- ", "| ", "#", "> "))]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1), st.one_of(st.text(), st.lists(st.text(), max_size=3), st.booleans(),
                                                      st.none(), st.integers()), max_size=6))
def test_generated_configs_read_back_as_written(data: dict[str, object]) -> None:
    """MkDocs reads a generated config with PyYAML (YAML 1.1): every title, line separators,
    NEL, a byte-order mark and words like ``yes`` or ``1:20`` included, comes back as written."""
    text = _dump_yaml(data)
    assert text.startswith(GENERATED_HEADER)
    assert yaml.load(text, Loader=yaml.SafeLoader) == data


def test_generated_configs_never_fold_a_line() -> None:
    long = "Lumenstream " * 200
    assert _dump_yaml({"site_name": long}).count("\n") == GENERATED_HEADER.count("\n") + 3  # %YAML, ---, one line
    assert yaml.safe_load(_dump_yaml({long: long})) == {long: long}  # a long key is written as an explicit key


def test_data_categories_read_as_each_language_writes_them_in_a_sentence(tmp_path: Path) -> None:
    """In the list of a purpose's data a label reads as inside a sentence: lower case in English
    and French, and in German an adjective that starts it too, while nouns keep their capital."""
    privacy = PRIVACY.replace(
        "    type: email\n", "    type: email\n  - id: where\n    type: location\n  - id: ip\n    type: ip_address\n"
    ).replace("    data: [contact]\n", "    data: [contact, ip, where]\n")
    loaded = load_policy(write_source(tmp_path, privacy=privacy))
    en, de, fr = (render_document(loaded, "privacy", locale) for locale in ("en", "de", "fr"))
    assert "e-mail address, IP address, and approximate location" in en and "- **Approximate location**" in en
    assert "E-Mail-Adresse, IP-Adresse und ungefährer Standort" in de and "- **Ungefährer Standort**" in de
    assert "adresse e-mail, adresse IP et localisation approximative" in fr and "- **Adresse IP**" in fr



def test_the_facts_of_a_recipient_in_parentheses_read_as_inside_a_sentence(tmp_path: Path) -> None:
    recipients = "recipients:\n  - {id: host, name: Host GmbH, role: processor, category: hosting, country: DE}\n"
    loaded = load_policy(write_source(tmp_path, privacy=PRIVACY + recipients))
    en, de, fr = (render_document(loaded, "privacy", locale) for locale in ("en", "de", "fr"))
    assert "- **Host GmbH** (hosting and infrastructure; processor; Germany)" in en
    assert "- **Host GmbH** (Hosting und Infrastruktur; Auftragsverarbeiter; Deutschland)" in de
    assert "- **Host GmbH** (hébergement et infrastructure\u202f; sous-traitant\u202f; Allemagne)" in fr


def test_an_eea_state_is_never_called_a_third_country(tmp_path: Path) -> None:
    """A transfer safeguard for a recipient in the EEA, or an EEA state among the third
    countries, contradicts the source; the page leaves it out (G06 reports it)."""
    recipients = (
        "recipients:\n"
        "  - {id: host, name: Host Ltd, role: processor, category: hosting, country: IE, transfer: {safeguard: scc}}\n"
        "  - {id: crm, name: CRM Inc., role: processor, category: it_services, country: US, "
        "transfer: {safeguard: scc}}\n"
        "transfers:\n  - {countries: [AT, IN], safeguards: [scc]}\n"
        "  - {countries: [FR], safeguards: [bcr]}\n"
    )
    loaded = load_policy(write_source(tmp_path, privacy=PRIVACY + recipients))
    en, de = render_document(loaded, "privacy", "en"), render_document(loaded, "privacy", "de")
    assert "The transfer of data to CRM Inc. (United States, a third country)" in en
    assert "Host Ltd" in en and "Ireland, a third country" not in en and "transfer of data to Host Ltd" not in en
    assert "the following third countries: India." in en and "Austria" not in en
    # a transfer whose only listed country is in the EEA is left out, as its safeguard
    assert "outside the European Economic Area" not in en and "binding corporate rules" not in en.lower()
    transfers = de[de.index("### Übermittlungen in Drittländer"):de.index("## Ihre Rechte")]
    assert "Vereinigte Staaten, ein Drittland" in transfers and "folgende Drittländer: Indien." in transfers
    assert "Irland" not in transfers and "Österreich" not in transfers and "Frankreich" not in transfers
    assert "verbindliche interne Datenschutzvorschriften" not in de
    only_eea = load_policy(write_source(tmp_path, privacy=PRIVACY + "transfers:\n  - {countries: [FR], safeguards: [bcr]}\n"))
    assert "third countries" not in render_document(only_eea, "privacy", "en")  # no heading over nothing
    # the parts of member states with a code of their own are no third countries either
    parts = load_policy(write_source(tmp_path, privacy=PRIVACY + "transfers:\n  - {countries: [RE, AX, PF], safeguards: [scc]}\n"))
    en = render_document(parts, "privacy", "en")
    assert "the following third countries: French Polynesia." in en and "Réunion" not in en and "Åland" not in en


def test_transfers_name_their_legal_ground_without_calling_it_protection(tmp_path: Path) -> None:
    """A transfer is based on its ground: a derogation (Art. 49) protects nothing, and German
    takes every ground, in the accusative, after "stützen sich auf"."""
    recipients = (
        "recipients:\n"
        "  - {id: crm, name: CRM Inc., role: processor, category: it_services, country: US, "
        "transfer: {safeguard: derogation}}\n"
        "transfers:\n  - {countries: [IN], safeguards: [adequacy]}\n"
    )
    loaded = load_policy(write_source(tmp_path, privacy=PRIVACY + recipients))
    en, de, fr = (render_document(loaded, "privacy", locale) for locale in ("en", "de", "fr"))
    assert "The transfer of data to CRM Inc. (United States, a third country) is based on a derogation for " \
           "specific situations (Art. 49 GDPR)." in en
    assert "Die Übermittlung an CRM Inc. (Vereinigte Staaten, ein Drittland) stützt sich auf eine Ausnahme " \
           "für bestimmte Fälle (Art.\u00a049 DSGVO)." in de
    assert "Le transfert de données à CRM Inc. (États-Unis, pays tiers) repose sur une dérogation" in fr
    assert "Diese Übermittlungen stützen sich auf einen Angemessenheitsbeschluss der Europäischen Kommission" in de
    # "data protection" may well stand on a page; a transfer that is "protected" may not
    assert "protected by" not in en and not any(word in de for word in ("geschützt", "abgesichert")) \
        and "protégé" not in fr


def test_a_recipient_named_only_by_its_kind_reads_in_lower_case_inside_a_sentence(tmp_path: Path) -> None:
    """An unnamed recipient is called by its kind: capitalised where it starts a list item,
    in lower case after "Recipients:" and inside a sentence (German nouns keep their capital),
    with an article where it is the object of "to" (German: accusative after "an")."""
    privacy = PRIVACY.replace("    data: [contact]\n", "    data: [contact]\n    recipients: [mail]\n")
    recipients = ("recipients:\n  - {id: mail, role: processor, category: email, country: US, "
                  "transfer: {safeguard: adequacy, certification: dpf}}\n"
                  "  - {id: authority, role: authority, category: authorities, country: CH, "
                  "transfer: {safeguard: adequacy}}\n")
    loaded = load_policy(write_source(tmp_path, privacy=privacy + recipients))
    en, de, fr = (render_document(loaded, "privacy", locale) for locale in ("en", "de", "fr"))
    assert "**Recipients:** e-mail delivery provider" in en and "- **E-mail delivery provider** (" in en
    assert "The transfer of data to an e-mail delivery provider (United States" in en
    assert "The transfer of data to a public authority (Switzerland" in en
    assert "This recipient is certified under the EU-U.S. Data Privacy Framework." in en
    assert "Die Übermittlung an einen E-Mail-Versanddienstleister (Vereinigte Staaten" in de
    assert "Die Übermittlung an eine Behörde (Schweiz" in de and "Dieser Empfänger ist nach dem " in de
    assert "Le transfert de données à un prestataire d’envoi d’e-mails (États-Unis" in fr
    assert "Le transfert de données à une autorité publique (Suisse" in fr
    assert "Ce destinataire dispose d’une certification au titre du " in fr
    assert "**Empfänger:** E-Mail-Versanddienstleister" in de
    assert "\u00a0:** prestataire d’envoi d’e-mails" in fr and "- **Prestataire d’envoi d’e-mails** (" in fr


@pytest.mark.parametrize(("gender", "appointed"), [
    ("female", "Wir haben eine Datenschutzbeauftragte benannt."),
    ("male", "Wir haben einen Datenschutzbeauftragten benannt."),
    (None, "Wir haben eine Datenschutzbeauftragte oder einen Datenschutzbeauftragten benannt."),
])
def test_contacts_say_only_what_they_give(tmp_path: Path, gender: str | None, appointed: str) -> None:
    """An officer with a name and no way to reach them is named, never "can be reached at:"
    followed by nothing; a representative that states nothing has no heading (G01, G02
    report both)."""
    dpo = f"dpo: {{name: Eva Muster{', gender: ' + gender if gender else ''}}}\nrepresentative: {{}}\n"
    source = write_source(tmp_path, privacy=PRIVACY.replace("kind: privacy\n", "kind: privacy\n" + dpo))
    loaded = load_policy(source)
    english = render_document(loaded, "privacy", "en")
    assert "We have appointed a data protection officer.\n" in english and "Eva Muster" in english
    assert "can reach her" not in english and "can reach him" not in english and "reached at" not in english
    assert "Representative" not in english and "Art. 27" not in english
    if "de" in loaded.policy.site.locales:
        german = render_document(loaded, "privacy", "de")
        assert appointed in german
        assert "benannt. Sie erreichen" not in german and "Kontaktdaten lauten" not in german
