"""Plausibility and coherence: facts checked against what legalgen knows, and against each other (P01-P10).

The other families check that the source states what the law asks for. These rules check that
what it states can be true: a representative in the Union, an adequacy decision that exists,
the authority that is competent, a tracker used as its provider documents it, and legal bases
that fit together. The facts they compare with are in :mod:`legalgen.knowledge`, each with its
source; a finding names the entry it relies on.
"""

from __future__ import annotations

from collections.abc import Iterator

from legalgen import knowledge
from legalgen.check import Context, Finding, rule
from legalgen.check.cookies import consent_trackers
from legalgen.check.gdpr import _purposes, _recipients, _rights, any_basis, stated
from legalgen.diagnostics import Severity
from legalgen.source import model as m

J = m.Jurisdiction
#: Art. 9(1) categories by their wording in findings.
_SPECIAL = {c: c.value.replace("_", " ") for c in m.SpecialCategory}
#: Purposes whose trackers need consent in every member state.
_TRACKING = {m.PurposeType.ANALYTICS: m.TrackerPurpose.ANALYTICS,
             m.PurposeType.DIRECT_MARKETING: m.TrackerPurpose.MARKETING,
             m.PurposeType.PERSONALISATION: m.TrackerPurpose.PREFERENCES}


def _adequacy_claimed(context: Context) -> bool:
    return any(r.transfer is not None and r.transfer.safeguard is m.Safeguard.ADEQUACY
               for _, _, r in _recipients(context)) or any(
        m.Safeguard.ADEQUACY in t.safeguards for _, _, t in _transfers(context))


def _transfers(context: Context) -> Iterator[tuple[str, tuple[str | int, ...], m.NoticeTransfer]]:
    """The transfers stated for a whole notice or recipients block."""
    privacy = context.policy.document("privacy")
    if isinstance(privacy, m.PrivacyDocument):
        for index, transfer in enumerate(privacy.transfers):
            yield "privacy", ("transfers", index), transfer
    for key, path, block in context.blocks("recipients"):
        for index, transfer in enumerate(block.transfers):
            yield key, (*path, "transfers", index), transfer


def _locatable(context: Context) -> bool:
    address = context.policy.company.address
    return address is not None and address.country in knowledge.eea() and any(True for _ in _authorities(context))


def _authorities(context: Context) -> Iterator[tuple[str, tuple[str | int, ...], m.Authority]]:
    """Every supervisory authority named (see :func:`~legalgen.check.gdpr._rights`), with its path."""
    for key, path, _, authority in _rights(context):
        if authority is not None:
            yield key, (*path, "supervisory_authority"), authority


def _categories(context: Context) -> dict[str, m.SpecialCategory]:
    found: dict[str, m.SpecialCategory] = {}
    privacy = context.policy.document("privacy")
    categories = list(privacy.data_categories) if isinstance(privacy, m.PrivacyDocument) else []
    for _, _, block in context.blocks("data"):
        categories += block.categories
    for category in categories:
        if category.special_category is not None:
            found[category.id] = category.special_category
    return found


def _adequacy_source(decision: knowledge.Adequacy) -> str:
    return f"{decision.source} of {decision.date.isoformat()}"


@rule("P01", document="privacy", covers="representative.address.country", source="GDPR Art. 27(1), (3)",
      when=("an EU representative is named (representative)", stated("representative")))
def representative_in_union(context: Context) -> Iterator[Finding]:
    """The EU representative is established in the Union.

    Why: a controller outside the Union designates in writing a representative established in
    one of the member states where the people whose data it processes are (Art. 27(1), (3)). A
    representative with an address outside the EEA is none.

    Fails: `representative: {name: EU Rep LLC, address: {..., country: US}}`.

    Passes: `representative: {name: EU Rep GmbH, address: {..., country: DE}}`.
    """
    privacy = context.policy.document("privacy")
    if not isinstance(privacy, m.PrivacyDocument) or privacy.representative is None:
        return
    address = privacy.representative.address
    if address is not None and address.country not in knowledge.eea():
        yield Finding(f"the EU representative's address is in {address.country}, outside the EU and the EEA",
                      context.at("privacy", "representative", "address", "country"),
                      hint="name a representative established in a member state where your users are")


@rule("P02", document="privacy", covers="recipients[].transfer.safeguard | transfers[].safeguards",
      source="GDPR Art. 45(1), (3)", block="recipients",
      when=("a transfer rests on an adequacy decision", _adequacy_claimed))
