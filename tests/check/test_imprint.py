"""Imprint family (I01-I03) on YAML snippets."""

from __future__ import annotations

from pathlib import Path

from legalgen.diagnostics import Severity

from .helpers import SITE, line_of, run

BERLIN = 'address: {street: Hauptstraße 1, postal_code: "10115", city: Berlin, country: DE}'
VIENNA = 'address: {street: Ringstraße 1, postal_code: "1010", city: Wien, country: AT}'
GERMAN = SITE.replace("jurisdictions: [EU]", "jurisdictions: [DE]").replace(VIENNA, BERLIN).replace(
    "  email: hello@test.example\n",
    "  email: hello@test.example\n  legal_form: GmbH\n  representatives: [Ada Muster]\n  phone: +49 30 1234567\n"
    "  commercial_register: {court: Amtsgericht Charlottenburg, number: HRB 1}\n  vat_id: DE123456789\n")
FRENCH = SITE.replace("jurisdictions: [EU]", "jurisdictions: [FR]").replace(
    VIENNA,
    'address: {street: 1 rue de Rivoli, postal_code: "75001", city: Paris, country: FR}').replace(
    "  email: hello@test.example\n",
    "  email: hello@test.example\n  phone: +33 1 23 45 67 89\n  commercial_register: {court: RCS Paris, number: 123 456 789}\n"
    "  share_capital: 10 000 EUR\n")
IMPRINT = "kind: imprint\nmediation: {name: Universalschlichtungsstelle des Bundes, participates: false}\n"
FRENCH_IMPRINT = ("kind: imprint\npublication_director: Ada Muster\nhosting:\n  name: OVH SAS\n"
                  '  address: {street: 2 rue Kellermann, postal_code: "59100", city: Roubaix, country: FR}\n'
                  "  phone: +33 9 72 10 10 07\n")


def test_german_imprint(tmp_path: Path) -> None:
    assert run(tmp_path, site=GERMAN, imprint=IMPRINT) == []
    incomplete = GERMAN.replace("  vat_id: DE123456789\n", "").replace("  phone: +49 30 1234567\n", "")
    assert run(tmp_path, site=incomplete, imprint=IMPRINT) == [("I01", "site.yaml", line_of(incomplete, "company:"))]


def test_german_site_without_imprint(tmp_path: Path) -> None:
    cookies = "kind: cookies\nchanges: {channels: [email], advance_notice: P30D}\n"
    found = run(tmp_path, site=GERMAN, cookies=cookies)
    assert ("I01", "site.yaml", 1) in found


def test_po_box_is_not_an_address(tmp_path: Path) -> None:
    box = GERMAN.replace("street: Hauptstraße 1", "street: Postfach 1234")
    assert run(tmp_path, site=box, imprint=IMPRINT) == [("I01", "site.yaml", line_of(box, "address:"))]


def test_french_legal_notice_is_a_warning(tmp_path: Path) -> None:
    assert run(tmp_path, site=FRENCH, imprint=FRENCH_IMPRINT) == []
    found = run(tmp_path, site=FRENCH, imprint=IMPRINT)
    assert found == [("I02", "imprint.yaml", 1)]
    from legalgen.check import rules

    assert next(r for r in rules() if r.id == "I02").severity is Severity.WARNING


def test_a_company_in_an_overseas_department_publishes_french_mentions_legales(tmp_path: Path) -> None:
    reunion = FRENCH.replace('street: 1 rue de Rivoli, postal_code: "75001", city: Paris, country: FR',
                             'street: 1 rue de Paris, postal_code: "97400", city: Saint-Denis, country: RE')
    assert reunion != FRENCH
    assert run(tmp_path, site=reunion, imprint=IMPRINT) == [("I02", "imprint.yaml", 1)]


def test_imprint_rules_follow_the_place_of_establishment(tmp_path: Path) -> None:
    german_company_in_france = SITE.replace("jurisdictions: [EU]", "jurisdictions: [FR]")
    assert run(tmp_path, site=german_company_in_france, imprint=IMPRINT) == []



def _messages(tmp_path: Path, site: str, imprint: str) -> list[str]:
    from legalgen.check import check_policy
    from legalgen.source.load import load_policy
    from legalgen.versions.history import load_history

    from .helpers import AS_OF

    root = tmp_path / "source"
    root.mkdir(parents=True)
    (root / "site.yaml").write_text(site, encoding="utf-8")
    (root / "imprint.yaml").write_text(imprint, encoding="utf-8")
    loaded = load_policy(root)
    return [d.message for d in check_policy(loaded, load_history(loaded), AS_OF)]


def test_the_e_mail_address_is_part_of_both_notices(tmp_path: Path) -> None:
    """§5 DDG and LCEN art. 6 both ask for an e-mail address, now that company.email is optional."""
    german = _messages(tmp_path / "de", GERMAN.replace("  email: hello@test.example\n", ""), IMPRINT)
    assert any(m.startswith("the imprint lacks email") for m in german), german
    french = _messages(tmp_path / "fr", FRENCH.replace("  email: hello@test.example\n", ""), FRENCH_IMPRINT)
    assert any(m.startswith("the mentions légales lack email") for m in french), french


def test_the_place_of_establishment_decides_not_the_listed_jurisdictions(tmp_path: Path) -> None:
    """A German company must publish an Impressum even if its site lists only EU; a French one the mentions."""
    german_eu = GERMAN.replace("jurisdictions: [DE]", "jurisdictions: [EU]")
    found = _messages(tmp_path / "de2", german_eu.replace("  vat_id: DE123456789\n", ""), IMPRINT)
    assert any(m.startswith("the imprint lacks vat_id") for m in found), found
    french_eu = FRENCH.replace("jurisdictions: [FR]", "jurisdictions: [EU]")
    found = _messages(tmp_path / "fr", french_eu.replace("  share_capital: 10 000 EUR\n", ""), FRENCH_IMPRINT)
    assert any(m.startswith("the mentions légales lack share_capital") for m in found), found


def test_french_registered_office_is_not_a_po_box(tmp_path: Path) -> None:
    box = FRENCH.replace("street: 1 rue de Rivoli", "street: BP 4512")
    assert run(tmp_path, site=box, imprint=FRENCH_IMPRINT) == [("I02", "site.yaml", line_of(box, "street: BP"))]
    cedex = FRENCH.replace("street: 1 rue de Rivoli", "street: 1 rue de la Bourse")
    assert run(tmp_path, site=cedex, imprint=FRENCH_IMPRINT) == []


def test_a_vat_id_is_written_as_issued(tmp_path: Path) -> None:
    spaced = GERMAN.replace("vat_id: DE123456789", "vat_id: DE 123.456.789")
    assert run(tmp_path, site=spaced, imprint=IMPRINT) == [("I03", "site.yaml", line_of(spaced, "vat_id:"))]
    swiss = GERMAN.replace("vat_id: DE123456789", "vat_id: CHE-123.456.789 MWST")
    assert run(tmp_path, site=swiss, imprint=IMPRINT) == []
