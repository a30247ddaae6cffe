"""Imprint / legal notice: DE §5 DDG, FR LCEN art. 6, the VAT Directive (I01-I03)."""

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


_VAT_SEPARATORS = re.compile(r"[\s.\-]")


def _vat_prefixes() -> frozenset[str]:
    """The prefixes of VAT identification numbers issued in the EU: each member state's
    country code, Greece's EL, and XI for Northern Ireland."""
    return frozenset({"EL" if code == "GR" else code for code in knowledge.eu()} | {"XI"})


def vat_id_as_issued(value: str) -> str | None:
    """How an EU VAT identification number is issued (its prefix and characters, nothing
    between them), or None for a value that is not one (another country's tax number).

    >>> vat_id_as_issued("DE 329 847 561"), vat_id_as_issued("fr 40 123456789"), vat_id_as_issued("CHE-123.456.789 MWST")
    ('DE329847561', 'FR40123456789', None)
    """
    compact = _VAT_SEPARATORS.sub("", value).upper()
    return compact if compact[:2] in _vat_prefixes() and re.fullmatch(r"[A-Z]{2}[0-9A-Z+*]{2,12}", compact) else None


@rule("I03", document="site", covers="company.vat_id", severity=Severity.WARNING,
      source="Directive 2006/112/EC Art. 215; DE DDG §5(1) Nr. 6")
def vat_id_written_as_issued(context: Context) -> Iterator[Finding]:
    """The VAT identification number is written as it was issued.

    Why: an EU VAT identification number is its country prefix and the number, nothing
    between them (Art. 215 of the VAT Directive); that is the form a reader checks in the
    Commission's VIES database and finds on invoices. Spaces, dots and dashes make another
    string that a search does not find.

    Fails: `vat_id: DE 329 847 561` or `vat_id: de329847561`.

    Passes: `vat_id: DE329847561`; a number of a country outside the EU in its own form
    (`CHE-123.456.789 MWST`).
    """
    value = context.policy.company.vat_id
    issued = vat_id_as_issued(value) if value else None
    if issued is not None and issued != value:
        yield Finding(f"the VAT identification number is written {value!r}; it is issued as {issued}, without spaces "
                      "or dots", context.at("site", "company", "vat_id"), hint=f"write `vat_id: {issued}`")
