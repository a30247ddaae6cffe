"""The page says what the source says: every commitment sentence needs its source field.

A minimal source (only what is needed to load) renders in every locale without any
sentence in which the company commits to something; each such sentence appears once the
field it depends on is given.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from legalgen.diagnostics import SourceError
from legalgen.render.i18n import load_translations
from legalgen.render.pages import render_document
from legalgen.source.load import load_policy

SITE = """\
site: {name: Minimal Legal, base_url: 'https://legal.minimal.example/', locales: [en, de, fr], default_locale: en}
company: {name: Minimal GmbH, email: hello@minimal.example}
format: 3
"""
MINIMAL = {
    "privacy": """\
        kind: privacy
        data_categories: [{id: contact, type: email}]
        purposes: [{id: service, type: service_provision, data: [contact]}]
        """,
    "cookies": "kind: cookies\n",
    "refund": "kind: refund\nrequest: {}\n",
    "imprint": "kind: imprint\n",
}

#: Each sentence that states a company commitment, the document it belongs to, and the
#: YAML that gives the field it depends on (appended to the minimal document).
COMMITMENTS = [
    ("We answer %(within)s of receiving your request.", "privacy",
     "rights: {granted: [access], response_time: P1M}"),
    ("If a personal data breach occurs, we notify the competent supervisory authority without", "privacy",
     "breach: {authority_within: PT72H}"),
    ("If a personal data breach is likely to result in a high risk to you, we inform you without", "privacy",
     "breach: {notify_data_subjects: true, data_subjects_within: PT72H}"),
    ("If the breach is likely to result in a high risk to you, we also inform you without undue delay.", "privacy",
     "breach: {authority_within: PT72H, notify_data_subjects: true}"),
    ("If a personal data breach is likely to result in a high risk to you, we inform you without undue delay.",
     "privacy", "breach: {notify_data_subjects: true}"),
    ("We have appointed a data protection officer", "privacy", "dpo: {name: Dana Data, email: dpo@minimal.example}"),
    ("We protect personal data with the following measures:", "privacy",
     "security: [{en: encryption, de: Verschlüsselung, fr: chiffrement}]"),
    ("Our service is not directed at children under %(age)s years of age", "privacy",
     "children: {minimum_age: 16, not_directed: true}"),
    ("The minimum age for using our service is %(age)s years.", "privacy", "children: {minimum_age: 16}"),
    ("We do not knowingly collect personal data of children under %(age)s years of age.", "privacy",
     "children: {minimum_age: 16, no_knowing_collection: true}"),
    ("We answer %(within)s of receiving your request. Where requests are complex or", "privacy",
     "rights: {granted: [access], response_time: P1M, extension: true}"),
    ("We share personal data with the following recipients:", "privacy",
     "recipients: [{id: host, name: Host AG, role: processor, category: hosting, country: DE}]"),
    ("We announce material changes %(channels)s at least %(notice)s before they take effect.", "privacy",
     "changes: {channels: [email], advance_notice: P30D}"),
    ("Apart from those that are strictly necessary, we use them only with your consent.", "cookies",
     ("trackers: [{id: ga, name: _ga, technology: cookie, purpose: analytics, description: {en: a, de: a, fr: a}, "
      "lifetime: P13M, basis: consent}]\nconsent: {reject_all: true, remembered_for: P6M, withdraw: {en: a, de: a, fr: a}}")),
    ("We remember your choice for %(period)s; after that we ask again.", "cookies",
     "consent: {reject_all: false, remembered_for: P6M, withdraw: {en: a, de: a, fr: a}}"),
    ("You can reject all optional technologies as easily as you can accept them.", "cookies",
     "consent: {reject_all: true, remembered_for: P6M, withdraw: {en: a, de: a, fr: a}}"),
    ("You can also withdraw online at %(url)s;", "refund",
     "withdrawal: {contract: services, online_function: 'https://minimal.example/withdraw'}"),
    ("You can cancel your subscription online at %(url)s.", "refund",
     "withdrawal: {termination_url: 'https://minimal.example/cancel'}"),
    ("**%(within)s of purchase:** %(amount)s.", "refund", "windows: [{within: P14D, amount: full}]"),
    ("We do not sell, rent or trade personal data.", "privacy", "no_sale: true"),
    ("We do not share personal data with third parties for their advertising.", "privacy",
     "no_advertising_sharing: true"),
    ("We disclose personal data in the following circumstances:", "privacy", "disclosures: [legal_requirement]"),
    ("We confirm receipt of your request %(within)s.", "privacy",
     "rights: {granted: [access], acknowledge_within: P3D}"),
    ("We transfer personal data to the following third countries:", "privacy",
     "transfers: [{countries: [US, IN], safeguards: [scc, adequacy]}]"),
    ("We transfer personal data to countries outside the European Economic Area.", "privacy",
     "transfers: [{safeguards: [scc]}]"),
    ("The transfer of data to %(name)s outside the European Economic Area is based on %(safeguard)s.", "privacy",
     "recipients: [{id: crm, name: CRM Inc., role: processor, transfer: {safeguard: scc}}]"),
    ("%(name)s is certified under the %(framework)s.", "privacy",
     "recipients: [{id: crm, name: CRM Inc., country: US, transfer: {safeguard: adequacy, certification: dpf}}]"),
    ("For digital content not supplied on a tangible medium, your right of withdrawal ends", "refund",
     ("withdrawal: {contract: services, digital_content: {express_consent: true, acknowledgement: true, "
      "confirmation: true}}")),
]


def _source(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "site.yaml").write_text(SITE, encoding="utf-8")
    for kind, text in MINIMAL.items():
        text = textwrap.dedent(text) + (extra or {}).get(kind, "")
        (tmp_path / f"{kind}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _needle(sentence: str, locale: str) -> str:
    """The longest literal part of the sentence's full translation in ``locale``."""
    from babel.messages.pofile import read_po

    from legalgen.render.i18n import catalog_dir

    if locale == "en":
        text = sentence
    else:
        with (catalog_dir() / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        matches = [m for m in catalog if isinstance(m.id, str) and m.id.startswith(sentence.rstrip(".:;"))]
        assert matches, f"no catalog entry starts with {sentence!r}"
        text = str(load_translations(locale).gettext(matches[0].id))
    parts = re.split(r"%\(\w+\)s|\*\*", text)
    return max(parts, key=len).strip()


@pytest.mark.parametrize("locale", ["en", "de", "fr"])
def test_a_minimal_source_commits_to_nothing(tmp_path: Path, locale: str) -> None:
    loaded = load_policy(_source(tmp_path))
    pages = "\n".join(render_document(loaded, kind, locale) for kind in MINIMAL)
    found = [sentence for sentence, _, _ in COMMITMENTS if _needle(sentence, locale) in pages]
    assert found == []
    for gone in ("We answer within", "within 72 hours", "only with the following recipients",
                 "take effect as soon as they are published", "all others are only used with your consent"):
        assert gone not in pages


@pytest.mark.parametrize(("sentence", "kind", "field"), COMMITMENTS, ids=[c[0][:40] for c in COMMITMENTS])
def test_each_commitment_needs_its_field(tmp_path: Path, sentence: str, kind: str, field: str) -> None:
    needle = _needle(sentence, "en")
    without = render_document(load_policy(_source(tmp_path / "without")), kind, "en")
    with_field = render_document(load_policy(_source(tmp_path / "with", {kind: field + "\n"})), kind, "en")
    assert needle not in without
    assert needle in with_field


def test_exempt_trackers_keep_the_consent_sentence_off(tmp_path: Path) -> None:
    trackers = ("trackers: [{id: stats, name: _pk_id, technology: cookie, purpose: analytics, "
                "description: {en: a, de: a, fr: a}, lifetime: P13M, basis: exempt}]\n")
    page = render_document(load_policy(_source(tmp_path, {"cookies": trackers})), "cookies", "en")
    assert "we use them only with your consent" not in page


def test_the_controller_sentence_names_the_service_not_the_legal_site(tmp_path: Path) -> None:
    root = _source(tmp_path)
    plain = render_document(load_policy(root), "privacy", "en")
    assert "The controller responsible for the processing of personal data is:" in plain
    assert "Minimal Legal" not in plain
    (root / "site.yaml").write_text(SITE.replace("name: Minimal Legal,", "name: Minimal Legal, service: Minimo,"),
                                    encoding="utf-8")
    named = render_document(load_policy(root), "privacy", "en")
    assert "in connection with Minimo is:" in named and "Minimal Legal" not in named


def test_a_company_without_e_mail_is_listed_with_what_it_gives(tmp_path: Path) -> None:
    root = _source(tmp_path, {"refund": "withdrawal: {period: P14D, contract: services}\n"})
    (root / "site.yaml").write_text(SITE.replace("company: {name: Minimal GmbH, email: hello@minimal.example}",
                                                 "company: {name: Minimal GmbH, phone: +49 30 1234567}"),
                                    encoding="utf-8")
    loaded = load_policy(root)
    refund = render_document(loaded, "refund", "en")
    assert "inform us (Minimal GmbH, phone +49 30 1234567) of your decision" in refund
    assert "> To Minimal GmbH:" in refund
    assert "## Contact" not in render_document(loaded, "privacy", "en")
    german = render_document(loaded, "refund", "de")
    assert "müssen Sie uns (Minimal GmbH, Telefon +49 30 1234567) mittels" in german


def test_retention_per_data_category_and_account_controls(tmp_path: Path) -> None:
    root = _source(tmp_path)
    privacy = (root / "privacy.yaml").read_text(encoding="utf-8").replace(
        "data_categories: [{id: contact, type: email}]",
        "data_categories: [{id: contact, type: email, retention: {period: P2Y, after: account_closure}}]")
    privacy += ("account: {self_service: {en: Change your e-mail in Settings., de: a, fr: b},\n"
                "          deletion: {en: Delete it under Settings > Account., de: c, fr: d}}\n")
    (root / "privacy.yaml").write_text(privacy, encoding="utf-8")
    page = render_document(load_policy(root), "privacy", "en")
    assert "- **E-mail address**\n    - **Storage period:** 2 years after the account is closed\n" in page
    assert "## Your account { #account }\n\nChange your e-mail in Settings." in page
    assert "### Deleting your account { #account-deletion }\n\nDelete it under Settings > Account." in page
    assert "How to exercise your rights" not in page


def test_request_channels_and_notice_level_transfers(tmp_path: Path) -> None:
    extra = ("rights: {granted: [access], phone: +49 30 1234, postal_address: {street: Weg 1, postal_code: '10115', "
             "city: Berlin, country: DE}, chat: {en: Or write to us in the app chat., de: a, fr: b}}\n"
             "transfers: [{countries: [US, IN], safeguards: [scc, adequacy], obtain_copy: {en: Ask us for a copy., "
             "de: c, fr: d}}]\n")
    page = render_document(load_policy(_source(tmp_path, {"privacy": extra})), "privacy", "en")
    assert "By phone: +49 30 1234." in page and "By post: Weg 1, 10115 Berlin, Germany." in page
    assert "Or write to us in the app chat." in page
    assert ("We transfer personal data to the following third countries: United States and India. These transfers "
            "are based on standard contractual clauses (Art. 46(2)(c) GDPR) and an adequacy decision of the European "
            "Commission (Art. 45 GDPR). Ask us for a copy.") in " ".join(page.split())
    assert "## Transfers to third countries" in page  # a section of its own when no recipient is listed


def test_cookie_categories_without_an_inventory(tmp_path: Path) -> None:
    categories = ("categories: [{purpose: strictly_necessary, basis: exempt, description: {en: sign-in, de: a, fr: b}},"
                  " {purpose: analytics, basis: consent}]\n")
    root = _source(tmp_path, {"cookies": categories})
    page = render_document(load_policy(root), "cookies", "en")
    assert "- **Strictly necessary technologies** (no consent needed): sign-in\n- **Analytics technologies** (consent required)\n" in page
    # that every optional one needs consent is a classification; how it is asked, a fact the source has not given
    assert "we use them only with your consent" not in page and "Technologies we use" not in page
    asked = _source(tmp_path / "asked", {"cookies": categories + "consent: {reject_all: true, remembered_for: P6M, withdraw: {en: a, de: a, fr: a}}\n"})
    assert "we use them only with your consent" in render_document(load_policy(asked), "cookies", "en")


def test_a_third_party_without_country_or_name_never_reads_none(tmp_path: Path) -> None:
    privacy = "recipients: [{id: ads, role: controller, category: advertising}]\n"
    cookies = ("trackers: [{id: px, name: px, provider: ads, technology: pixel, purpose: marketing, "
               "description: {en: a, de: a, fr: a}, lifetime: P1M, basis: consent, recipients: [ads]}]\n")
    page = render_document(load_policy(_source(tmp_path, {"privacy": privacy, "cookies": cookies})), "cookies", "en")
    assert "None" not in page and "| Advertising partner (third party) |" in page


def test_national_and_regional_contact_points(tmp_path: Path) -> None:
    points = ("contact_points:\n"
              "  - {country: FR, name: Minimal France SAS, email: fr@minimal.example}\n"
              "  - {region: {en: Quebec, de: Québec, fr: Québec}, phone: +1 514 555 0100}\n")
    root = _source(tmp_path, {"privacy": points})
    page = render_document(load_policy(root), "privacy", "de")
    assert "## Ansprechstellen in Ihrem Land oder Ihrer Region { #contact-points }" in page
    assert "**Frankreich**  \nMinimal France SAS  \nE-Mail: <fr@minimal.example>" in page
    assert "**Québec**  \nTelefon: +1 514 555 0100" in page
    (root / "privacy.yaml").write_text(textwrap.dedent(MINIMAL["privacy"]) + "contact_points: [{name: X}]\n",
                                       encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        load_policy(root)
    assert [d.code for d in caught.value.diagnostics] == ["S003"]


@pytest.mark.parametrize("locale", ["en", "de", "fr"])
def test_a_lapse_without_all_its_conditions_is_not_stated(tmp_path: Path, locale: str) -> None:
    sentence = "For digital content not supplied on a tangible medium, your right of withdrawal ends"
    partial = ("withdrawal: {contract: services, digital_content: {express_consent: true, acknowledgement: false, "
               "confirmation: true}}\n")
    page = render_document(load_policy(_source(tmp_path, {"refund": partial})), "refund", locale)
    assert _needle(sentence, locale) not in page


def _site(tmp_path: Path, site: str, extra: dict[str, str]) -> str:
    root = _source(tmp_path, extra)
    (root / "site.yaml").write_text(site, encoding="utf-8")
    return root.as_posix()


#: (what the page must not say, what it says instead, document, fields): a sentence whose
#: claim another fact of the source contradicts, or that presumes a fact the source lacks.
SAYS_ONLY_WHAT_IT_KNOWS = [
    ("You may use the model withdrawal form below", ("by an unequivocal statement (e.g. a letter sent by post or an "
     "e-mail)."), "refund", "withdrawal: {contract: services, model_form: false}"),
    ("You can also use this form", "Use this form: <https://minimal.example/refund>.", "refund",
     "request: {url: 'https://minimal.example/refund'}"),
    ("You can also use our request form", "Use our request form: <https://minimal.example/rights>.", "privacy",
     "rights: {granted: [access], url: 'https://minimal.example/rights'}"),
    ("we can extend this by two further months", "We answer within 14 days of receiving your request.", "privacy",
     "rights: {granted: [access], email: privacy@minimal.example, response_time: P14D}"),
    ("**Later:**", "- Refund pro rata to the unused period.", "refund", "windows: [{amount: pro_rata}]"),
    ("who receives the data", "the legal basis under Art. 6(1) GDPR and how long we keep it",
     "privacy", ("purposes: [{id: service, type: service_provision, data: [contact], legal_basis: contract, "
     "retention: {period: P1Y}}]")),
    ("As a data subject you have the following rights:", "## Right to object", "privacy",
     "rights: {granted: [objection]}"),
    ("**Legitimate interest:**", "Art. 6(1)(a) GDPR", "privacy",
     ("purposes: [{id: news, type: direct_marketing, data: [contact], legal_basis: consent, "
     "legitimate_interest: {en: selling more, de: x, fr: x}}]")),
    ("You can also block", "You can block or delete cookies in your browser settings.", "cookies",
     "browser_controls: true"),
    ("## Personal data breaches", "## Personal data breaches", "privacy", "breach: {}"),
]


@pytest.mark.parametrize(("unsaid", "said", "kind", "fields"), SAYS_ONLY_WHAT_IT_KNOWS,
                         ids=[case[0][:40] for case in SAYS_ONLY_WHAT_IT_KNOWS])
def test_a_sentence_presumes_no_fact_the_source_lacks(tmp_path: Path, unsaid: str, said: str, kind: str,
                                                       fields: str) -> None:
    root = _source(tmp_path)
    key = fields.split(":", 1)[0]  # a field the minimal document has is replaced, not given twice
    text = re.sub(rf"(?m)^{key}: .*\n", "", textwrap.dedent(MINIMAL[kind]))
    (root / f"{kind}.yaml").write_text(text + fields + "\n", encoding="utf-8")
    page = render_document(load_policy(root), kind, "en")
    assert unsaid not in page
    if unsaid != said:
        assert said in page


def test_a_site_selling_to_businesses_states_no_statutory_withdrawal(tmp_path: Path) -> None:
    businesses = SITE.replace("default_locale: en}", "default_locale: en, audience: businesses}")
    root = Path(_site(tmp_path, businesses, {"refund": "windows: [{within: P30D, amount: full}]\n"}))
    page = render_document(load_policy(root), "refund", "en")
    assert "Right of withdrawal" not in page and "Instructions on withdrawal" not in page and "statutory right of withdrawal" not in page
    assert "**Within 30 days of purchase:** full refund." in page


def test_a_mediation_body_is_named_without_a_claim_to_take_part(tmp_path: Path) -> None:
    imprint = "mediation: {name: Universalschlichtungsstelle des Bundes, url: 'https://www.verbraucher-schlichter.de/'}\n"
    pages = {locale: render_document(load_policy(_source(tmp_path / locale, {"imprint": imprint})), "imprint", locale)
             for locale in ("en", "de", "fr")}
    assert "Consumer mediation body: Universalschlichtungsstelle des Bundes" in pages["en"]
    assert "Verbraucherschlichtungsstelle: Universalschlichtungsstelle des Bundes" in pages["de"]
    assert "Médiateur de la consommation\u00a0: Universalschlichtungsstelle des Bundes" in pages["fr"]
    declined = imprint.replace("}", ", participates: false}")
    page = render_document(load_policy(_source(tmp_path / "declined", {"imprint": declined})), "imprint", "en")
    assert "neither willing nor obliged" in page and "verbraucher-schlichter.de" not in page
    alone = render_document(load_policy(_source(tmp_path / "alone", {"imprint": "mediation: {participates: false}\n"})),
                            "imprint", "en")
    assert "neither willing nor obliged" in alone
    unnamed = render_document(load_policy(_source(tmp_path / "unnamed", {"imprint": "mediation: {participates: true}\n"})),
                              "imprint", "en")
    assert "Consumer dispute resolution" not in unnamed and "None" not in unnamed


def test_a_name_ending_in_a_full_stop_ends_the_sentence(tmp_path: Path) -> None:
    """"Acme Inc." at the end of a sentence is followed by no second full stop, in any
    language; a recipient the source does not name is called by its kind with an article."""
    privacy = ("recipients: [{id: acme, name: Acme Inc., role: controller, category: analytics, country: US},\n"
               "             {id: ads, role: controller, category: advertising}]\n")
    cookies = ("trackers: [{id: px, name: px, technology: pixel, purpose: marketing, description: {en: a, de: a, fr: a},"
               " lifetime: P1M, basis: consent, recipients: [acme]},\n"
               "           {id: tag, name: tag, technology: pixel, purpose: marketing, description: {en: a, de: a, "
               "fr: a}, lifetime: P1M, basis: consent, recipients: [ads]}]\n")
    site = SITE.replace("Minimal GmbH", "Minimal Inc.")
    root = Path(_site(tmp_path, site, {"privacy": privacy, "cookies": cookies}))
    loaded = load_policy(root)
    pages = {locale: render_document(loaded, "cookies", locale) for locale in ("en", "de", "fr")}
    assert "Data read by px is also shared with Acme Inc.\n" in pages["en"]
    assert "werden außerdem an Acme Inc. weitergegeben." in pages["de"]
    assert "également transmises à Acme Inc.\n" in pages["fr"]
    assert "Data read by tag is also shared with an advertising partner.\n" in pages["en"]
    for locale, page in pages.items():
        assert "Inc.." not in page, locale
    index = render_document(loaded, "imprint", "en")
    assert "Inc.." not in index


def test_a_contact_that_states_nothing_renders_no_heading(tmp_path: Path) -> None:
    """A contact point or person responsible for content without a name or any way to reach
    them is left out (P10 reports it), not shown as a heading with nothing under it."""
    empty = {"privacy": "contact_points: [{country: FR}]\n", "imprint": "content_responsible: {gender: male}\n"}
    loaded = load_policy(_source(tmp_path / "empty", empty))
    assert "Contact points" not in render_document(loaded, "privacy", "en")
    assert "Responsible for content" not in render_document(loaded, "imprint", "en")
    given = {"privacy": "contact_points: [{country: FR, email: fr@minimal.example}]\n",
             "imprint": "content_responsible: {name: Max Muster}\n"}
    loaded = load_policy(_source(tmp_path / "given", given))
    assert "Contact points in your country or region" in render_document(loaded, "privacy", "en")
    assert "## Responsible for content" in render_document(loaded, "imprint", "en")


def test_the_statutory_model_is_written_for_services_only(tmp_path: Path) -> None:
    """The withdrawal information runs the period from the conclusion of the contract, as the
    model does for services; for goods it would run from delivery, and a contract the source
    does not describe could be either: the page leaves it out in both cases (R14 reports them)."""
    for contract, shown in (("services", True), (None, False), ("goods", False)):
        withdrawal = (f"withdrawal: {{period: P14D{', contract: ' + contract if contract else ''}, "
                      "termination_url: 'https://minimal.example/cancel'}\n")
        loaded = load_policy(_source(tmp_path / str(contract), {"refund": withdrawal}))
        for locale, heading in (("en", "## Instructions on withdrawal"), ("de", "## Widerrufsbelehrung")):
            page = render_document(loaded, "refund", locale)
            assert (heading in page) is shown, (contract, locale)
            assert ("from the day of the conclusion of the contract" in page) is (shown and locale == "en")
        english = render_document(loaded, "refund", "en")
        assert "You can cancel your subscription online at <https://minimal.example/cancel>." in english  # R08, R09
        assert english.startswith("---\ntitle: \"" + ("Refund and withdrawal policy" if shown else "Refund policy"))
