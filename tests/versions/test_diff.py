"""Materiality from the structured diff of two sources (REQUIREMENTS C01/C02)."""

from __future__ import annotations

from pathlib import Path

import pytest

from legalgen.source.load import load_policy
from legalgen.versions.diff import classify

from ..check.helpers import PRIVACY, SITE

REFUND = """\
kind: refund
withdrawal:
  period: P14D
request:
  email: billing@test.example
windows:
  - within: P14D
    amount: full
delays:
  - payment: any
    max: P14D
exclusions:
  - {en: gift cards, de: Geschenkkarten}
"""

def verdict(tmp_path: Path, before: dict[str, str], after: dict[str, str], kind: str) -> tuple[bool, list[str]]:
    """(material, paths of material changes) between two sources."""
    policies = []
    for name, files in (("old", before), ("new", after)):
        folder = tmp_path / name
        folder.mkdir()
        for file, text in {"site": SITE, **files}.items():
            (folder / f"{file}.yaml").write_text(text, encoding="utf-8")
        policies.append(load_policy(folder).policy)
    result = classify(policies[0], policies[1], kind)
    return result.material, [change.path for change in result.reasons]


PRIVACY_R = PRIVACY


@pytest.mark.parametrize(
    ("change", "paths"),
    [
        (lambda t: t.replace("  - id: service\n", "  - id: other\n    type: analytics\n    legal_basis: consent\n"
                             "    data: [contact]\n    retention: {period: P1Y}\n  - id: service\n"),
         ["purposes[other]"]),
        (lambda t: t.replace("    type: email\n", "    type: email\n  - id: phone\n    type: phone\n"),
         ["data_categories[phone]"]),
        (lambda t: t.replace("legal_basis: contract", "legal_basis: consent"), ["purposes[service].legal_basis"]),
        (lambda t: t.replace("period: P30D", "period: P90D"), ["purposes[service].retention"]),
        (lambda t: t.replace("country: DE", "country: US\n    transfer: {safeguard: scc}"),
         ["recipients[host].country", "recipients[host].transfer"]),
        (lambda t: t.replace("rights:\n", "  - id: mailer\n    name: Mail Inc.\n    role: processor\n"
                             "    category: email\n    country: DE\nrights:\n"),
         ["recipients[mailer]", "recipients[mailer].category"]),
        (lambda t: t.replace("  email: privacy@test.example", "  email: other@test.example"), ["rights"]),
        (lambda t: t.replace("granted: [access, ", "granted: ["), ["rights.granted"]),
        # the same id, other facts: another kind of data, purpose or recipient
        (lambda t: t.replace("    type: email\n", "    type: health\n"),
         ["data_categories[contact].type", "data_categories[contact].special"]),
        (lambda t: t.replace("    type: email\n", "    type: email\n    special: biometric\n"),
         ["data_categories[contact].special"]),
        (lambda t: t.replace("    legal_basis: contract\n", "    legal_basis: contract\n"
                                                              "    special_condition: explicit_consent\n"),
         ["purposes[service].special_condition"]),
        (lambda t: t.replace("type: service_provision", "type: direct_marketing"), ["purposes[service].type"]),
        (lambda t: t.replace("name: Host GmbH", "name: Criteo SA"), ["recipients[host].name"]),
        (lambda t: t.replace("category: hosting", "category: advertising"), ["recipients[host].category"]),
        # data that the person does not give (Art. 14 GDPR)
        (lambda t: t.replace("    type: email\n", "    type: email\n    source: third_party\n"),
         ["data_categories[contact].source"]),
    ],
    ids=["new purpose", "new data category", "legal basis", "longer retention", "third-country transfer",
         "new recipient category", "way to exercise rights", "right removed", "data type", "special category",
         "special condition", "purpose type", "another recipient", "recipient category", "data from others"],
)
def test_material_privacy_changes(tmp_path: Path, change, paths: list[str]) -> None:  # type: ignore[no-untyped-def]
    material, found = verdict(tmp_path, {"privacy": PRIVACY_R}, {"privacy": change(PRIVACY_R)}, "privacy")
    assert material and found == paths


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("kind: privacy\n", "kind: privacy\nintro: {en: Hello, de: Hallo}\n"),
        lambda t: t.replace("period: P30D", "period: P14D"),
        lambda t: t.replace("kind: privacy\n", "kind: privacy\nlast_updated: 2026-02-01\n"),
    ],
    ids=["wording", "shorter retention", "date only"],
)
def test_editorial_privacy_changes(tmp_path: Path, change) -> None:  # type: ignore[no-untyped-def]
    material, found = verdict(tmp_path, {"privacy": PRIVACY_R}, {"privacy": change(PRIVACY_R)}, "privacy")
    assert not material and found == []


