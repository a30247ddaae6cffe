"""What a privacy notice must state: GDPR Art. 8, 12-14, 21, 33/34 (REQUIREMENTS.md G01-G21)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from legalgen import knowledge
from legalgen.check import Context, Finding, rule
from legalgen.diagnostics import Severity
from legalgen.source import model as m
from legalgen.source.periods import Period
from legalgen.source.reader import NodePath

#: Minimum age of digital consent by jurisdiction (Art. 8(1); DE 16, FR 15).
CONSENT_AGE = {m.Jurisdiction.EU: 16, m.Jurisdiction.DE: 16, m.Jurisdiction.FR: 15}
#: "As long as necessary", which names no criterion, per language.
VAGUE_RETENTION = {
    "en": r"\bas long as (it is |is |they are |we )?(necessary|needed|required|need)\b",
    "de": r"\bso ?lange,? (wie |als )?(es |sie |wir )?(nötig|notwendig|erforderlich|benötig\w*)\b",
    "fr": r"\b(aussi longtemps que|tant que|le temps) (nécessaire|requis|utile)\b",
}
STATUTORY_RIGHTS = (m.Right.ACCESS, m.Right.RECTIFICATION, m.Right.ERASURE, m.Right.RESTRICTION,
                    m.Right.OBJECTION, m.Right.PORTABILITY)


def _privacy(context: Context) -> m.PrivacyDocument:
    document = context.policy.document("privacy")
    assert isinstance(document, m.PrivacyDocument)
    return document


def _listed(context: Context, field: str) -> Iterator[tuple[str, NodePath, Any]]:
    """Every item of the privacy notice's list ``field`` (purposes, recipients) and of the block of
    the same name in custom documents, with the document's key and the item's path."""
    privacy = context.policy.document("privacy")
    if isinstance(privacy, m.PrivacyDocument):
        for index, item in enumerate(getattr(privacy, field)):
            yield "privacy", (field, index), item
    for key, path, block in context.blocks(field):
        for index, item in enumerate(getattr(block, field)):
            yield key, (*path, field, index), item


def _purposes(context: Context) -> Iterator[tuple[str, NodePath, m.Purpose]]:
    return _listed(context, "purposes")


def _privacy_or_none(context: Context) -> m.PrivacyDocument | None:
    document = context.policy.document("privacy")
    return document if isinstance(document, m.PrivacyDocument) else None


def any_basis(*bases: m.LegalBasis, marketing: bool = False) -> Callable[[Context], bool]:
    """Whether a purpose (of the notice or a custom document) rests on one of ``bases``
    (or, with ``marketing``, serves direct marketing)."""
    def test(context: Context) -> bool:
        return any(p.legal_basis in bases or (marketing and p.type is m.PurposeType.DIRECT_MARKETING)
                   for _, _, p in _purposes(context))
    return test


def stated(field: str) -> Callable[[Context], bool]:
    """Whether the privacy notice states ``field`` (a non-empty value)."""
    return lambda context: bool(getattr(_privacy_or_none(context), field, None))


def _from_others(context: Context) -> bool:
    privacy = _privacy_or_none(context)
    return privacy is not None and any(c.source in (m.DataSource.THIRD_PARTY, m.DataSource.PUBLIC)
                                       for c in privacy.data_categories)


def _recipients(context: Context) -> Iterator[tuple[str, NodePath, m.Recipient]]:
    return _listed(context, "recipients")


@rule("G01", document="privacy", covers="site:company.address | site:company.email | site:company.phone | "
      "site:company.contact_form | representative", source="GDPR Art. 13(1)(a), 14(1)(a), 27")
def controller_identity(context: Context) -> Iterator[Finding]:
    """The notice names the controller with a postal address, a contact and any EU representative.

    Why: people must know who is responsible and how to reach them (Art. 13(1)(a)); a
    controller outside the Union that targets people in it must name its EU representative
    (Art. 27).

    Fails: `company: {name: IPTV Smarters, email: contact@iptvsmarters.io}` (no address).

    A representative is named and reachable (an address, e-mail, phone or web address); one
    named by a controller established in the EEA is reported as a warning, since Art. 27 asks
    for one only outside the Union.

    Passes: the company with `address`, and `representative` when the address is outside the EEA.
    """
    company = context.policy.company
    representative = _privacy(context).representative
    if representative is not None:
        where = context.at("privacy", "representative")
        if not representative.name:
            yield Finding("the EU representative is not named", where, hint="add representative.name")
        if not representative.reachable:
            yield Finding("the EU representative has no contact details", where,
                          hint="add the representative's address and e-mail")
        if company.address is not None and company.address.country in knowledge.eea():
            yield Finding(f"the controller is established in {company.address.country}, in the EEA, yet names an "
                          "Art. 27 representative, which only a controller outside the Union has", where,
                          severity=Severity.WARNING, hint="remove representative, or correct company.address")
    if not (company.email or company.phone or company.contact_form):
        yield Finding("the notice gives no way to contact the controller (e-mail, phone or contact form)",
                      context.at("site", "company"), hint="add company.email")
    if company.address is None:
        yield Finding("the controller has no postal address", context.at("site", "company"),
                      hint="add company.address with street, postal_code, city and country")
    elif company.address.country not in knowledge.eea() and _privacy(context).representative is None:
        yield Finding(f"the controller is established in {company.address.country}, outside the EEA, and names "
                      "no EU representative", context.at("privacy"), hint="add `representative` (Art. 27)")


@rule("G02", document="privacy", covers="dpo", source="GDPR Art. 13(1)(b)",
      when=("a data protection officer is appointed (dpo)", stated("dpo")))
def dpo_contact(context: Context) -> Iterator[Finding]:
    """An appointed data protection officer has contact details.

    Why: where a DPO is appointed, the notice gives their contact details (Art. 13(1)(b)).

    Fails: `dpo: {name: Dr. Brandt}`.

    Passes: `dpo: {name: Dr. Brandt, email: privacy@example.com}`.
    """
    dpo = _privacy(context).dpo
    if dpo is not None and not dpo.reachable:
        yield Finding("the data protection officer has no contact details", context.at("privacy", "dpo"),
                      hint="add an e-mail address, phone, postal address or web form")


@rule("G03", document="privacy", covers="purposes[].legal_basis", source="GDPR Art. 13(1)(c)", block="purposes")
def legal_basis(context: Context) -> Iterator[Finding]:
    """Every purpose states its legal basis under Art. 6(1)(a)-(f), also in a custom document's purposes block.

    Why: the notice must state the purposes of processing together with the legal basis for
    each (Art. 13(1)(c)).

    Fails: a purpose `service` with `data: [account]` and no `legal_basis`.

    Passes: the same purpose with `legal_basis: contract`.
    """
    for part, path, purpose in _purposes(context):
        if purpose.legal_basis is None:
            yield Finding(f"purpose {purpose.id!r} has no legal basis", context.at(part, *path),
                          hint="add legal_basis: consent, contract, legal_obligation, vital_interests, "
                               "public_task or legitimate_interests")


@rule("G04", document="privacy", covers="purposes[].legitimate_interest", source="GDPR Art. 13(1)(d)",
      block="purposes", when=("a purpose rests on legitimate interests or states one",
                              lambda c: any_basis(m.LegalBasis.LEGITIMATE_INTERESTS)(c) or
                              any(p.legitimate_interest for _, _, p in _purposes(c))))
def legitimate_interest(context: Context) -> Iterator[Finding]:
    """A purpose based on legitimate interests states the interest pursued, also in a custom document.

    Why: where processing rests on Art. 6(1)(f), the notice names the legitimate interests
    of the controller or a third party (Art. 13(1)(d)).

    Fails: `legal_basis: legitimate_interests` without `legitimate_interest`.

    Passes: `legitimate_interest: {en: protecting customers against payment fraud, ...}`. A
    legitimate interest stated for a purpose on another basis is reported too, and not shown.
    """
    for part, path, purpose in _purposes(context):
        if purpose.legal_basis is m.LegalBasis.LEGITIMATE_INTERESTS and purpose.legitimate_interest is None:
            yield Finding(f"purpose {purpose.id!r} relies on legitimate interests but does not say which",
                          context.at(part, *path, "legal_basis"), hint="add legitimate_interest")
        elif purpose.legitimate_interest is not None and purpose.legal_basis is not m.LegalBasis.LEGITIMATE_INTERESTS:
            basis = purpose.legal_basis.value if purpose.legal_basis else "no legal basis"
            yield Finding(f"purpose {purpose.id!r} states a legitimate interest but rests on {basis}; the page leaves "
                          "the interest out rather than name two legal bases",
                          context.at(part, *path, "legitimate_interest"),
                          hint="remove legitimate_interest, or set legal_basis: legitimate_interests")


@rule("G05", document="privacy", covers="recipients", source="GDPR Art. 13(1)(e)", severity=Severity.WARNING)
def recipients(context: Context) -> Iterator[Finding]:
    """The notice names the recipients or categories of recipients of the data.

    Why: people must learn who receives their data (Art. 13(1)(e)). Nearly every online
    service uses a host and a payment provider; a notice without recipients is rarely true.

    Fails: a privacy document without `recipients`.

    Passes: `recipients: [{id: host, name: Hetzner Online GmbH, role: processor, category: hosting, country: DE}]`.
    """
    if not _privacy(context).recipients:
        yield Finding("the notice names no recipients", context.at("privacy"),
                      hint="list processors and other recipients, or at least their categories")


#: Safeguards a copy of which people can obtain (Art. 13(1)(f): "the means by which to obtain a copy").
_COPIED = {m.Safeguard.SCC, m.Safeguard.BCR}


@rule("G06", document="privacy", covers="recipients[].country | recipients[].transfer | transfers",
      source="GDPR Art. 13(1)(f)", block="recipients")
def transfers(context: Context) -> Iterator[Finding]:
    """Transfers outside the EEA state their safeguard and how to get a copy, also in a custom document.

    Why: the notice must say whether data goes to a third country, on which ground (adequacy
    decision, standard contractual clauses, binding corporate rules, Art. 49) and how to obtain
    a copy of the safeguard (Art. 13(1)(f)). A recipient whose country is not stated leaves
    this open, which is reported as a warning.

    A transfer safeguard for a recipient in the EEA, or an EEA state among the third countries
    of `transfers`, contradicts the source's own facts: the page leaves it out (it never calls
    an EEA state a third country), and the rule reports it.

    Fails: `{id: crm, name: CRM Inc., role: processor, category: it_services, country: US}`;
    `{id: host, ..., country: IE, transfer: {safeguard: scc}}`; standard contractual clauses or
    binding corporate rules, for a recipient (whether or not its country is stated) or in
    `transfers`, without `obtain_copy`.

    Passes: the first with `transfer: {safeguard: scc, obtain_copy: {en: ask our DPO, ...}}`.
    """
    eea = knowledge.eea()
    for part, path, recipient in _recipients(context):
        where = context.at(part, *path)
        name = recipient.name or recipient.id
        if recipient.country in eea and recipient.transfer is not None:
            yield Finding(f"recipient {name!r} is in {recipient.country}, in the EEA, yet has a transfer safeguard; "
                          "the notice does not show it as a transfer to a third country",
                          context.at(part, *path, "transfer"),
                          hint="remove transfer, or correct the recipient's country")
        if recipient.country is None:
            if recipient.name is not None:
                yield Finding(f"recipient {name!r} does not state its country", where, severity=Severity.WARNING,
                              hint="add country (ISO code); outside the EEA also transfer")
        elif recipient.country not in eea and recipient.transfer is None:
            yield Finding(f"recipient {name!r} is in {recipient.country}, a third country, without a transfer "
                          "safeguard", where, hint="add transfer: {safeguard: adequacy | scc | bcr | derogation}")
        if recipient.country not in eea and recipient.transfer is not None and \
                recipient.transfer.safeguard in _COPIED and recipient.transfer.obtain_copy is None:
            yield Finding(f"recipient {name!r}: the notice does not say how to obtain a copy of the safeguard",
                          context.at(part, *path, "transfer"), hint="add transfer.obtain_copy")
    privacy = _privacy_or_none(context)
    holders: list[tuple[str, NodePath, Any]] = [("privacy", (), privacy)] if privacy is not None else []
    for part, path, holder in [*holders, *context.blocks("recipients")]:
        for index, transfer in enumerate(holder.transfers):
            if set(transfer.safeguards) & _COPIED and transfer.obtain_copy is None:
                yield Finding("transfers to third countries rest on "
                              f"{' and '.join(s.value for s in transfer.safeguards if s in _COPIED)}, but the notice "
                              "does not say how to obtain a copy", context.at(part, *path, "transfers", index),
                              hint="add obtain_copy")
            for number, country in enumerate(transfer.countries):
                if country in eea:
                    yield Finding(f"{country} is in the EEA, yet listed among the third countries data is "
                                  "transferred to; the notice leaves it out",
                                  context.at(part, *path, "transfers", index, "countries", number),
                                  hint=f"remove {country} from countries")


@rule("G07", document="privacy", covers="purposes[].retention", source="GDPR Art. 13(2)(a)", block="purposes")
def retention(context: Context) -> Iterator[Finding]:
    """Every purpose states how long its data is kept, or the criteria for it, also in a custom document.

    Why: the storage period, or if that is not possible the criteria used to determine it,
    is part of every notice (Art. 13(2)(a)). "As long as necessary" is not a criterion: it
    says nothing a reader can check (WP260 rev.01, par. 34), so criteria without a period
    that say only that are reported as a warning, in English, German and French.

    Fails: a purpose without `retention`; `retention: {criteria: {en: as long as necessary}}`.

    Passes: `retention: {period: P30D, after: account_closure}` or criteria naming the event or law
    that ends the storage. The event a period runs from (`after`) is shown only with the
    period; without one it is reported as a warning.
    """
    for part, path, purpose in _purposes(context):
        if purpose.retention is None:
            yield Finding(f"purpose {purpose.id!r} states no storage period", context.at(part, *path),
                          hint="add retention with an ISO 8601 period or criteria")
            continue
        if purpose.retention.after is not None and purpose.retention.period is None:
            yield Finding(f"purpose {purpose.id!r}: retention names the event a period runs from "
                          f"({purpose.retention.after.value}) but no period, so the page does not show it",
                          context.at(part, *path, "retention", "after"), severity=Severity.WARNING,
                          hint="add the period, or remove `after` (the criteria say how long the data is kept)")
        if purpose.retention.period is None and purpose.retention.criteria is not None:
            for locale, text in purpose.retention.criteria.root.items():
                if re.search(VAGUE_RETENTION[locale], text, re.IGNORECASE) and not re.search(r"\d|§|Art\.", text):
                    yield Finding(f"purpose {purpose.id!r}: the storage criteria ({locale}) say only 'as long as "
                                  "necessary'", context.at(part, *path, "retention", "criteria", locale),
                                  severity=Severity.WARNING,
                                  hint="name the period, or the event or legal duty that ends the storage")
                    break


def _rights(context: Context) -> Iterator[tuple[str, NodePath, m.RightsExercise | None, m.Authority | None]]:
    """Where people read their rights: the privacy notice, and each custom document that
    describes processing (a purposes block) or lists rights (a rights block), once per rights
    block (with the block's path) or once without any; with the rights and the authority named."""
    privacy = _privacy_or_none(context)
    if privacy is not None:
        yield "privacy", (), privacy.rights, privacy.supervisory_authority
    for key, document in context.policy.documents.items():
        if not isinstance(document, m.CustomDocument):
            continue
        blocks = [(("blocks", index), block) for index, block in enumerate(document.blocks) if block.type == "rights"]
        if not blocks and any(block.type == "purposes" for block in document.blocks):
            yield key, (), None, None
        for path, block in blocks:
            yield key, path, block.rights, block.supervisory_authority


@rule("G08", document="privacy", covers="rights.granted", source="GDPR Art. 13(2)(b)", block="purposes")
def statutory_rights(context: Context) -> Iterator[Finding]:
    """The notice lists the rights of access, rectification, erasure, restriction, objection and portability.

    Why: Art. 13(2)(b) requires informing people of each of these rights, also in a custom
    document that describes processing (a purposes block) or lists rights (a rights block).

    Fails: `rights: {granted: [access, rectification, erasure, objection, portability]}` (no restriction).

    Passes: all six rights in `rights.granted`.
    """
    for key, path, rights, _ in _rights(context):
        if rights is None and key == "privacy":
            yield Finding("the notice does not list the data subject's rights", context.at(key),
                          hint="add rights: {granted: [...], email: ...}")
            continue
        if rights is None:
            yield Finding("the document describes processing (a purposes block) but lists no rights",
                          context.at(key), hint="add a block of type rights with granted: [...]")
            continue
        missing = [right.value for right in STATUTORY_RIGHTS if right not in rights.granted]
        if missing:
            yield Finding(f"rights not stated: {', '.join(missing)}", context.at(key, *path, "rights", "granted"))


@rule("G09", document="privacy", covers="rights.granted", source="GDPR Art. 13(2)(c), 7(3)",
      when=("a purpose rests on consent", any_basis(m.LegalBasis.CONSENT)))
def withdraw_consent(context: Context) -> Iterator[Finding]:
    """Where processing rests on consent, the notice states that consent can be withdrawn at any time.

    Why: Art. 13(2)(c) and 7(3): consent can be withdrawn at any time, as easily as it was given.

    Fails: a purpose with `legal_basis: consent` and no `withdraw_consent` in `rights.granted`.

    Passes: `rights: {granted: [..., withdraw_consent]}`.
    """
    document = _privacy(context)
    consent = [p.id for p in document.purposes if p.legal_basis is m.LegalBasis.CONSENT]
    if consent and (document.rights is None or m.Right.WITHDRAW_CONSENT not in document.rights.granted):
        yield Finding(f"purposes {', '.join(consent)} rely on consent but withdrawing it is not stated",
                      context.at("privacy", "rights"), hint="add withdraw_consent to rights.granted")


@rule("G10", document="privacy", covers="rights.granted | supervisory_authority", source="GDPR Art. 13(2)(d), 77",
      block="purposes")
def complaint(context: Context) -> Iterator[Finding]:
    """The notice states the right to complain to a supervisory authority and names it.

    Why: Art. 13(2)(d) and 77, also in a custom document's rights block. In Germany the
    authority is the one of the Land of establishment; in France the CNIL.

    Fails: no `complaint` in `rights.granted`, or no `supervisory_authority`.

    Passes: `complaint` granted and `supervisory_authority: {name: CNIL, url: https://www.cnil.fr/}`.
    """
    for key, path, rights, authority in _rights(context):
        if rights is None and key != "privacy":
            continue  # G08 asks for the rights block first
        if rights is None or m.Right.COMPLAINT not in rights.granted:
            yield Finding("the right to lodge a complaint with a supervisory authority is not stated",
                          context.at(key, *path, "rights"), hint="add complaint to rights.granted")
        if authority is None:
            address = context.policy.company.address
            competent = knowledge.competent(address.country, address.region, address.city) if address else None
            named = f": for a company in {address.city} that is the {competent.name}" if address and competent else ""
            yield Finding("no supervisory authority is named", context.at(key, *path),
                          hint=f"add supervisory_authority with its name and address{named}")


@rule("G11", document="privacy", covers="purposes[].requirement", source="GDPR Art. 13(2)(e)", block="purposes")
def requirement(context: Context) -> Iterator[Finding]:
    """Every purpose says whether providing the data is required, and what happens if it is not.

    Why: Art. 13(2)(e): whether the data is a statutory or contractual requirement or needed
    to enter a contract, whether people must provide it, and the consequences of not doing so;
    also in a custom document's purposes block.

    Fails: a purpose without `requirement`.

    Passes: `requirement: {provision: contract_precondition, consequences: {en: we cannot open an account, ...}}`.
    """
    for part, path, purpose in _purposes(context):
        if purpose.requirement is None:
            yield Finding(f"purpose {purpose.id!r} does not say whether the data must be provided",
                          context.at(part, *path), hint="add requirement: {provision: ...}")
        elif purpose.requirement.provision is not m.Provision.VOLUNTARY and purpose.requirement.consequences is None:
            yield Finding(f"purpose {purpose.id!r} does not say what happens if the data is not provided",
                          context.at(part, *path, "requirement"), severity=Severity.WARNING)


@rule("G12", document="privacy", covers="automated_decisions[] | rights.granted", source="GDPR Art. 13(2)(f), 22",
      when=("automated decisions are described (automated_decisions)", stated("automated_decisions")))
def automated_decisions(context: Context) -> Iterator[Finding]:
    """Automated decision-making is explained together with the rights that come with it.

    Why: Art. 13(2)(f) requires meaningful information about the logic involved, its
    significance and envisaged consequences; Art. 22(3) gives the right to human review.

    Fails: `automated_decisions: [...]` without `automated_decisions` in `rights.granted`.

    Passes: the decision with `logic` and `significance`, and the right granted.
    """
    document = _privacy(context)
    if document.automated_decisions and (document.rights is None or
                                         m.Right.AUTOMATED_DECISIONS not in document.rights.granted):
        yield Finding("automated decisions are described but the related rights are not stated",
                      context.at("privacy", "automated_decisions"), hint="add automated_decisions to rights.granted")


@rule("G14", document="privacy", covers="data_categories[].details | data_categories[].label",
      source="GDPR Art. 14(1)(d)", when=("data comes from third parties or public sources", _from_others))
def indirect_categories(context: Context) -> Iterator[Finding]:
    """Data obtained from others is described by category, so people know what it is.

    Why: where data is not obtained from the data subject, the notice states the categories
    of personal data concerned (Art. 14(1)(d)).

    Fails: `{id: signals, type: identifiers, source: third_party}`.

    Passes: the same category with `details: {en: risk scores from our payment provider, ...}`.
    """
    for index, category in enumerate(_privacy(context).data_categories):
        if category.source in (m.DataSource.THIRD_PARTY, m.DataSource.PUBLIC) and category.details is None \
                and category.label is None:
            yield Finding(f"data category {category.id!r} comes from others but is not described",
                          context.at("privacy", "data_categories", index), hint="add details or a label")


@rule("G15", document="privacy", covers="data_categories[].source_details", source="GDPR Art. 14(2)(f)",
      when=("data comes from third parties or public sources", _from_others))
def indirect_sources(context: Context) -> Iterator[Finding]:
    """Data obtained from others names its source.

    Why: Art. 14(2)(f): from which source the data originates, and whether from public sources.

    Fails: `{id: signals, label: {...}, source: third_party}`.

    Passes: the same with `source_details: {en: our payment provider Stripe, ...}`.
    """
    for index, category in enumerate(_privacy(context).data_categories):
        if category.source is m.DataSource.THIRD_PARTY and category.source_details is None:
            yield Finding(f"data category {category.id!r} comes from third parties that are not named",
                          context.at("privacy", "data_categories", index, "source"), hint="add source_details")


@rule("G17", document="privacy", covers="rights.granted", source="GDPR Art. 21(4)",
      when=("a purpose rests on legitimate interests or a public task, or serves direct marketing",
            any_basis(m.LegalBasis.LEGITIMATE_INTERESTS, m.LegalBasis.PUBLIC_TASK, marketing=True)))
def right_to_object(context: Context) -> Iterator[Finding]:
    """The right to object is stated where processing rests on legitimate interests or public tasks, or serves direct marketing.

    Why: Art. 21(4): the right to object must be brought to attention explicitly and
    separately from other information; legalgen shows it in its own box when granted.

    Fails: a purpose with `legal_basis: legitimate_interests` and no `objection` right.

    Passes: `objection` in `rights.granted`.
    """
    document = _privacy(context)
    triggers = [p.id for p in document.purposes
                if p.legal_basis in (m.LegalBasis.LEGITIMATE_INTERESTS, m.LegalBasis.PUBLIC_TASK)
                or p.type is m.PurposeType.DIRECT_MARKETING]
    if triggers and (document.rights is None or m.Right.OBJECTION not in document.rights.granted):
        yield Finding(f"purposes {', '.join(triggers)} call for the right to object, which is not stated",
                      context.at("privacy", "rights"), hint="add objection to rights.granted")


@rule("G19", document="privacy", covers="rights.response_time", source="GDPR Art. 12(3)")
def response_time(context: Context) -> Iterator[Finding]:
    """Requests are answered within one month.

    Why: Art. 12(3): without undue delay and in any event within one month, extendable by
    two further months for complex or numerous requests.

    Fails: `rights: {response_time: P6W}`.

    Passes: `rights: {response_time: P1M}`, or no `response_time` (the page then states
    none, and the law's month applies).
    """
    rights = _privacy(context).rights
    if rights is not None and rights.response_time is not None and rights.response_time > Period(months=1):
        yield Finding(f"requests are answered within {rights.response_time}, more than one month",
                      context.at("privacy", "rights", "response_time"), hint="use P1M or less")


@rule("G20", document="privacy", covers="children.minimum_age", source="GDPR Art. 8(1)",
      when=("a purpose rests on consent", any_basis(m.LegalBasis.CONSENT)))
def consent_age(context: Context) -> Iterator[Finding]:
    """A service relying on consent states a minimum age no lower than the age of digital consent.

    Why: Art. 8(1): a child's consent is valid from 16, or a lower age a member state sets
    (Germany 16, France 15). Below that, a parent must consent.

    Fails: `children: {minimum_age: 13}` on a site targeting Germany with a consent purpose.

    Passes: `children: {minimum_age: 16}`.
    """
    document = _privacy(context)
    if not any(p.legal_basis is m.LegalBasis.CONSENT for p in document.purposes):
        return
    required = max(CONSENT_AGE[j] for j in context.policy.site.jurisdictions)
    if document.children is None:
        yield Finding("processing relies on consent, but the notice states no minimum age", context.at("privacy"),
                      severity=Severity.WARNING, hint=f"add children: {{minimum_age: {required}}}")
    elif document.children.minimum_age < required:
        yield Finding(f"minimum age {document.children.minimum_age} is below the age of digital consent "
                      f"({required}) in the targeted jurisdictions", context.at("privacy", "children", "minimum_age"))


@rule("G21", document="privacy", covers="breach", source="GDPR Art. 33, 34",
      when=("the notice has a breach section (breach)", stated("breach")))
def breach(context: Context) -> Iterator[Finding]:
    """A breach section commits to notifying the authority within 72 hours.

    Why: Art. 33: notify the supervisory authority without undue delay and where feasible
    within 72 hours; Art. 34: tell people without undue delay when the risk is high.

    Fails: `breach: {authority_within: P5D}`.

    Passes: `breach: {authority_within: PT72H, notify_data_subjects: true}`.
    """
    section = _privacy(context).breach
    if section is not None and section.authority_within is None:
        yield Finding("the breach section does not say when the supervisory authority is notified",
                      context.at("privacy", "breach"), hint="add authority_within: PT72H")
    elif section is not None and section.authority_within is not None and section.authority_within > Period(hours=72):
        yield Finding(f"the authority is notified within {section.authority_within}, later than 72 hours",
                      context.at("privacy", "breach", "authority_within"))
    if section is not None and not section.notify_data_subjects:
        yield Finding("the breach section does not commit to informing people of high-risk breaches",
                      context.at("privacy", "breach", "notify_data_subjects"))
