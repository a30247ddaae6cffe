"""The privacy notice as linked data: W3C Data Privacy Vocabulary (DPV 2.x) in JSON-LD.

Every published version of the privacy notice gets, in every locale,
``<slug>/v<N>/notice.jsonld`` beside its page, linked from the page's head
(``rel="alternate" type="application/ld+json"``) and listed in ``policy.json``. It is made
from the version's frozen source, so it states what that version states:

- a ``dpv:PrivacyNotice`` whose IRI is the version's page, with the version's metadata in
  Dublin Core terms (identifier, version, title, language, issued, valid from, the version it
  replaces, the current document) and two terms of ``policy.json`` (``sha256``, the release
  hash; ``material``, whether the version changes something material);
- the controller, data protection officer, representative and supervisory authority;
- the rights granted (GDPR articles), the applicable law (the GDPR);
- one ``dpv:Process`` per purpose: its purpose, personal data, legal basis (Art. 6(1) and
  Art. 9(2)), recipients and their roles, transfers with their legal ground (Art. 45(3),
  46(2)(b), 46(2)(c)) and the third countries they go to (a country of the EEA is none),
  and storage duration (weeks as days: ``xsd:duration`` has no weeks);
- a joint controller with the company as ``dpv:JointDataControllers``;
- the notice's own transfers and the storage periods of data categories.

A category, purpose or ground with no exact DPV concept becomes a concept of the notice's own
(``<page>#data-<id>``) with the local label and the nearest DPV concept as ``skos:broader``.
Facts the source leaves out are left out. The ``@context`` is inline: nothing is fetched to
read the file.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from legalgen import knowledge
from legalgen.render.i18n import Formatter
from legalgen.render.renderer import document_title, prose_text
from legalgen.source import model as m
from legalgen.source.periods import Period
from legalgen.versions.history import Version

FILE = "notice.jsonld"
MEDIA_TYPE = "application/ld+json"

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
EU_GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"

#: Properties whose values are IRIs (a compact IRI such as ``pd:Name`` is a link, not a string).
_LINKS = ("dpv:hasPurpose", "dpv:hasPersonalData", "dpv:hasLegalBasis", "dpv:hasRight", "dpv:hasApplicableLaw",
          "dpv:hasThirdCountry", "dpv:hasCountry", "dpv:hasRecipient", "dpv:hasContact", "skos:broader",
          "dct:replaces", "dct:isVersionOf", "dpv:hasDataController")


def context(base_url: str) -> dict[str, Any]:
    """The inline JSON-LD context: DPV's prefixes, Dublin Core, SKOS and ``policy.json``'s terms."""
    return {
        "dpv": DPV, "pd": PD, "eu-gdpr": EU_GDPR,
        "legal-eu": "https://w3id.org/dpv/legal/eu#",
        "loc": "https://w3id.org/dpv/loc#",
        "dct": "http://purl.org/dc/terms/",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "policy": f"{base_url}policy.json#",
        **{name: {"@type": "@id"} for name in _LINKS},
    }


# ---------------------------------------------------------------- what maps to DPV
#: Data types with a DPV concept that says the same (``pd:``).
DATA: dict[m.DataType, str] = {
    m.DataType.NAME: "pd:Name",
    m.DataType.EMAIL: "pd:EmailAddress",
    m.DataType.PHONE: "pd:TelephoneNumber",
    m.DataType.POSTAL_ADDRESS: "pd:PhysicalAddress",
    m.DataType.CREDENTIALS: "pd:Authenticating",
    m.DataType.ORDER_HISTORY: "pd:Purchase",
    m.DataType.IP_ADDRESS: "pd:IPAddress",
    m.DataType.DEVICE: "pd:DeviceBased",
    m.DataType.USAGE: "pd:ServiceConsumptionBehaviour",
    m.DataType.PREFERENCES: "pd:Preference",
    m.DataType.COMMUNICATIONS: "pd:Communication",
    m.DataType.LOCATION: "pd:Location",
    m.DataType.IDENTIFIERS: "pd:Identifier",
    m.DataType.HEALTH: "pd:Health",
}
#: Data types narrower than any DPV concept: their nearest DPV parent.
DATA_PARENT: dict[m.DataType, tuple[str, ...]] = {
    m.DataType.ACCOUNT: ("pd:Identifying",),
    m.DataType.PAYMENT: ("pd:Financial",),
    m.DataType.BILLING: ("pd:Transactional",),
    m.DataType.VIEWING_HISTORY: ("pd:ServiceConsumptionBehaviour",),
}
SPECIAL: dict[m.SpecialCategory, str] = {
    m.SpecialCategory.HEALTH: "pd:Health",
    m.SpecialCategory.GENETIC: "pd:Genetic",
    m.SpecialCategory.BIOMETRIC: "pd:Biometric",
    m.SpecialCategory.POLITICAL_OPINIONS: "pd:PoliticalOpinion",
    m.SpecialCategory.TRADE_UNION_MEMBERSHIP: "pd:TradeUnionMembership",
    m.SpecialCategory.SEX_LIFE_OR_ORIENTATION: "pd:Sexual",
}
SPECIAL_PARENT: dict[m.SpecialCategory, tuple[str, ...]] = {
    m.SpecialCategory.RACIAL_OR_ETHNIC_ORIGIN: ("pd:Race", "pd:EthnicOrigin"),
    m.SpecialCategory.RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS: ("pd:ReligiousBelief", "pd:PhilosophicalBelief"),
}
PURPOSES: dict[m.PurposeType, str] = {
    m.PurposeType.SERVICE_PROVISION: "dpv:ServiceProvision",
    m.PurposeType.ACCOUNT_MANAGEMENT: "dpv:AccountManagement",
    m.PurposeType.PAYMENT: "dpv:PaymentManagement",
    m.PurposeType.CUSTOMER_SUPPORT: "dpv:CustomerCare",
    m.PurposeType.SERVICE_COMMUNICATION: "dpv:CommunicationManagement",
    m.PurposeType.DIRECT_MARKETING: "dpv:DirectMarketing",
    m.PurposeType.PERSONALISATION: "dpv:ServicePersonalisation",
    m.PurposeType.ANALYTICS: "dpv:ServiceUsageAnalytics",
    m.PurposeType.SERVICE_IMPROVEMENT: "dpv:ImproveExistingProductsAndServices",
    m.PurposeType.FRAUD_PREVENTION: "dpv:FraudPreventionAndDetection",
    m.PurposeType.SECURITY: "dpv:EnforceSecurity",
    m.PurposeType.LEGAL_COMPLIANCE: "dpv:LegalCompliance",
    m.PurposeType.CONTACT: "dpv:CommunicationForCustomerCare",
}
ROLES: dict[m.RecipientRole | None, str] = {
    m.RecipientRole.PROCESSOR: "dpv:DataProcessor",
    m.RecipientRole.CONTROLLER: "dpv:DataController",
    m.RecipientRole.JOINT_CONTROLLER: "dpv:DataController",  # with the company: dpv:JointDataControllers
    m.RecipientRole.AUTHORITY: "dpv:Authority",
    None: "dpv:Recipient",
}
#: Transfer grounds with their GDPR provision; a derogation (Art. 49) names no single letter.
SAFEGUARDS: dict[m.Safeguard, str] = {
    m.Safeguard.ADEQUACY: "eu-gdpr:A45-3",
    m.Safeguard.SCC: "eu-gdpr:A46-2-c",
    m.Safeguard.BCR: "eu-gdpr:A46-2-b",
}
#: The decision that makes each certification framework a ground for transfers (ELI).
CERTIFICATIONS: dict[m.Certification, str] = {
    m.Certification.DPF: "http://data.europa.eu/eli/dec_impl/2023/1795/oj",
}
RIGHTS: dict[m.Right, str] = {
    m.Right.ACCESS: "eu-gdpr:A15",
    m.Right.RECTIFICATION: "eu-gdpr:A16",
    m.Right.ERASURE: "eu-gdpr:A17",
    m.Right.RESTRICTION: "eu-gdpr:A18",
    m.Right.PORTABILITY: "eu-gdpr:A20",
    m.Right.OBJECTION: "eu-gdpr:A21",
    m.Right.AUTOMATED_DECISIONS: "eu-gdpr:A22",
    m.Right.WITHDRAW_CONSENT: "eu-gdpr:A7-3",
    m.Right.COMPLAINT: "eu-gdpr:A77",
}
GDPR = "legal-eu:law-GDPR"


def xsd_duration(period: Period) -> str:
    """``period`` as an ``xsd:duration``, which has no weeks: ``P2W`` is ``P14D``.

    >>> xsd_duration(Period.parse("P2W")), xsd_duration(Period.parse("P1Y6M")), xsd_duration(Period.parse("PT48H"))
    ('P14D', 'P1Y6M', 'PT48H')
    """
    return str(replace(period, weeks=0, days=period.days + 7 * period.weeks))


def mailto(address: str) -> str:
    """A ``mailto:`` IRI of an e-mail address, percent-encoded as RFC 6068 asks.

    >>> mailto("dpo#1@example.org")
    'mailto:dpo%231@example.org'
    """
    return "mailto:" + quote(address, safe="@.!$&'*+=^_`~-")


def has_notice(version: Version) -> bool:
    """Whether ``version`` gets a JSON-LD notice: a privacy notice whose frozen source loads."""
    return version.kind == m.DocumentKind.PRIVACY and version.document is not None


class _Notice:
    """Builds one notice's graph in one locale."""

    def __init__(self, formatter: Formatter, iri: str) -> None:
        self.formatter = formatter
        self.locale = formatter.locale
        self.iri = iri

    def at(self, fragment: str) -> str:
        """The IRI of a node of this notice, e.g. ``<page>#controller``."""
        return f"{self.iri}#{fragment}"

    def text(self, value: str) -> dict[str, str]:
        return {"@value": value, "@language": self.locale}

    def own(self, label: m.Text | None) -> str | None:
        return label.get(self.locale) if label is not None else None

    def address(self, address: m.Address | None) -> dict[str, Any]:
        if address is None:
            return {}
        region = f", {address.region}" if address.region else ""
        line = f"{address.street}, {address.postal_code} {address.city}{region}, {self.formatter.country(address.country)}"
        return {"dpv:hasAddress": self.text(line)}

    def entity(self, fragment: str, kind: str, name: str | None, contact: Any) -> dict[str, Any]:
        node: dict[str, Any] = {"@id": self.at(fragment), "@type": kind}
        if name:
            node["dpv:hasName"] = name
        links = [mailto(contact.email)] if getattr(contact, "email", None) else []
        links += [contact.url] if getattr(contact, "url", None) else []
        if links:
            node["dpv:hasContact"] = links
        return {**node, **self.address(getattr(contact, "address", None))}

    def category(self, category: m.DataCategory) -> str | dict[str, Any]:
        """A data category: its DPV concept, else a concept of the notice's own under the nearest one."""
        exact = SPECIAL.get(category.special) if category.special else DATA.get(category.type) if category.type else None
        label = self.own(category.label)
        if exact is not None and label is None:
            return exact
        if exact is not None:
            parents: tuple[str, ...] = (exact,)
        elif category.special:
            parents = SPECIAL_PARENT[category.special]
        elif category.type:
            parents = DATA_PARENT[category.type]
        else:
            parents = ("dpv:PersonalData",)
        if label is None:
            assert category.type is not None
            label = self.formatter.label(category.type)
        special = category.special is not None or category.type == m.DataType.HEALTH
        kinds = ["skos:Concept", "dpv:SpecialCategoryPersonalData" if special else "dpv:PersonalData"]
        return {"@id": self.at(f"data-{category.id}"), "@type": kinds,
                "skos:broader": list(parents), "skos:prefLabel": self.text(label)}

    def retention(self, retention: m.Retention) -> dict[str, Any] | None:
        period = retention.period
        parts = []
        if period is not None:
            duration = self.formatter.period(period)
            if retention.after is not None:
                duration = self.formatter.gettext("%(period)s %(after)s") % {
                    "period": duration, "after": self.formatter.label(retention.after)}
            parts.append(duration)
        if retention.criteria is not None:
            parts.append(retention.criteria.get(self.locale))
        if not parts:
            return None
        node: dict[str, Any] = {"@type": "dpv:StorageDuration"}
        duration_node: dict[str, Any] = {"dct:description": self.text("; ".join(parts))}
        if period is not None:
            duration_node["@type"] = "dpv:TemporalDuration"
            duration_node["rdf:value"] = {"@value": xsd_duration(period), "@type": "xsd:duration"}
        node["dpv:hasDuration"] = duration_node
        return node

    def transfer(self, countries: list[str], safeguards: list[m.Safeguard], recipient: str | None,
                 certification: m.Certification | None = None) -> dict[str, Any]:
        node: dict[str, Any] = {"@type": "dpv:CrossBorderTransfer"}
        if recipient:
            node["dpv:hasRecipient"] = recipient
        if certification is not None:  # the recipient's, which the adequacy decision is limited to
            node["dpv:hasOrganisationalMeasure"] = {
                "@id": self.at(f"certification-{certification.value}"), "@type": "dpv:Certification",
                "skos:prefLabel": self.text(self.formatter.label(certification)),
                "rdfs:seeAlso": {"@id": CERTIFICATIONS[certification]}}
        third = [code for code in countries if code not in knowledge.eea()]  # a country of the EEA is none
        if third:
            node["dpv:hasThirdCountry"] = [f"loc:{code}" for code in third]
        grounds: list[Any] = []
        for safeguard in safeguards:
            if safeguard in SAFEGUARDS:
                grounds.append(SAFEGUARDS[safeguard])
            else:  # a derogation: which point of Art. 49(1) is not in the source
                grounds.append({"@id": self.at(f"ground-{safeguard.value}"),
                                "@type": ["skos:Concept", "dpv:DataTransferLegalBasis"],
                                "skos:broader": ["dpv:DataTransferLegalBasis"],
                                "skos:prefLabel": self.text(self.formatter.label(safeguard))})
        if grounds:
            node["dpv:hasLegalBasis"] = grounds
        return node