def test_a_changed_description_is_listed_for_the_reviewer(tmp_path: Path) -> None:
    """Free text cannot say whether more data or another use is meant: each changed description
    is its own editorial change, which names the field and asks for --material if it covers more."""
    described = PRIVACY_R.replace("    type: email\n", "    type: email\n    details: {en: address, de: Adresse}\n")
    widened = described.replace("{en: address, de: Adresse}", "{en: address and phone, de: Adresse und Telefon}")
    widened = widened.replace("    legal_basis: contract\n", "    description: {en: orders and more, de: mehr}\n"
                                                              "    legal_basis: contract\n")
    folders = []
    for name, text in (("old", described), ("new", widened)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "site.yaml").write_text(SITE, encoding="utf-8")
        (tmp_path / name / "privacy.yaml").write_text(text, encoding="utf-8")
        folders.append(load_policy(tmp_path / name).policy)
    result = classify(folders[0], folders[1], "privacy")
    assert not result.material
    assert [(c.path, c.material) for c in result.changes] == [
        ("data_categories[contact].details", False), ("purposes[service].description", False)]
    assert [c.description for c in result.changes] == [
        "the details change; if that widens what is processed, release with --material",
        "the description changes; if that widens what is processed, release with --material"]
    # from the person instead of from others: editorial
    taken = described.replace("    type: email\n", "    type: email\n    source: public\n")
    (tmp_path / "back").mkdir()
    assert verdict(tmp_path / "back", {"privacy": taken}, {"privacy": taken.replace("public", "data_subject")},
                   "privacy") == (False, [])


def test_a_language_added_or_dropped_changes_no_fact(tmp_path: Path) -> None:
    """A translation that comes or goes with a language is no changed description; a dropped
    language changes no document (nothing to release), an added one is listed, editorial."""
    both = PRIVACY_R.replace("    type: email\n", "    type: email\n    details: {en: address, de: Adresse}\n")
    english = both.replace(", de: Adresse}", "}").replace(", de: kein Konto", "")
    folders = []
    for name, site, text in (("both", SITE, both), ("en", SITE.replace("locales: [en, de]", "locales: [en]"), english)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "site.yaml").write_text(site, encoding="utf-8")
        (tmp_path / name / "privacy.yaml").write_text(text, encoding="utf-8")
        folders.append(load_policy(tmp_path / name).policy)
    assert classify(folders[0], folders[1], "privacy").changes == ()
    added = classify(folders[1], folders[0], "privacy")
    assert [(c.path, c.description, c.material) for c in added.changes] == [("site.locales", "new language: de", False)]


def test_a_data_category_kept_longer_is_material(tmp_path: Path) -> None:
    kept = PRIVACY_R.replace("    type: email\n", "    type: email\n    retention: {period: P1Y}\n")
    (tmp_path / "longer").mkdir()
    (tmp_path / "shorter").mkdir()
    assert verdict(tmp_path / "longer", {"privacy": kept}, {"privacy": kept.replace("P1Y", "P2Y")}, "privacy") == (
        True, ["data_categories[contact].retention"])
    assert verdict(tmp_path / "shorter", {"privacy": kept.replace("P1Y", "P2Y")}, {"privacy": kept}, "privacy") == (
        False, [])


def test_new_controller_is_material(tmp_path: Path) -> None:
    policies = []
    for name, site in (("old", SITE), ("new", SITE.replace("name: Test GmbH", "name: Other GmbH"))):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "site.yaml").write_text(site, encoding="utf-8")
        (folder / "privacy.yaml").write_text(PRIVACY, encoding="utf-8")
        policies.append(load_policy(folder).policy)
    assert [c.path for c in classify(policies[0], policies[1], "privacy").reasons] == ["company.name"]


def test_a_new_company_name_is_editorial_where_the_company_is_no_controller(tmp_path: Path) -> None:
    """The imprint and the refund policy name the company and must name it as it is now: a
    new name is no change of controller there, and needs no notice period."""
    documents = {"refund": REFUND, "privacy": PRIVACY}
    policies = []
    for name, site in (("old", SITE), ("new", SITE.replace("name: Test GmbH", "name: Other GmbH"))):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "site.yaml").write_text(site, encoding="utf-8")
        for kind, text in documents.items():
            (folder / f"{kind}.yaml").write_text(text, encoding="utf-8")
        policies.append(load_policy(folder).policy)
    refund = classify(policies[0], policies[1], "refund")
    assert not refund.material and [(c.path, c.description) for c in refund.changes] == [
        ("company.name", "the company's name changes from 'Test GmbH' to 'Other GmbH'")]
    assert classify(policies[0], policies[1], "privacy").material


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda t: t.replace("withdrawal:\n  period: P14D\n", ""), "withdrawal"),
        (lambda t: t.replace("  - within: P14D\n    amount: full", "  - within: PT48H\n    amount: full"),
         "windows[0].within"),
        (lambda t: t.replace("amount: full", "amount: partial"), "windows[0].amount"),
        (lambda t: t.replace("    max: P14D", "    max: P90D"), "delays[any]"),
        (lambda t: t + "  - {en: adult channels, de: Erotiksender}\n", "exclusions"),
        (lambda t: t.replace("  period: P14D\n", "  period: P14D\n  contract: goods\n"), "withdrawal.contract"),
    ],
    ids=["withdrawal dropped", "shorter window", "smaller refund", "slower refund", "new exclusion",
         "goods: the withdrawal information is left out"],
)
def test_refund_terms_worse_for_the_user_are_material(tmp_path: Path, change, path: str) -> None:  # type: ignore[no-untyped-def]
    material, found = verdict(tmp_path, {"refund": REFUND}, {"refund": change(REFUND)}, "refund")
    assert material and found == [path]


