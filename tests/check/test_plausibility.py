"""Plausibility and coherence (P01-P08): failing, passing and edge cases on YAML snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from legalgen.render.pages import render_document
from legalgen.source.load import load_policy

from .helpers import CHANGES, CUSTOM, CUSTOM_NOTICE, PRIVACY, SITE, line_of, run
from .test_cookies import COOKIES

GERMAN = SITE.replace('address: {street: Ringstraße 1, postal_code: "1010", city: Wien, country: AT}',
                      "address: {street: Torstraße 1, postal_code: \"10119\", city: Berlin, country: DE}")
BERLIN_AUTHORITY = "{name: Berliner Beauftragte für Datenschutz und Informationsfreiheit}"
AUSTRIAN_AUTHORITY = '{name: Österreichische Datenschutzbehörde, url: "https://www.dsb.gv.at/"}'


def p_found(tmp_path: Path, privacy: str = PRIVACY, site: str = SITE, **extra: str) -> list[tuple[str, int]]:
    return [(code, line) for code, _, line in run(tmp_path, site=site, privacy=privacy, **extra)
            if code.startswith("P")]


def recipient(country: str, transfer: str) -> str:
    """PRIVACY with its host moved to ``country`` with ``transfer``."""
    return PRIVACY.replace("    country: DE\n", f"    country: {country}\n    transfer: {transfer}\n")


def test_the_helper_notice_is_plausible(tmp_path: Path) -> None:
    assert p_found(tmp_path) == []


@pytest.mark.parametrize(("country", "flagged"), [
    ("US", True), ("CH", True), ("PF", True), ("IE", False), ("NO", False), ("RE", False), ("AX", False),
])
def test_p01_representative_in_the_union(tmp_path: Path, country: str, flagged: bool) -> None:
    text = PRIVACY + f"representative: {{name: Rep, address: {{street: Main St 1, postal_code: '1', city: X, country: {country}}}}}\n"
    assert p_found(tmp_path, text) == ([("P01", line_of(text, "representative:"))] if flagged else [])


@pytest.mark.parametrize(("country", "flagged"), [
    ("CN", True), ("IN", True), ("CH", False), ("GB", False), ("JP", False), ("BR", False), ("KR", False),
])
def test_p02_adequacy_only_where_the_commission_decided_it(tmp_path: Path, country: str, flagged: bool) -> None:
    text = recipient(country, "{safeguard: adequacy}")
    assert p_found(tmp_path, text) == ([("P02", line_of(text, "transfer:"))] if flagged else [])


def test_p02_notice_wide_transfers(tmp_path: Path) -> None:
    claimed = PRIVACY + "transfers: [{countries: [CH, IN], safeguards: [adequacy]}]\n"
    assert p_found(tmp_path, claimed) == [("P02", line_of(claimed, "transfers:"))]
    mixed = PRIVACY + "transfers: [{countries: [CH, IN], safeguards: [adequacy, scc]}]\n"
    assert p_found(tmp_path, mixed) == []


def test_p02_and_p03_read_custom_documents(tmp_path: Path) -> None:
    custom = CUSTOM + """\
  - type: recipients
    recipients:
      - {id: crm, name: CRM Inc., country: US, transfer: {safeguard: adequacy}}
      - {id: mail, name: Mail Ltd., country: CN, transfer: {safeguard: adequacy}}
