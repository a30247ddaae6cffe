"""GDPR family: each rule fails on a snippet (asserting ID and line) and passes on the fixed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import PRIVACY, SITE, ids, line_of, run


def test_a_complete_notice_passes(tmp_path: Path) -> None:
    assert run(tmp_path, privacy=PRIVACY) == []


@pytest.mark.parametrize(
    ("rule", "before", "after", "at"),
    [
        ("G02", "supervisory_authority:", "dpo: {name: Dr. Brandt}\nsupervisory_authority:", "dpo:"),
        ("G03", "    legal_basis: contract\n", "", "  - id: service"),
        ("G04", "legal_basis: contract", "legal_basis: legitimate_interests", "legal_basis:"),
        ("G06", "    country: DE\n", "    country: US\n", "  - id: host"),
        ("G07", "    retention: {period: P30D, after: account_closure}\n", "", "  - id: service"),
        ("G08", "granted: [access, rectification, erasure, restriction,", "granted: [access, rectification, erasure,",
         "  granted:"),
        ("G10", 'supervisory_authority: {name: Österreichische Datenschutzbehörde, url: "https://www.dsb.gv.at/"}\n', "",
         "kind: privacy"),
        ("G11", "    requirement: {provision: contract_precondition, consequences: {en: no account, de: kein Konto}}\n",
         "", "  - id: service"),
        ("G19", "  email: privacy@test.example", "  email: privacy@test.example\n  response_time: P6W",
         "response_time:"),
        ("G21", "breach: {authority_within: PT72H,", "breach: {authority_within: P5D,", "breach:"),
    ],
)
def test_rule_fails_with_its_line(tmp_path: Path, rule: str, before: str, after: str, at: str) -> None:
    text = PRIVACY.replace(before, after)
    assert text != PRIVACY
    found = [(code, line) for code, _, line in run(tmp_path, privacy=text) if code == rule]
    assert found and found[0] == (rule, line_of(text, at))


def test_g01_controller_address_and_representative(tmp_path: Path) -> None:
    no_address = SITE.replace('  address: {street: Ringstraße 1, postal_code: "1010", city: Wien, country: AT}\n', "")
    assert ("G01", "site.yaml", line_of(no_address, "company:")) in run(tmp_path, site=no_address, privacy=PRIVACY)
    abroad = SITE.replace("country: AT}", "country: US}")
    assert [c for c, _, _ in run(tmp_path, site=abroad, privacy=PRIVACY)] == ["G01"]
    represented = PRIVACY + "representative: {name: EU Rep SARL, email: rep@eu.example}\n"
    assert run(tmp_path, site=abroad, privacy=represented) == []
    unreachable = SITE.replace("  email: hello@test.example\n", "")
    assert run(tmp_path, site=unreachable, privacy=PRIVACY) == [("G01", "site.yaml", line_of(unreachable, "company:"))]


def test_g05_recipients_warning(tmp_path: Path) -> None:
    text = PRIVACY.replace("    recipients: [host]\n", "").replace(
        "recipients:\n  - id: host\n    name: Host GmbH\n    role: processor\n    category: hosting\n    country: DE\n", "")
    assert ids(tmp_path, privacy=text) == ["G05"]


def test_g06_safeguard_and_copy(tmp_path: Path) -> None:
    scc = PRIVACY.replace("    country: DE\n", "    country: US\n    transfer: {safeguard: scc}\n")
    assert [(c, line) for c, _, line in run(tmp_path, privacy=scc)] == [("G06", line_of(scc, "    transfer:"))]
    copy = scc.replace("{safeguard: scc}", "{safeguard: scc, obtain_copy: {en: ask the DPO, de: beim DSB}}")
    assert run(tmp_path, privacy=copy) == []


def test_g09_and_g17_follow_the_legal_bases(tmp_path: Path) -> None:
    consent = PRIVACY.replace("legal_basis: contract", "legal_basis: consent").replace(", objection", "").replace(
        "provision: contract_precondition", "provision: voluntary")
    assert ids(tmp_path, privacy=consent) == ["G08", "G09", "G20"]
    li = PRIVACY.replace("legal_basis: contract", "legal_basis: legitimate_interests\n    legitimate_interest: "
                         "{en: fraud prevention, de: Betrugsprävention}").replace(", objection", "")
    assert ids(tmp_path, privacy=li) == ["G08", "G17"]


def test_g12_automated_decisions_need_the_right(tmp_path: Path) -> None:
    text = PRIVACY + ("automated_decisions:\n  - id: score\n    description: {en: a, de: a}\n    logic: {en: b, de: b}\n"
                      "    significance: {en: c, de: c}\n")
    assert [(c, line) for c, _, line in run(tmp_path, privacy=text)] == [("G12", line_of(text, "automated_decisions:"))]


def test_g14_g15_indirect_data(tmp_path: Path) -> None:
    text = PRIVACY.replace("    type: email\n", "    type: email\n  - id: signals\n    type: identifiers\n"
                           "    source: third_party\n")
    found = run(tmp_path, privacy=text)
    assert ("G14", "privacy.yaml", line_of(text, "  - id: signals")) in found
    assert ("G15", "privacy.yaml", line_of(text, "    source: third_party")) in found
    fixed = text.replace("    source: third_party\n", "    source: third_party\n    details: {en: scores, de: Werte}\n"
                         "    source_details: {en: Stripe, de: Stripe}\n")
    assert run(tmp_path, privacy=fixed) == []


def test_g20_age_of_consent_by_jurisdiction(tmp_path: Path) -> None:
    consent = PRIVACY.replace("legal_basis: contract", "legal_basis: consent").replace(
        "complaint]", "complaint, withdraw_consent]").replace("provision: contract_precondition", "provision: voluntary")
    fifteen = consent + "children: {minimum_age: 15}\n"
    assert ids(tmp_path, privacy=fifteen) == ["G20"]
    french = SITE.replace("jurisdictions: [EU]", "jurisdictions: [FR]")
    assert ids(tmp_path, site=french, privacy=fifteen) == []


@pytest.mark.parametrize(("criteria", "flagged"), [
    ("{en: as long as necessary, de: solange nötig}", True),
    ("{en: only as long as we need it for the service, de: nur so lange wie nötig}", True),
    ("{en: until the request is closed, de: bis die Anfrage abgeschlossen ist}", False),
    ("{en: 'as long as necessary, at most 2 years', de: 'solange nötig, höchstens 2 Jahre'}", False),
    ("{en: 'ten years, as long as § 147 AO requires', de: 'zehn Jahre nach § 147 AO'}", False),
])
def test_g07_as_long_as_necessary_is_no_criterion(tmp_path: Path, criteria: str, flagged: bool) -> None:
    privacy = PRIVACY.replace("    retention: {period: P30D, after: account_closure}\n",
                              f"    retention: {{criteria: {criteria}}}\n")
    found = run(tmp_path, privacy=privacy)
    assert (("G07", "privacy.yaml", line_of(privacy, "retention: {criteria")) in found) is flagged, found


def test_g08_g10_g11_read_custom_documents(tmp_path: Path) -> None:
    """A custom document that describes processing is held to the notice's rules: it lists the
    rights (G08), the complaint with its authority (G10), and whether the data must be given (G11)."""
    from .helpers import CUSTOM_NOTICE

    custom = CUSTOM_NOTICE
    found = [(code, line) for code, name, line in run(tmp_path, privacy=PRIVACY, notice=custom) if name == "notice.yaml"]
    assert sorted(found) == [("G08", 1), ("G11", line_of(custom, "{id: service"))]
    with_rights = custom.replace("  - type: purposes\n", "  - type: rights\n    rights: {granted: [access], email: "
                                 "privacy@example.com}\n  - type: purposes\n")
    found = [(code, line) for code, name, line in run(tmp_path, privacy=PRIVACY, notice=with_rights)
             if name == "notice.yaml"]
    rights = line_of(with_rights, "  - type: rights")
    assert sorted(found) == sorted([("G08", rights + 1), ("G10", rights), ("G10", rights + 1),
                                    ("G11", line_of(with_rights, "{id: service"))])