def test_better_refund_terms_are_editorial(tmp_path: Path) -> None:
    better = REFUND.replace("  - within: P14D\n    amount: full", "  - within: P30D\n    amount: full")
    assert verdict(tmp_path, {"refund": REFUND}, {"refund": better}, "refund") == (False, [])


def test_saying_the_contract_is_for_services_is_editorial(tmp_path: Path) -> None:
    """The page reads the same: the change is named, not left to "wording or presentation"."""
    services = REFUND.replace("  period: P14D\n", "  period: P14D\n  contract: services\n")
    assert verdict(tmp_path, {"refund": REFUND}, {"refund": services}, "refund") == (False, [])
    old, new = (load_policy(tmp_path / name).policy for name in ("old", "new"))
    assert [(c.path, c.description) for c in classify(old, new, "refund").changes] == [
        ("withdrawal.contract", "the contract is said to be for services; the page reads the same")]


def test_example_versions_are_classified(example_history) -> None:  # type: ignore[no-untyped-def]
    v1, v2, v3, v4, _, v6, v7, v8, v9, _ = example_history.of("privacy")
    assert v1.materiality is None and not v1.material
    assert [c.path for c in v2.materiality.reasons] == ["data_categories[fraud-signals]", "purposes[fraud]"]
    assert [c.path for c in v3.materiality.reasons] == ["purposes[recommendations]"]
    assert not v4.material and [c.description for c in v4.materiality.changes] == ["wording or presentation changed"]
    assert not v6.material and [c.description for c in v6.materiality.changes] == ["wording or presentation changed"]
    assert not v7.material and "shorter storage: P10Y to P8Y" in [c.description for c in v7.materiality.changes]
    assert [c.path for c in v7.materiality.changes] == [  # the rest: French and German wording of the prose
        "data_categories[payment].details", "purposes[accounting].retention", "purposes[fraud].legitimate_interest",
        "purposes[service].description"]
    assert not v8.material and [c.path for c in v8.materiality.changes] == ["purposes[fraud].description"]
    assert not v9.material and not v9.materiality.changes  # the same source, rendered anew


def test_a_cookie_provider_that_changes_company_or_country_is_material(tmp_path: Path) -> None:
    """The cookie page names each tracker's provider from the privacy notice's recipients: a
    provider now another company, or in another country, is a material change of the cookie
    policy too, not only of the privacy notice."""
    import shutil

    from ..conftest import REPO

    shutil.copytree(REPO / "policy", tmp_path / "policy")
    old = load_policy(tmp_path / "policy")
    privacy = tmp_path / "policy" / "privacy.yaml"
    text = privacy.read_text(encoding="utf-8")
    before = "  - id: stripe\n    name: Stripe Payments Europe, Ltd.\n    role: controller\n    category: payment\n    country: IE"
    assert before in text
    privacy.write_text(text.replace(before, before.replace("Stripe Payments Europe, Ltd.", "Adyen N.V.")
                                    .replace("country: IE", "country: US")), encoding="utf-8")
    changes = classify(old.policy, load_policy(tmp_path / "policy").policy, "cookies")
    assert changes.material
    assert [(c.path, c.description) for c in changes.reasons] == [
        ("trackers[stripe-fraud].provider", "its provider 'stripe' is now Adyen N.V. (US)")]


def test_a_tracker_that_shares_its_data_with_another_company_is_material(tmp_path: Path) -> None:
    import shutil

    from ..conftest import REPO

    shutil.copytree(REPO / "policy", tmp_path / "policy")
    old = load_policy(tmp_path / "policy").policy
    cookies = tmp_path / "policy" / "cookies.yaml"
    text = cookies.read_text(encoding="utf-8")
    assert "  - id: player\n" in text
    cookies.write_text(text.replace("  - id: player\n", "  - id: player\n    recipients: [zendesk]\n"), encoding="utf-8")
    changes = classify(old, load_policy(tmp_path / "policy").policy, "cookies")
    assert [(c.path, c.description, c.material) for c in changes.reasons] == [
        ("trackers[player].recipients", "data read by it now also goes to zendesk", True)]