def adequacy_exists(context: Context) -> Iterator[Finding]:
    """A transfer said to rest on an adequacy decision goes to a country that has one.

    Why: only the Commission decides that a third country ensures an adequate level of
    protection (Art. 45(3)); legalgen's list of decisions, with their dates and references,
    is `legalgen/knowledge/adequacy.yaml`. A notice that claims one for a country without it
    misstates the legal ground of the transfer, and the page would repeat the claim.

    Fails: `{country: CN, transfer: {safeguard: adequacy}}`; `transfers: [{countries: [IN], safeguards: [adequacy]}]`.

    Passes: `{country: CH, transfer: {safeguard: adequacy}}`, or CN with `safeguard: scc`.
    """
    for part, path, recipient in _recipients(context):
        transfer = recipient.transfer
        if transfer is None or transfer.safeguard is not m.Safeguard.ADEQUACY or recipient.country is None:
            continue
        if recipient.country in knowledge.eea():
            continue
        if knowledge.adequacy(recipient.country, context.as_of) is None:
            yield Finding(f"recipient {recipient.name or recipient.id!r}: {recipient.country} has no adequacy decision "
                          "of the European Commission", context.at(part, *path, "transfer", "safeguard"),
                          hint="state the safeguard actually used, e.g. scc, with how to obtain a copy")
    for part, path, notice_transfer in _transfers(context):
        if notice_transfer.safeguards != [m.Safeguard.ADEQUACY]:
            continue
        lacking = [c for c in notice_transfer.countries
                   if c not in knowledge.eea() and knowledge.adequacy(c, context.as_of) is None]
        if lacking:
            yield Finding(f"transfers to {', '.join(lacking)} are said to rest on an adequacy decision, which "
                          f"{'it does' if len(lacking) == 1 else 'they do'} not have",
                          context.at(part, *path, "safeguards"), hint="add the safeguard actually used")


@rule("P03", document="privacy", covers="recipients[].transfer.certification",
      source="GDPR Art. 45; Commission Implementing Decision (EU) 2023/1795", block="recipients",
      when=("a transfer rests on an adequacy decision", _adequacy_claimed))
def certified_recipient(context: Context) -> Iterator[Finding]:
    """A US recipient relies on the adequacy decision only when it is certified under the Data Privacy Framework.

    Why: the EU-US adequacy decision of 10 July 2023 covers only organisations certified under
    the EU-U.S. Data Privacy Framework. For any other US recipient, the transfer needs another
    safeguard (SCC, BCR).

    A notice-wide `transfers` entry for the US on adequacy alone is a warning: it cannot say
    which recipients are certified.

    Fails: `{country: US, transfer: {safeguard: adequacy}}`.

    Passes: `{country: US, transfer: {safeguard: adequacy, certification: dpf}}`, or `safeguard: scc`.
    """
    for part, path, recipient in _recipients(context):
        transfer = recipient.transfer
        if transfer is None or transfer.safeguard is not m.Safeguard.ADEQUACY or recipient.country is None:
            continue
        decision = knowledge.adequacy(recipient.country, context.as_of)
        if decision is not None and decision.certified_only and transfer.certification is None:
            yield Finding(f"recipient {recipient.name or recipient.id!r}: the adequacy decision for "
                          f"{recipient.country} ({_adequacy_source(decision)}) covers only organisations certified "
                          f"under the {decision.framework}", context.at(part, *path, "transfer"),
                          hint="add certification: dpf if the recipient is certified, otherwise use safeguard: scc")
    for part, path, notice_transfer in _transfers(context):
        if notice_transfer.safeguards != [m.Safeguard.ADEQUACY]:
            continue
        for country in notice_transfer.countries:
            decision = knowledge.adequacy(country, context.as_of)
            if decision is not None and decision.certified_only:
                yield Finding(f"transfers to {country} are said to rest on the adequacy decision, which covers only "
                              f"organisations certified under the {decision.framework}; the notice names none",
                              context.at(part, *path, "safeguards"), severity=Severity.WARNING,
                              hint="name the certified recipients with certification: dpf, or add the safeguard "
                                   "used for the others")


@rule("P04", document="privacy", covers="supervisory_authority | site:company.address",
      source="GDPR Art. 55, 56(1); BDSG §9, §40", severity=Severity.WARNING,
      when=("an authority is named and the company has an address in the EEA", _locatable))