def notice(version: Version, formatter: Formatter, page: str, *, previous: str | None, current: str,
           site: str) -> dict[str, Any]:
    """The JSON-LD document of ``version`` in ``formatter``'s locale; ``page`` is the version's
    page (the notice's IRI), ``previous`` the page of the version it replaces, ``current``
    the document's current page, ``site`` the site's base URL (where ``policy.json`` is)."""
    source, document = version.source, version.document
    assert source is not None and document is not None
    locale = formatter.locale
    build = _Notice(formatter, page)
    release = version.release
    graph: dict[str, Any] = {
        "@context": context(site),
        "@id": page,
        "@type": "dpv:PrivacyNotice",
        "dct:identifier": page,
        "dct:title": build.text(document_title(formatter, document)),
        "dct:hasVersion": str(release.version),
        "dct:language": {"@value": locale, "@type": "xsd:language"},
        "dct:issued": {"@value": release.published.isoformat(), "@type": "xsd:date"},
        "dct:valid": {"@value": release.effective.isoformat(), "@type": "xsd:date"},
        "dct:isVersionOf": current,
        "policy:sha256": release.sha256,
        "policy:material": version.material,
    }
    if previous is not None:
        graph["dct:replaces"] = previous
    company = source.company
    graph["dpv:hasDataController"] = build.entity("controller", "dpv:DataController", company.name, company)
    if document.dpo is not None:
        graph["dpv:hasDataProtectionOfficer"] = build.entity("dpo", "dpv:DataProtectionOfficer", document.dpo.name,
                                                             document.dpo)
    if document.representative is not None and document.representative.stated:  # as the page shows it
        graph["dpv:hasRepresentative"] = build.entity("representative", "dpv:Representative",
                                                      document.representative.name, document.representative)
    authority = document.supervisory_authority
    if authority is not None:
        graph["dpv:hasAuthority"] = build.entity("authority", "dpv:DataProtectionAuthority", authority.name, authority)
    graph["dpv:hasApplicableLaw"] = [GDPR]
    if document.rights is not None:
        graph["dpv:hasRight"] = [RIGHTS[right] for right in document.rights.granted]
    categories = {category.id: category for category in document.data_categories}
    recipients = {recipient.id: recipient for recipient in document.recipients}
    if document.recipients:
        graph["dpv:hasRecipient"] = [_recipient(build, recipient) for recipient in document.recipients]
    joint = [build.at(f"recipient-{r.id}") for r in document.recipients if r.role == m.RecipientRole.JOINT_CONTROLLER]
    if joint:
        graph["dpv:hasJointDataControllers"] = {"@id": build.at("joint-controllers"), "@type": "dpv:JointDataControllers",
                                                "dpv:hasDataController": [build.at("controller"), *joint]}
    processes = []
    for purpose in document.purposes:
        process: dict[str, Any] = {"@id": build.at(f"purpose-{purpose.id}"), "@type": "dpv:Process"}
        label = build.own(purpose.label) or (formatter.label(purpose.type) if purpose.type else None)
        if label:
            process["skos:prefLabel"] = build.text(label)
        if purpose.description is not None:
            process["dct:description"] = build.text(prose_text(purpose.description.get(locale)))  # Markdown
        if purpose.type is not None:
            process["dpv:hasPurpose"] = [PURPOSES[purpose.type]]
        elif label:
            process["dpv:hasPurpose"] = [{"@id": build.at(f"purpose-{purpose.id}-concept"),
                                          "@type": ["skos:Concept", "dpv:Purpose"],
                                          "skos:broader": ["dpv:Purpose"], "skos:prefLabel": build.text(label)}]
        process["dpv:hasPersonalData"] = [build.category(categories[ref]) for ref in purpose.data]
        bases = [f"eu-gdpr:A6-1-{purpose.legal_basis.letter}"] if purpose.legal_basis else []
        bases += [f"eu-gdpr:A9-2-{purpose.special_condition.letter}"] if purpose.special_condition else []
        if bases:
            process["dpv:hasLegalBasis"] = bases
        if purpose.recipients:
            process["dpv:hasRecipient"] = [build.at(f"recipient-{ref}") for ref in purpose.recipients]
            transfers = [build.transfer([recipients[ref].country] if recipients[ref].country else [],
                                        [recipients[ref].transfer.safeguard], build.at(f"recipient-{ref}"),
                                        recipients[ref].transfer.certification)
                         for ref in purpose.recipients if recipients[ref].transfer is not None]
            if transfers:
                process["dpv:hasProcessing"] = transfers
        if purpose.retention is not None and (storage := build.retention(purpose.retention)) is not None:
            process["dpv:hasStorageCondition"] = [storage]
        processes.append(process)
    graph["dpv:hasProcess"] = processes
    if document.transfers:
        graph["dpv:hasProcessing"] = [build.transfer(list(transfer.countries), list(transfer.safeguards), None)
                                      for transfer in document.transfers]
    storage_by_category = []
    for category in document.data_categories:
        if category.retention is not None and (storage := build.retention(category.retention)) is not None:
            storage_by_category.append({**storage, "dpv:hasPersonalData": [build.category(category)]})
    if storage_by_category:
        graph["dpv:hasStorageCondition"] = storage_by_category
    return graph


def _recipient(build: _Notice, recipient: m.Recipient) -> dict[str, Any]:
    name = recipient.name or (build.formatter.label(recipient.category, "provider") if recipient.category else None)
    node: dict[str, Any] = {"@id": build.at(f"recipient-{recipient.id}"), "@type": ROLES[recipient.role]}
    if name:
        node["dpv:hasName"] = name
    if recipient.service is not None:
        node["dct:description"] = build.text(recipient.service.get(build.locale))
    if recipient.country:
        node["dpv:hasCountry"] = [f"loc:{recipient.country}"]
    return node


def notice_json(version: Version, formatter: Formatter, page: str, *, previous: str | None, current: str,
                site: str) -> bytes:
    """:func:`notice` as bytes."""
    data = notice(version, formatter, page, previous=previous, current=current, site=site)
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


__all__ = ["FILE", "MEDIA_TYPE", "context", "has_notice", "mailto", "notice", "notice_json", "xsd_duration"]