""" + CHANGES
    found = p_found(tmp_path, notice=custom)
    assert sorted(found) == sorted([("P03", line_of(custom, "{id: crm")), ("P02", line_of(custom, "{id: mail"))])


@pytest.mark.parametrize(("transfer", "flagged"), [
    ("{safeguard: adequacy}", True),
    ("{safeguard: adequacy, certification: dpf}", False),
    ("{safeguard: scc, obtain_copy: {en: ask us, de: fragen Sie uns}}", False),
])
def test_p03_us_adequacy_needs_certification(tmp_path: Path, transfer: str, flagged: bool) -> None:
    text = recipient("US", transfer)
    assert p_found(tmp_path, text) == ([("P03", line_of(text, "transfer:"))] if flagged else [])


@pytest.mark.parametrize(("site", "authority", "flagged"), [
    (GERMAN, "{name: BfDI}", True),
    (GERMAN, "{name: 'Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit'}", True),
    (GERMAN, '{name: Datenschutzaufsicht, url: "https://www.bfdi.bund.de/"}', True),
    (GERMAN, "{name: Bayerisches Landesamt für Datenschutzaufsicht (BayLDA)}", True),
    (GERMAN, "{name: CNIL}", True),
    (GERMAN, BERLIN_AUTHORITY, False),
    (GERMAN, "{name: Our local data protection authority}", False),  # not recognised: not judged
    (SITE, AUSTRIAN_AUTHORITY, False),
    (SITE, "{name: Commission nationale de l'informatique et des libertés (CNIL)}", True),
])
def test_p04_competent_authority(tmp_path: Path, site: str, authority: str, flagged: bool) -> None:
    text = PRIVACY.replace(f"supervisory_authority: {AUSTRIAN_AUTHORITY}", f"supervisory_authority: {authority}")
    assert text != PRIVACY or authority == AUSTRIAN_AUTHORITY
    assert p_found(tmp_path, text, site) == ([("P04", line_of(text, "supervisory_authority:"))] if flagged else [])


def test_p04_a_part_of_a_member_state_has_its_state_s_authority(tmp_path: Path) -> None:
    reunion = SITE.replace('address: {street: Ringstraße 1, postal_code: "1010", city: Wien, country: AT}',
                           'address: {street: 1 rue de Paris, postal_code: "97400", city: Saint-Denis, country: RE}')
    cnil = PRIVACY.replace(f"supervisory_authority: {AUSTRIAN_AUTHORITY}", "supervisory_authority: {name: CNIL}")
    assert p_found(tmp_path, cnil, reunion) == []
    assert p_found(tmp_path, PRIVACY, reunion) == [("P04", line_of(PRIVACY, "supervisory_authority:"))]


def test_p04_without_a_place_to_compare_stays_quiet(tmp_path: Path) -> None:
    munich = GERMAN.replace("city: Berlin", "city: Unterhaching")  # not in the city list: Land unknown
    text = PRIVACY.replace(f"supervisory_authority: {AUSTRIAN_AUTHORITY}", f"supervisory_authority: {BERLIN_AUTHORITY}")
    assert p_found(tmp_path, text, munich) == []
    with_region = munich.replace("country: DE}", "country: DE, region: Bayern}")
    assert p_found(tmp_path, text, with_region) == [("P04", line_of(text, "supervisory_authority:"))]


HEALTH = PRIVACY.replace("    type: email\n", "    type: email\n  - id: fitness\n    type: health\n").replace(
    "    data: [contact]\n", "    data: [contact, fitness]\n")


def test_p05_special_categories_need_an_article_9_condition(tmp_path: Path) -> None:
    assert p_found(tmp_path, HEALTH) == [("P05", line_of(HEALTH, "  - id: service"))]
    with_condition = HEALTH.replace("    legal_basis: contract\n", "    legal_basis: contract\n    special_condition: "
                                    "explicit_consent\n")
    assert p_found(tmp_path, with_condition) == []
    labelled = PRIVACY.replace("    type: email\n", "    type: email\n  - id: faith\n    label: {en: Faith, de: Glaube}\n"
                               "    special: religious_or_philosophical_beliefs\n").replace(
        "    data: [contact]\n", "    data: [contact, faith]\n")
    assert p_found(tmp_path, labelled) == [("P05", line_of(labelled, "  - id: service"))]


@pytest.mark.parametrize("locale", ["en", "de", "fr"])
def test_the_article_9_condition_is_stated_on_the_page(tmp_path: Path, locale: str) -> None:
    text = HEALTH.replace("    legal_basis: contract\n", "    legal_basis: contract\n    special_condition: explicit_consent\n")
    root = tmp_path / "source"
    root.mkdir()
    (root / "site.yaml").write_text(SITE.replace("locales: [en, de]", "locales: [en, de, fr]"), encoding="utf-8")
    (root / "privacy.yaml").write_text(text.replace("de: kein Konto}", "de: kein Konto, fr: pas de compte}"),
                                       encoding="utf-8")
    page = render_document(load_policy(root), "privacy", locale)
    expected = {"en": "Art. 9(2)(a) GDPR, explicit consent", "de": "Art. 9 Abs. 2 lit. a DSGVO, ausdrückliche Einwilligung",
                "fr": "article 9, paragraphe 2, point a), du RGPD, consentement explicite"}[locale]
    assert expected in page.replace("\u00a0", " ")  # German keeps "Art.\u00a09" together


@pytest.mark.parametrize(("provision", "flagged"), [
    ("contract_precondition", True), ("contractual", True), ("statutory", True), ("voluntary", False)])
def test_p06_consent_is_not_a_condition_of_the_contract(tmp_path: Path, provision: str, flagged: bool) -> None:
    text = PRIVACY.replace("legal_basis: contract", "legal_basis: consent").replace(
        "provision: contract_precondition", f"provision: {provision}")
    assert p_found(tmp_path, text) == ([("P06", line_of(text, "provision:"))] if flagged else [])


ANALYTICS = PRIVACY.replace("recipients:\n  - id: host", """\
  - id: stats
    type: analytics
    legal_basis: legitimate_interests
    legitimate_interest: {en: improving the service, de: Verbesserung des Dienstes}
    data: [contact]
    retention: {period: P13M}
    requirement: {provision: voluntary}
