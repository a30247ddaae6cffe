"""Consumer family (R01-R10) on YAML snippets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .helpers import CHANGES, SITE, line_of, run

REFUND = """\
kind: refund
withdrawal:
  period: P14D
  contract: services
  model_form: true
  online_function: https://test.example/withdraw
  early_start: pro_rata
  termination_url: https://test.example/cancel
request:
  email: billing@test.example
windows:
  - within: P14D
    amount: full
  - amount: pro_rata
delays:
  - payment: any
    max: P14D
method: same_means
exclusions:
  - {en: redeemed gift cards, de: eingelöste Geschenkkarten}
""" + CHANGES
IMPRINT = "kind: imprint\nmediation: {name: Médiateur du e-commerce de la FEVAD, participates: false}\n"


def found(tmp_path: Path, refund: str, site: str = SITE, as_of: dt.date = dt.date(2026, 11, 22),
          **extra: str) -> list[tuple[str, int]]:
    return [(code, line) for code, _, line in run(tmp_path, as_of, site=site, refund=refund, **extra)
            if code.startswith("R")]


def test_complete_terms_pass(tmp_path: Path) -> None:
    everywhere = SITE.replace("jurisdictions: [EU]", "jurisdictions: [EU, DE, FR]")
    assert found(tmp_path, REFUND, everywhere, imprint=IMPRINT) == []


def test_r01_missing_or_short_withdrawal(tmp_path: Path) -> None:
    without = REFUND[: REFUND.index("withdrawal:")] + REFUND[REFUND.index("request:"):]
    assert ("R01", 1) in found(tmp_path, without)
    short = REFUND.replace("  period: P14D", "  period: PT48H")
    assert found(tmp_path, short) == [("R01", line_of(short, "  period:"))]


def test_r01_hint_names_every_field_the_withdrawal_needs(tmp_path: Path) -> None:
    """Following the hint does not lead from one error to the next (R03, R09, R14)."""
    from .helpers import diagnostics

    without = REFUND[: REFUND.index("withdrawal:")] + REFUND[REFUND.index("request:"):]
    french = SITE.replace("jurisdictions: [EU]", "jurisdictions: [EU, FR]")
    for site, termination in ((SITE, False), (french, True)):
        [hint] = [d.hint for d in diagnostics(tmp_path, site=site, refund=without) if d.code == "R01"]
        assert hint is not None and "period: P14D, contract: services (or goods), online_function:" in hint
        assert ("termination_url" in hint) is termination


def test_r02_model_form(tmp_path: Path) -> None:
    text = REFUND.replace("model_form: true", "model_form: false")
    assert found(tmp_path, text) == [("R02", line_of(text, "model_form"))]


def test_r03_online_withdrawal_from_june_2026(tmp_path: Path) -> None:
    text = REFUND.replace("  online_function: https://test.example/withdraw\n", "")
    assert found(tmp_path, text) == [("R03", line_of(text, "withdrawal:"))]
    assert found(tmp_path, text, as_of=dt.date(2026, 6, 18)) == []


def test_r04_refund_delay_and_method(tmp_path: Path) -> None:
    slow = REFUND.replace("    max: P14D", "    min: P20D\n    max: P31D\n    business_days: true")
    assert found(tmp_path, slow) == [("R04", line_of(slow, "max: P31D"))]
    credit = REFUND.replace("method: same_means", "method: store_credit")
    assert found(tmp_path, credit) == [("R04", line_of(credit, "method:"))]


def test_r05_early_start_pays_pro_rata(tmp_path: Path) -> None:
    text = REFUND.replace("early_start: pro_rata", "early_start: none")
    assert found(tmp_path, text) == [("R05", line_of(text, "early_start"))]


def test_r06_partial_refund_inside_the_period(tmp_path: Path) -> None:
    text = REFUND.replace("  - within: P14D\n    amount: full\n  - amount: pro_rata",
                          "  - within: PT48H\n    amount: full\n  - amount: partial")
    assert found(tmp_path, text) == [("R06", line_of(text, "amount: partial"))]


def test_r07_exclusions_without_the_statutory_right(tmp_path: Path) -> None:
    text = REFUND[: REFUND.index("withdrawal:")] + REFUND[REFUND.index("request:"):]
    assert ("R07", line_of(text, "exclusions:")) in found(tmp_path, text)


def test_r08_germany_and_r09_france(tmp_path: Path) -> None:
    text = REFUND.replace("  termination_url: https://test.example/cancel\n", "")
    germany = SITE.replace("jurisdictions: [EU]", "jurisdictions: [DE]")
    assert found(tmp_path / "de", text, germany, imprint=IMPRINT) == [("R08", line_of(text, "withdrawal:"))]
    france = SITE.replace("jurisdictions: [EU]", "jurisdictions: [FR]")
    assert found(tmp_path, text, france) == [("R09", 1), ("R09", line_of(text, "withdrawal:"))]
    assert found(tmp_path, REFUND, france, imprint=IMPRINT) == []


def test_r13_german_dispute_resolution(tmp_path: Path) -> None:
    germany = SITE.replace("jurisdictions: [EU]", "jurisdictions: [DE]")
    unstated = IMPRINT.replace(", participates: false}", "}")
    assert found(tmp_path / "none", REFUND, germany) == [("R13", 1)]  # no imprint: a warning at the site
    assert found(tmp_path, REFUND, germany, imprint=unstated) == [("R13", line_of(unstated, "mediation:"))]
    taking_part = IMPRINT.replace("participates: false", "participates: true")
    assert found(tmp_path, REFUND, germany, imprint=taking_part) == [("R13", line_of(taking_part, "mediation:"))]
    complete = IMPRINT.replace("participates: false", "participates: true, url: 'https://www.mediateurfevad.fr/', "
                                                      "address: {street: BP 20015, postal_code: '75362', city: Paris, "
                                                      "country: FR}")
    assert found(tmp_path, REFUND, germany, imprint=complete) == []
    assert found(tmp_path, REFUND, germany, imprint=IMPRINT) == []
    alone = "kind: imprint\nmediation: {participates: false}\n"  # no body needs naming to take part before none
    assert found(tmp_path, REFUND, germany, imprint=alone) == []
    unnamed = "kind: imprint\nmediation: {participates: true}\n"
    assert found(tmp_path, REFUND, germany, imprint=unnamed) == [("R13", line_of(unnamed, "mediation:"))]


def test_consumer_rules_skip_business_customers(tmp_path: Path) -> None:
    business = SITE.replace("jurisdictions: [EU]", "jurisdictions: [EU]\n  audience: businesses")
    without = REFUND[: REFUND.index("withdrawal:")] + REFUND[REFUND.index("request:"):]
    assert found(tmp_path, without, business) == []


@pytest.mark.parametrize(("delay", "flagged"), [
    ("max: P10D\n    business_days: true", False),   # at most 14 calendar days
    ("max: P11D\n    business_days: true", True),    # up to 17
    ("max: P12D\n    working_days: true", False),    # Monday to Saturday: at most 14
    ("max: P13D\n    working_days: true", True),
    ("max: P14D", False),
    ("max: P15D", True),
    ("max: P1M", True),
])
def test_r04_business_and_working_days_in_calendar_days(tmp_path: Path, delay: str, flagged: bool) -> None:
    text = REFUND.replace("max: P14D", delay)
    assert found(tmp_path, text) == ([("R04", line_of(text, "max:"))] if flagged else [])


def test_r04_refund_by_another_means(tmp_path: Path) -> None:
    transfer = REFUND.replace("method: same_means", "method: bank_transfer")
    assert found(tmp_path, transfer) == [("R04", line_of(transfer, "method:"))]


def test_r02_withdrawal_needs_the_company_address(tmp_path: Path) -> None:
    no_address = SITE.replace("  address: {street: Ringstraße 1, postal_code: \"1010\", city: Wien, country: AT}\n", "")
    assert no_address != SITE
    assert ("R02", line_of(no_address, "company:")) in found(tmp_path, REFUND, no_address)
    without_withdrawal = REFUND[: REFUND.index("withdrawal:")] + REFUND[REFUND.index("request:"):]
    assert "R02" not in {code for code, _ in found(tmp_path, without_withdrawal, no_address)}


@pytest.mark.parametrize(("conditions", "flagged"), [
    ("{express_consent: true, acknowledgement: true, confirmation: true}", False),
    ("{express_consent: true, acknowledgement: false, confirmation: true}", True),
    ("{express_consent: false, acknowledgement: false, confirmation: false}", True),
])
def test_r10_digital_content_lapse_needs_all_three_conditions(tmp_path: Path, conditions: str, flagged: bool) -> None:
    text = REFUND.replace("  early_start: pro_rata\n", f"  early_start: pro_rata\n  digital_content: {conditions}\n")
    assert found(tmp_path, text) == ([("R10", line_of(text, "digital_content"))] if flagged else [])


def test_r02_a_po_box_is_no_geographical_address(tmp_path: Path) -> None:
    box = SITE.replace("street: Ringstraße 1", "street: Postfach 12 34")
    assert found(tmp_path, REFUND, box) == [("R02", line_of(box, "address:"))]