def competent_authority(context: Context) -> Iterator[Finding]:
    """The supervisory authority named is the one competent where the company is established.

    Why: a company's authority is the one of its main establishment (Art. 56(1)); in Germany the
    authority of the Land (BDSG §40), the federal commissioner (BfDI) only for federal bodies and
    telecommunications and postal providers (BDSG §9, TDDDG §29). The authorities, their names
    and web addresses are in `legalgen/knowledge/authorities.yaml`. A warning: only an
    authority legalgen recognises is compared, and a telecom provider may rightly name the BfDI.

    Fails: `supervisory_authority: {name: BfDI}` for a company in Berlin; the CNIL for a company in Munich.

    Passes: `supervisory_authority: {name: Berliner Beauftragte für Datenschutz und Informationsfreiheit}` for Berlin.
    """
    address = context.policy.company.address
    assert address is not None  # the rule applies only then (_locatable)
    expected = knowledge.competent(address.country, address.region, address.city)
    for part, path, authority in _authorities(context):
        named = knowledge.identify(authority.name, authority.url)
        if named is None:
            continue
        where = context.at(part, *path)
        if named.federal and address.country == "DE":
            better = f"; for {address.city} that is the {expected.name}" if expected else ""
            yield Finding(f"the {named.name} (BfDI) supervises federal bodies and telecommunications and postal "
                          f"providers; a company is supervised by the authority of its Land{better}", where,
                          hint="name the authority of the Land, unless you provide telecommunications services")
        elif named.public_only:
            better = f"; for {address.city} that is the {expected.name}" if expected else ""
            yield Finding(f"the {named.name} supervises public bodies only; a company is supervised by another "
                          f"authority{better}", where)
        elif named.country != knowledge.member_state(address.country):
            better = f" ({expected.name})" if expected else ""
            yield Finding(f"the {named.name} is an authority of {named.country}; the company is established in "
                          f"{address.country}, whose authority is competent{better}", where)
        elif expected is not None and named is not expected and not named.federal:
            yield Finding(f"the {named.name} is competent in {named.land}; a company in {address.city} "
                          f"is supervised by the {expected.name}", where)


@rule("P05", document="privacy", covers="purposes[].special_condition", source="GDPR Art. 9(1), (2)",
      block="purposes", when=("special categories of data are processed (type: health or special)",
                              lambda c: bool(_categories(c))))
def special_categories(context: Context) -> Iterator[Finding]:
    """A purpose that processes special categories of data (health, biometric, ...) states its Art. 9(2) condition.

    Why: processing health data and the other categories of Art. 9(1) is prohibited unless one
    of the conditions of Art. 9(2) applies, in addition to an Art. 6(1) legal basis; a contract
    alone is not one of them.

    Fails: a purpose with `data: [health]` (a category of `type: health`) and `legal_basis: contract` only.

    Passes: the same purpose with `special_condition: explicit_consent`.
    """
    categories = _categories(context)
    for part, path, purpose in _purposes(context):
        special = sorted({_SPECIAL[c] for ref in purpose.data
                          if (c := categories.get(ref)) is not None})
        if special and purpose.special_condition is None:
            yield Finding(f"purpose {purpose.id!r} processes special categories of data ({', '.join(special)}) "
                          "without a condition of Art. 9(2)", context.at(part, *path),
                          hint="add special_condition, e.g. explicit_consent")


@rule("P06", document="privacy", covers="purposes[].requirement.provision", source="GDPR Art. 4(11), 7(4)",
      block="purposes", when=("a purpose rests on consent", any_basis(m.LegalBasis.CONSENT)))
def consent_not_conditional(context: Context) -> Iterator[Finding]:
    """Consent is never a condition of the contract.

    Why: consent is freely given only if the contract does not depend on consent to processing
    that the contract does not need (Art. 7(4), recital 43). A purpose based on consent whose
    data is a contractual or statutory requirement, or needed to enter the contract, is not
    based on consent.

    Fails: `{legal_basis: consent, requirement: {provision: contract_precondition}}`.

    Passes: `{legal_basis: consent, requirement: {provision: voluntary}}`, or `legal_basis: contract`.
    """
    for part, path, purpose in _purposes(context):
        requirement = purpose.requirement
        if purpose.legal_basis is m.LegalBasis.CONSENT and requirement is not None \
                and requirement.provision is not m.Provision.VOLUNTARY:
            yield Finding(f"purpose {purpose.id!r} rests on consent but makes the data {requirement.provision}: "
                          "consent required for the contract is not freely given",
                          context.at(part, *path, "requirement", "provision"),
                          hint="make providing the data voluntary, or state the legal basis the processing has")