recipients:
  - id: host""")


#: PRIVACY with the analytics purpose COOKIES' tracker serves, on consent.
CONSENTED = ANALYTICS.replace("legal_basis: legitimate_interests\n    legitimate_interest: {en: improving the service, "
                              "de: Verbesserung des Dienstes}", "legal_basis: consent")


def test_p07_tracking_purpose_and_tracker_consent_agree(tmp_path: Path) -> None:
    assert p_found(tmp_path, ANALYTICS, cookies=COOKIES) == [("P07", line_of(ANALYTICS, "legal_basis: legitimate"))]
    consent = ANALYTICS.replace("legal_basis: legitimate_interests", "legal_basis: consent")
    assert p_found(tmp_path, consent, cookies=COOKIES) == []
    exempt_trackers = COOKIES.replace("basis: consent", "basis: exempt")
    assert p_found(tmp_path, ANALYTICS, cookies=exempt_trackers) == []  # K02 reports the tracker instead


@pytest.mark.parametrize(("name", "purpose", "basis", "site", "flagged"), [
    ("_ga", "strictly_necessary", "exempt", SITE, True),
    ("_ga_1AB2C3", "strictly_necessary", "exempt", SITE, True),
    ("_fbp", "strictly_necessary", "exempt", SITE, True),
    ("_ga", "analytics", "consent", SITE, False),
    ("_pk_id.1.a1b2", "analytics", "exempt", SITE.replace("[EU]", "[FR]"), False),  # CNIL exemption, K04 checks it
    ("_pk_id.1.a1b2", "analytics", "exempt", SITE.replace("[EU]", "[DE]"), True),
    ("__stripe_mid", "strictly_necessary", "exempt", SITE, False),
    ("my_session", "strictly_necessary", "exempt", SITE, False),  # unknown: not judged
    ("_GA", "strictly_necessary", "exempt", SITE, False),  # names are case-sensitive
])
def test_p08_known_trackers(tmp_path: Path, name: str, purpose: str, basis: str, site: str, flagged: bool) -> None:
    text = COOKIES.replace("name: _stats", f"name: '{name}'\n    provider: host").replace(
        "purpose: analytics", f"purpose: {purpose}").replace("basis: consent", f"basis: {basis}")
    found = p_found(tmp_path, CONSENTED, site, cookies=text)
    assert [code for code, _ in found] == (["P08"] if flagged else [])


@pytest.mark.parametrize(("name", "flagged"), [
    ("_ga", True), ("_fbp", True), ("_hjSessionUser_123", True),
    ("_pk_id.1.a1b2", False),  # Matomo can run on the site's own server
    ("_stats", False),  # unknown: not judged
])
def test_p08_a_third_partys_tracker_names_its_provider(tmp_path: Path, name: str, flagged: bool) -> None:
    from .helpers import diagnostics

    purpose = "marketing" if name == "_fbp" else "analytics"
    text = COOKIES.replace("name: _stats", f"name: '{name}'").replace("purpose: analytics", f"purpose: {purpose}")
    privacy = CONSENTED.replace("type: analytics", "type: direct_marketing") if name == "_fbp" else CONSENTED
    found = [(d.code, d.severity.value, d.location.line) for d in diagnostics(tmp_path, privacy=privacy, cookies=text)
             if d.code.startswith("P")]
    assert found == ([("P08", "warning", line_of(text, "  - id: stats"))] if flagged else [])
    named = text.replace(f"name: '{name}'", f"name: '{name}'\n    provider: host")
    assert [d.code for d in diagnostics(tmp_path, privacy=privacy, cookies=named) if d.code.startswith("P")] == []


def test_p08_a_first_party_cookie_named_like_a_known_one_gets_one_warning(tmp_path: Path) -> None:
    """`fr` is Meta's advertising cookie and a common name for a language cookie: declared for
    preferences without a provider, it gets the purpose warning, not also the provider one."""
    from .helpers import diagnostics

    text = COOKIES.replace("name: _stats", "name: fr").replace("purpose: analytics", "purpose: preferences")
    found = [d.message for d in diagnostics(tmp_path, privacy=PRIVACY, cookies=text) if d.code == "P08"]
    assert len(found) == 1 and "is declared for preferences, but Meta" in found[0]


def test_p11_tracking_needs_a_purpose_in_the_privacy_notice(tmp_path: Path) -> None:
    from .helpers import diagnostics

    found = [(d.code, d.severity.value, d.location.file.rsplit("/", 1)[-1], d.location.line)
             for d in diagnostics(tmp_path, privacy=PRIVACY, cookies=COOKIES) if d.code == "P11"]
    assert found == [("P11", "warning", "cookies.yaml", line_of(COOKIES, "purpose: analytics"))]
    assert [d for d in diagnostics(tmp_path, privacy=CONSENTED, cookies=COOKIES) if d.code == "P11"] == []
    improving = CONSENTED.replace("type: analytics", "type: service_improvement")
    assert [d for d in diagnostics(tmp_path, privacy=improving, cookies=COOKIES) if d.code == "P11"] == []
    marketing = COOKIES + "categories:\n  - {purpose: marketing, basis: consent}\n"
    assert [(d.code, d.location.line) for d in diagnostics(tmp_path, privacy=CONSENTED, cookies=marketing)
            if d.code == "P11"] == [("P11", line_of(marketing, "purpose: marketing"))]
    necessary = COOKIES.replace("purpose: analytics", "purpose: preferences")
    assert [d for d in diagnostics(tmp_path, privacy=PRIVACY, cookies=necessary) if d.code == "P11"] == []


def test_p08_another_documented_purpose_is_a_warning(tmp_path: Path) -> None:
    from .helpers import diagnostics

    text = COOKIES.replace("name: _stats", "name: _ga\n    provider: host").replace("purpose: analytics",
                                                                                "purpose: preferences")
    found = [(d.code, d.severity.value) for d in diagnostics(tmp_path, privacy=PRIVACY, cookies=text)
             if d.code.startswith("P")]
    assert found == [("P08", "warning")]


def test_p03_notice_wide_us_adequacy_is_a_warning(tmp_path: Path) -> None:
    from .helpers import diagnostics

    text = PRIVACY + "transfers: [{countries: [US], safeguards: [adequacy]}]\n"
    found = [(d.code, d.severity.value, d.location.line) for d in diagnostics(tmp_path, privacy=text)
             if d.code.startswith("P")]
    assert found == [("P03", "warning", line_of(text, "transfers:"))]


def test_p04_the_bavarian_public_sector_authority(tmp_path: Path) -> None:
    munich = GERMAN.replace("city: Berlin", "city: München")
    text = PRIVACY.replace(f"supervisory_authority: {AUSTRIAN_AUTHORITY}",
                           "supervisory_authority: {name: Der Bayerische Landesbeauftragte für den Datenschutz}")
    assert p_found(tmp_path, text, munich) == [("P04", line_of(text, "supervisory_authority:"))]
    right = PRIVACY.replace(f"supervisory_authority: {AUSTRIAN_AUTHORITY}",
                            "supervisory_authority: {name: Bayerisches Landesamt für Datenschutzaufsicht}")
    assert p_found(tmp_path, right, munich) == []


def test_p11_reads_a_custom_notice_without_a_privacy_document(tmp_path: Path) -> None:
    from .helpers import diagnostics

    custom = CUSTOM_NOTICE
    found = [d for d in diagnostics(tmp_path, notice=custom, cookies=COOKIES) if d.code == "P11"]
    assert [(d.location.file.rsplit("/", 1)[-1], d.location.line) for d in found] == [
        ("cookies.yaml", line_of(COOKIES, "purpose: analytics"))]
    assert found[0].hint == "add a purpose of type analytics with its legal basis to the purposes block of notice"
    analytics = custom.replace("{id: service, type: service_provision, legal_basis: contract",
                               "{id: stats, type: analytics, legal_basis: consent")
    assert [d for d in diagnostics(tmp_path, notice=analytics, cookies=COOKIES) if d.code == "P11"] == []
