"""Imprint / legal notice: DE §5 DDG, FR LCEN art. 6 (I01-I02)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from legalgen import knowledge
from legalgen.check import Context, Finding, rule
from legalgen.diagnostics import Severity
from legalgen.source import model as m

J = m.Jurisdiction
_PO_BOX = re.compile(r"\b(postfach|p\.?\s*o\.?\s*box|boîte postale|bp\s+\d)", re.IGNORECASE)


def po_box(street: str) -> bool:
    """Whether a street line is a PO box (Postfach, P.O. Box, boîte postale, BP 123).

    >>> po_box("Postfach 12 34"), po_box("BP 4512"), po_box("Bahnhofstraße 1"), po_box("1 rue de la Boétie")
    (True, True, False, False)
    """
    return bool(_PO_BOX.search(street))


def _established_in(context: Context, country: str, jurisdiction: m.Jurisdiction) -> bool:
    """Whether the company is established in ``country`` (or a part of it with a code of its
    own, such as Réunion for France): by its address, else by the site's jurisdictions."""
    address = context.policy.company.address
    if address is None:
        return context.targets(jurisdiction)
    return knowledge.member_state(address.country) == country


@rule("I01", document="site", covers="company.address | company.legal_form | company.representatives | "
      "company.email | company.phone | company.contact_form | company.commercial_register | company.vat_id | imprint:kind",
      source="DE DDG §5", when=("the company is established in Germany", lambda c: _established_in(c, "DE", J.DE)))
def german_imprint(context: Context) -> Iterator[Finding]:
    """A provider established in Germany publishes a complete Impressum.

    Applies by the company's address, whatever jurisdictions the site lists; without an
    address, when the site lists DE.

    Why: §5 DDG: name, postal address (no PO box), legal form, representatives, e-mail and a
    second fast way of contact, commercial register and number, VAT ID, and the supervisory
    authority for licensed activities.

    Fails: a site targeting Germany without an imprint document, or a company without register.

    Passes: the imprint document and `company` with address, legal_form, representatives,
    email, phone or contact_form, commercial_register and vat_id.
    """
    if not _established_in(context, "DE", J.DE):
        return
    company = context.policy.company
    if "imprint" not in context.policy.documents:
        yield Finding("the site has no imprint", context.at("site"), hint="add imprint.yaml with kind: imprint")
    missing = [name for name, value in (
        ("address", company.address), ("legal_form", company.legal_form), ("representatives", company.representatives),
        ("email", company.email), ("phone or contact_form", company.phone or company.contact_form),
        ("commercial_register", company.commercial_register), ("vat_id", company.vat_id)) if not value]
    if missing:
        yield Finding(f"the imprint lacks {', '.join(missing)}", context.at("site", "company"),
                      hint="add them under company in site.yaml (phone or contact_form: a second fast way of contact)")
    if company.address is not None and po_box(company.address.street):
        yield Finding("the address is a PO box", context.at("site", "company", "address", "street"))


@rule("I02", document="site", covers="company.address | company.email | company.phone | "
      "company.commercial_register | company.share_capital | imprint:publication_director | imprint:hosting",
      source="FR LCEN art. 6 III-1 a-d, art. 19", severity=Severity.WARNING,
      when=("the company is established in France", lambda c: _established_in(c, "FR", J.FR)))
def french_legal_notice(context: Context) -> Iterator[Finding]:
    """A provider established in France publishes complete mentions légales.

    Applies by the company's address, whatever jurisdictions the site lists; without an
    address, when the site lists FR.

    Why: LCEN (loi n° 2004-575) art. 6 III-1: company name, registered office, phone, RCS
    number and share capital (b), the publication director (c), and the host's name, address
    and phone (d); art. 19 adds the e-mail address for whoever sells online.

    The registered office is a street address, not a PO box.

    Fails: a French company without `share_capital`, an imprint without `hosting`, or
    `address: {street: BP 123, ...}`.

    Passes: `company` with phone, commercial_register, share_capital, and an imprint with
    `publication_director` and `hosting` (with phone).
    """
    if not _established_in(context, "FR", J.FR):
        return
    company = context.policy.company
    imprint = context.policy.document("imprint")
    missing = [name for name, value in (
        ("address", company.address), ("email", company.email), ("phone", company.phone),
        ("commercial_register", company.commercial_register),
        ("share_capital", company.share_capital),
        ("publication_director", imprint.publication_director if imprint else None),
        ("hosting", imprint.hosting if imprint else None),
        ("hosting phone", imprint.hosting.phone if imprint and imprint.hosting else None)) if not value]
    if missing:
        yield Finding(f"the mentions légales lack {', '.join(missing)}", context.at("imprint" if imprint else "site"),
                      hint="company facts go under company in site.yaml; publication_director and hosting in imprint.yaml")
    if company.address is not None and po_box(company.address.street):
        yield Finding("the registered office is a PO box (boîte postale)",
                      context.at("site", "company", "address", "street"), hint="give the siège social")