@rule("P07", document="privacy", covers="purposes[].legal_basis | cookies:trackers[].basis",
      source="ePrivacy Directive Art. 5(3); GDPR Art. 6(1); EDPB Guidelines 2/2023", severity=Severity.WARNING,
      when=("the cookie policy asks consent for trackers", consent_trackers))
def tracker_consent_and_basis(context: Context) -> Iterator[Finding]:
    """A purpose whose trackers need consent does not rest on legitimate interests.

    Why: where the cookie policy asks consent for analytics, marketing or preference trackers,
    the processing of what they collect cannot coherently rest on legitimate interests: people
    who refuse would still be tracked on another ground, and the notice states two different
    legal bases for the same tracking. German and French authorities expect consent for both.
    A warning: the purpose may cover processing without trackers.

    Fails: a purpose `{type: analytics, legal_basis: legitimate_interests}` and a tracker
    `{purpose: analytics, basis: consent}`.

    Passes: the purpose with `legal_basis: consent`.
    """
    cookies = context.policy.document("cookies")
    if not isinstance(cookies, m.CookiesDocument):
        return
    items: list[m.Tracker | m.TrackerCategory] = [*cookies.trackers, *cookies.categories]
    asked = {t.purpose for t in items if t.basis is m.TrackerBasis.CONSENT}
    for part, path, purpose in _purposes(context):
        tracked = _TRACKING.get(purpose.type) if purpose.type else None
        if tracked in asked and purpose.legal_basis is m.LegalBasis.LEGITIMATE_INTERESTS:
            yield Finding(f"purpose {purpose.id!r} rests on legitimate interests, while the cookie policy asks "
                          f"consent for its {tracked} trackers", context.at(part, *path, "legal_basis"),
                          hint="use legal_basis: consent for the tracking")


@rule("P08", document="cookies", covers="trackers[].purpose", source="ePrivacy Directive Art. 5(3); "
      "legalgen/knowledge/trackers.yaml")
def known_trackers(context: Context) -> Iterator[Finding]:
    """A well-known tracker is declared with the purpose its provider documents, and exempt only where it can be.

    Why: `_ga`, `_fbp`, `IDE` and other common cookies have documented purposes and lifetimes
    (`legalgen/knowledge/trackers.yaml`, each entry with the provider's documentation). An
    analytics or advertising cookie declared strictly necessary escapes the consent it needs.
    Trackers the catalogue does not know are not judged.

    Another purpose than the documented one (`_ga` declared for preferences) is a warning:
    people consent to what the banner names. So is a third party's tracker that names no
    provider (`_ga` without `provider: google`): the page would name nobody who receives what
    it collects (trackers that can run on the site's own server, such as Matomo's, excepted).

    Fails: `{name: _ga, purpose: strictly_necessary, basis: exempt}`.

    Passes: `{name: _ga, provider: google, purpose: analytics, basis: consent}`; `{name: __stripe_mid,
    purpose: strictly_necessary}`.
    """
    cookies = context.policy.document("cookies")
    assert isinstance(cookies, m.CookiesDocument)
    for index, tracker in enumerate(cookies.trackers):
        known = knowledge.tracker(tracker.name)
        if known is None or known.purpose == m.TrackerPurpose.STRICTLY_NECESSARY:
            continue
        if tracker.purpose is m.TrackerPurpose.STRICTLY_NECESSARY:
            yield Finding(f"tracker {tracker.id!r} ({tracker.name}) is declared strictly necessary, but "
                          f"{known.provider} documents it for {known.purpose} (typical lifetime {known.lifetime})",
                          context.at("cookies", "trackers", index, "purpose"),
                          hint=f"declare purpose: {known.purpose} and basis: consent ({known.source})")
        elif tracker.purpose != known.purpose:
            yield Finding(f"tracker {tracker.id!r} ({tracker.name}) is declared for {tracker.purpose}, but "
                          f"{known.provider} documents it for {known.purpose}",
                          context.at("cookies", "trackers", index, "purpose"), severity=Severity.WARNING,
                          hint=f"declare purpose: {known.purpose} ({known.source})")
        elif tracker.basis is m.TrackerBasis.EXEMPT and not any(
                known.exempt_in(j.value) for j in context.policy.site.jurisdictions):
            yield Finding(f"tracker {tracker.id!r} ({tracker.name}, {known.provider} {known.purpose}) is exempt from "
                          "consent, which no authority of the targeted jurisdictions allows for it",
                          context.at("cookies", "trackers", index, "basis"), hint="set basis: consent")
        if tracker.provider is None and not tracker.recipients and tracker.purpose == known.purpose and not any(
                "first party" in condition for _, condition in known.exempt):  # another purpose: maybe another cookie
            yield Finding(f"tracker {tracker.id!r} ({tracker.name}) names no provider, but it is {known.provider}'s: "
                          "the page names nobody who receives what it collects",
                          context.at("cookies", "trackers", index), severity=Severity.WARNING,
                          hint=f"add provider: <the id of {known.provider} among the recipients in privacy.yaml>")


#: The purposes of the privacy notice that cover what trackers of a purpose collect.
_TRACKED_FOR = {m.TrackerPurpose.ANALYTICS: (m.PurposeType.ANALYTICS, m.PurposeType.SERVICE_IMPROVEMENT),
                m.TrackerPurpose.MARKETING: (m.PurposeType.DIRECT_MARKETING,)}


def _tracking(context: Context) -> bool:
    cookies, privacy = context.policy.document("cookies"), context.policy.document("privacy")
    if not isinstance(cookies, m.CookiesDocument) or not (
            isinstance(privacy, m.PrivacyDocument) or any(True for _ in context.blocks("purposes"))):
        return False
    items: list[m.Tracker | m.TrackerCategory] = [*cookies.trackers, *cookies.categories]
    return any(item.purpose in _TRACKED_FOR for item in items)


@rule("P11", document="cookies", covers="trackers[].purpose | privacy:purposes[].type",
      source="GDPR Art. 13(1)(c); ePrivacy Directive Art. 5(3)", severity=Severity.WARNING,
      when=("the cookie policy lists analytics or marketing trackers beside a privacy notice or purposes block",
            _tracking))
def tracking_has_a_purpose(context: Context) -> Iterator[Finding]:
    """Analytics and marketing trackers have their purpose in the privacy notice.

    Why: what an analytics or marketing tracker collects is personal data (an identifier, the
    pages seen), and the privacy notice states every purpose of processing with its legal basis
    (Art. 13(1)(c)). A cookie policy that sets `_ga` beside a notice without an analytics
    purpose leaves that processing without a stated purpose or basis. The purposes blocks of
    custom documents count. A warning: a notice published elsewhere may state it.

    Fails: a tracker `{purpose: analytics}` and no purpose of type `analytics` (or
    `service_improvement`) in privacy.yaml; a marketing tracker without `direct_marketing`.

    Passes: the tracker and `{type: analytics, legal_basis: consent, ...}` among the purposes.
    """
    cookies, privacy = context.policy.document("cookies"), context.policy.document("privacy")
    assert isinstance(cookies, m.CookiesDocument)
    stated = {purpose.type for _, _, purpose in _purposes(context)}
    where = "privacy.yaml" if isinstance(privacy, m.PrivacyDocument) else \
        f"the purposes block of {next(key for key, _, _ in context.blocks('purposes'))}"
    items: list[tuple[str, int, m.Tracker | m.TrackerCategory]] = [
        *(("trackers", i, t) for i, t in enumerate(cookies.trackers)),
        *(("categories", i, c) for i, c in enumerate(cookies.categories))]
    reported: set[m.TrackerPurpose] = set()
    for field, index, item in items:
        covering = _TRACKED_FOR.get(item.purpose)
        if covering is None or item.purpose in reported or stated.intersection(covering):
            continue
        reported.add(item.purpose)
        named = f" ({item.id!r})" if isinstance(item, m.Tracker) else ""
        yield Finding(f"the cookie policy lists {item.purpose} trackers{named}, but the privacy notice has no "
                      f"purpose of type {' or '.join(covering)}", context.at("cookies", field, index, "purpose"),
                      hint=f"add a purpose of type {covering[0]} with its legal basis to {where}")


def _no_advertising_sharing(context: Context) -> bool:
    privacy = context.policy.document("privacy")
    return (isinstance(privacy, m.PrivacyDocument) and privacy.no_advertising_sharing) or \
        any(block.no_advertising_sharing for _, _, block in context.blocks("recipients"))


@rule("P09", document="privacy", covers="no_advertising_sharing", source="GDPR Art. 5(1)(a), 13(1)(e)",
      block="recipients", when=("the notice says no data is shared for others' advertising (no_advertising_sharing)",
                                _no_advertising_sharing))
def advertising_sharing(context: Context) -> Iterator[Finding]:
    """"We do not share personal data with third parties for their advertising" agrees with the recipients and trackers.

    Why: the sentence is a commitment on the page; the source's own facts must not contradict
    it. An advertising recipient that decides itself what it does with the data (controller or
    joint controller) receives it for advertising of its own, and a third party's marketing
    tracker reads data on the site for advertising (a warning: some such trackers work for the
    site only).

    Fails: `no_advertising_sharing: true` with `{name: Meta Platforms Ireland Ltd, category:
    advertising, role: controller}`, or beside a marketing tracker whose provider is a third party.

    Passes: the advertising recipient as a processor, or the sentence left out.
    """
    roles = (m.RecipientRole.CONTROLLER, m.RecipientRole.JOINT_CONTROLLER)
    for part, path, recipient in _recipients(context):
        if recipient.category is m.RecipientCategory.ADVERTISING and recipient.role in roles:
            yield Finding(f"the notice says no personal data is shared with third parties for their advertising, yet "
                          f"recipient {recipient.name or recipient.id!r} is an advertising {recipient.role.value}",
                          context.at(part, *path), hint="remove no_advertising_sharing, or correct the recipient")
    cookies = context.policy.document("cookies")
    if isinstance(cookies, m.CookiesDocument):
        for index, tracker in enumerate(cookies.trackers):
            if tracker.purpose is m.TrackerPurpose.MARKETING and tracker.provider:
                yield Finding(f"the notice says no personal data is shared with third parties for their advertising, "
                              f"yet tracker {tracker.id!r} reads data for marketing for the third party "
                              f"{tracker.provider!r}", context.at("cookies", "trackers", index, "provider"),
                              severity=Severity.WARNING,
                              hint="remove no_advertising_sharing unless the provider uses the data only for you")


def _contacts(context: Context) -> Iterator[tuple[str, tuple[str | int, ...], m.Contact]]:
    """Every contact a page shows apart from the controller's, the DPO's and the EU
    representative's (G01, G02): contact points, the person responsible for content, and the
    contact of a custom document's contact block; with the document's key and its path."""
    privacy = context.policy.document("privacy")
    if isinstance(privacy, m.PrivacyDocument):
        for index, point in enumerate(privacy.contact_points):
            yield "privacy", ("contact_points", index), point
    imprint = context.policy.document("imprint")
    if isinstance(imprint, m.ImprintDocument) and imprint.content_responsible is not None:
        yield "imprint", ("content_responsible",), imprint.content_responsible
    for key, path, block in context.blocks("contact"):
        if block.contact is not None:
            yield key, (*path, "contact"), block.contact


@rule("P10", document="site", covers="privacy:contact_points[] | imprint:content_responsible | custom:blocks[].contact",
      source="GDPR Art. 12(1); MStV §18(2)", severity=Severity.WARNING,
      when=("a contact point, a person responsible for content or a contact block is given",
            lambda c: any(True for _ in _contacts(c))))
def stated_contacts(context: Context) -> Iterator[Finding]:
    """A contact the source gives says who it is or how to reach it.

    Why: a contact that names no one and gives no address, e-mail, phone or web address says
    nothing; the page leaves it out (a heading with nothing under it would read as a
    contact), or shows the company's contact for a contact block, so the source should give
    its details or drop it.

    Fails: `contact_points: [{country: FR}]` or `content_responsible: {}`.

    Passes: `contact_points: [{country: FR, email: fr@example.com}]`, or a
    `content_responsible` with a name and an address.
    """
    company = context.policy.company
    for key, path, contact in _contacts(context):
        if contact.stated:
            continue
        block = path[0] == "blocks"
        shown = ("the page shows the company's contact in its place" if block and (company.email or company.contact_form)
                 else "the page leaves it out")
        yield Finding(f"this contact gives no name, address, e-mail, phone or web address, so {shown}",
                      context.at(key, *path), hint="give its details, or remove it")
