"""The privacy notice as W3C DPV JSON-LD: parsed with pyld into triples (nothing fetched),
checked for what the frozen source states, and linked from the built site."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest

from legalgen.export import jsonld
from legalgen.project import Project
from legalgen.render.i18n import Formatter
from legalgen.source import model as m
from legalgen.versions.history import History, Later, Version

pyld = pytest.importorskip("pyld")

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"
LOC = "https://w3id.org/dpv/loc#"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "https://legal.lumenstream.example/"
PAGE = f"{BASE}de/privacy/v2/"

Triple = tuple[str, str, str]


def _no_fetch(url: str, options: Any = None) -> Any:
    raise AssertionError(f"the JSON-LD made pyld fetch {url}")


def triples(document: dict[str, Any]) -> set[Triple]:
    """The document's triples as (subject, predicate, object) in N-Triples notation."""
    from pyld import jsonld as ld

    nquads = ld.to_rdf(document, {"format": "application/n-quads", "documentLoader": _no_fetch})
    found = set()
    for line in nquads.splitlines():
        match = re.match(r"(\S+) (\S+) (.+) \.$", line)
        assert match, line
        found.add((match[1], match[2], match[3]))
    return found


def iri(value: str) -> str:
    return f"<{value}>"


def _second(example_history: History) -> Version:
    return example_history.of("privacy")[1]


@pytest.fixture(scope="module")
def graph(example_history: History) -> set[Triple]:
    version = _second(example_history)
    return triples(jsonld.notice(version, Formatter.for_locale("de"), PAGE, previous=f"{BASE}de/privacy/v1/",
                                 current=f"{BASE}de/privacy/", site=BASE))


def _objects(graph: set[Triple], subject: str, predicate: str) -> set[str]:
    return {o for s, p, o in graph if s == subject and p == predicate}


def _subjects(graph: set[Triple], predicate: str, obj: str) -> set[str]:
    return {s for s, p, o in graph if p == predicate and o == obj}


def test_the_notice_carries_its_version(graph: set[Triple], example_history: History) -> None:
    version = _second(example_history)
    notice = iri(PAGE)
    assert (notice, RDF_TYPE, iri(f"{DPV}PrivacyNotice")) in graph
    assert _objects(graph, notice, f"<{DCT}hasVersion>") == {'"2"'}
    assert _objects(graph, notice, f"<{DCT}issued>") == {f'"{version.release.published}"^^<{XSD}date>'}
    assert _objects(graph, notice, f"<{DCT}valid>") == {f'"{version.release.effective}"^^<{XSD}date>'}
    assert _objects(graph, notice, f"<{DCT}replaces>") == {iri(f"{BASE}de/privacy/v1/")}
    assert _objects(graph, notice, f"<{DCT}isVersionOf>") == {iri(f"{BASE}de/privacy/")}
    assert _objects(graph, notice, f"<{DCT}language>") == {f'"de"^^<{XSD}language>'}
    assert _objects(graph, notice, f"<{DCT}title>") == {'"Datenschutzerklärung"@de'}
    assert _objects(graph, notice, f"<{BASE}policy.json#sha256>") == {f'"{version.release.sha256}"'}
    assert _objects(graph, notice, f"<{BASE}policy.json#material>") == {
        f'"{str(version.material).lower()}"^^<{XSD}boolean>'}


def test_the_parties_rights_and_law(graph: set[Triple], example_history: History) -> None:
    notice = iri(PAGE)
    controller = iri(f"{PAGE}#controller")
    assert _objects(graph, notice, f"<{DPV}hasDataController>") == {controller}
    assert _objects(graph, controller, f"<{DPV}hasName>") == {'"Lumenstream GmbH"'}
    assert (controller, f"<{DPV}hasContact>", "<mailto:hello@lumenstream.example>") in graph
    dpo = iri(f"{PAGE}#dpo")
    assert (notice, f"<{DPV}hasDataProtectionOfficer>", dpo) in graph
    assert (dpo, RDF_TYPE, iri(f"{DPV}DataProtectionOfficer")) in graph
    authority = iri(f"{PAGE}#authority")
    assert (authority, RDF_TYPE, iri(f"{DPV}DataProtectionAuthority")) in graph
    assert _objects(graph, notice, f"<{DPV}hasApplicableLaw>") == {iri("https://w3id.org/dpv/legal/eu#law-GDPR")}
    document = _second(example_history).document
    articles = {"access": "A15", "rectification": "A16", "erasure": "A17", "restriction": "A18", "portability": "A20",
                "objection": "A21", "automated_decisions": "A22", "withdraw_consent": "A7-3", "complaint": "A77"}
    expected = {iri(GDPR + articles[right.value]) for right in document.rights.granted}
    assert _objects(graph, notice, f"<{DPV}hasRight>") == expected
    assert iri(f"{GDPR}A15") in expected and iri(f"{GDPR}A77") in expected


def test_each_purpose_is_a_process_with_data_basis_recipients_and_storage(graph: set[Triple],
                                                                          example_history: History) -> None:
    document = _second(example_history).document
    processes = _objects(graph, iri(PAGE), f"<{DPV}hasProcess>")
    assert len(processes) == len(document.purposes)
    service = iri(f"{PAGE}#purpose-service")
    assert _objects(graph, service, f"<{DPV}hasPurpose>") == {iri(f"{DPV}ServiceProvision")}
    assert _objects(graph, service, f"<{DPV}hasLegalBasis>") == {iri(f"{GDPR}A6-1-b")}
    assert {iri(f"{PD}Name"), iri(f"{PD}EmailAddress")} <= _objects(graph, service, f"<{DPV}hasPersonalData>")
    for purpose in document.purposes:
        process = iri(f"{PAGE}#purpose-{purpose.id}")
        assert process in processes
        assert len(_objects(graph, process, f"<{DPV}hasPersonalData>")) == len(purpose.data)
        if purpose.legal_basis:
            assert iri(f"{GDPR}A6-1-{purpose.legal_basis.letter}") in _objects(graph, process, f"<{DPV}hasLegalBasis>")
        recipients = {iri(f"{PAGE}#recipient-{ref}") for ref in purpose.recipients}
        assert _objects(graph, process, f"<{DPV}hasRecipient>") == recipients
        if purpose.retention and purpose.retention.period:
            [storage] = _objects(graph, process, f"<{DPV}hasStorageCondition>")
            assert (storage, RDF_TYPE, iri(f"{DPV}StorageDuration")) in graph
            [duration] = _objects(graph, storage, f"<{DPV}hasDuration>")
            assert _objects(graph, duration, f"<{RDF_VALUE}>") == {
                f'"{purpose.retention.period}"^^<{XSD}duration>'}


def test_recipients_roles_and_transfers_with_their_ground(graph: set[Triple], example_history: History) -> None:
    document = _second(example_history).document
    roles = {m.RecipientRole.PROCESSOR: "DataProcessor", m.RecipientRole.CONTROLLER: "DataController"}
    for recipient in document.recipients:
        node = iri(f"{PAGE}#recipient-{recipient.id}")
        if recipient.role in roles:
            assert (node, RDF_TYPE, iri(DPV + roles[recipient.role])) in graph
        if recipient.transfer is not None:
            transfers = _subjects(graph, f"<{DPV}hasRecipient>", node) & _subjects(
                graph, RDF_TYPE, iri(f"{DPV}CrossBorderTransfer"))
            assert transfers, recipient.id
            for transfer in transfers:
                assert _objects(graph, transfer, f"<{DPV}hasThirdCountry>") == {iri(LOC + str(recipient.country))}
                ground = {"adequacy": "A45-3", "scc": "A46-2-c", "bcr": "A46-2-b"}[recipient.transfer.safeguard.value]
                assert _objects(graph, transfer, f"<{DPV}hasLegalBasis>") == {iri(GDPR + ground)}
    zendesk = iri(f"{PAGE}#recipient-zendesk")
    assert (zendesk, f"<{DPV}hasCountry>", iri(f"{LOC}US")) in graph


def test_a_transfer_to_a_certified_recipient_names_the_certification(example_history: History) -> None:
    """Where the adequacy decision covers only certified organisations (the EU-U.S. Data Privacy
    Framework), the recipient's certification is part of the transfer, as on the page."""
    latest = example_history.of("privacy")[-1]
    zendesk = next(r for r in latest.document.recipients if r.id == "zendesk")
    assert zendesk.transfer.certification == m.Certification.DPF
    page = f"{BASE}de/privacy/v{latest.number}/"
    graph = triples(jsonld.notice(latest, Formatter.for_locale("de"), page, previous=None,
                                  current=f"{BASE}de/privacy/", site=BASE))
    every = _subjects(graph, RDF_TYPE, iri(f"{DPV}CrossBorderTransfer"))
    transfers = _subjects(graph, f"<{DPV}hasRecipient>", iri(f"{page}#recipient-zendesk")) & every
    certification = iri(f"{page}#certification-dpf")
    assert transfers and all(_objects(graph, transfer, f"<{DPV}hasOrganisationalMeasure>") == {certification}
                             for transfer in transfers)
    assert (certification, RDF_TYPE, iri(f"{DPV}Certification")) in graph
    assert _objects(graph, certification, f"<{SKOS}prefLabel>") == {'"Datenschutzrahmen EU-USA"@de'}
    assert _objects(graph, certification, "<http://www.w3.org/2000/01/rdf-schema#seeAlso>") == {
        "<http://data.europa.eu/eli/dec_impl/2023/1795/oj>"}
    earlier = jsonld.notice(_second(example_history), Formatter.for_locale("de"), PAGE, previous=None,
                            current=f"{BASE}de/privacy/", site=BASE)  # stated no certification
    assert "hasOrganisationalMeasure" not in str(earlier) and "dpv:CrossBorderTransfer" in str(earlier)


def test_a_category_without_dpv_concept_falls_back_to_the_nearest_parent_with_its_label(graph: set[Triple]) -> None:
    account = iri(f"{PAGE}#data-account")
    assert _objects(graph, account, f"<{SKOS}broader>") == {iri(f"{PD}Identifying")}
    assert _objects(graph, account, f"<{SKOS}prefLabel>") == {'"Kontodaten"@de'}
    assert (account, RDF_TYPE, iri(f"{DPV}PersonalData")) in graph


def test_a_category_of_the_companys_own_falls_back_to_personal_data(example_history: History) -> None:
    version = _second(example_history)
    assert version.source is not None
    document = version.document
    own = m.DataCategory(id="loyalty", label=m.Text({"en": "Loyalty points", "de": "Treuepunkte", "fr": "Points"}))
    special = m.DataCategory(id="faith", special=m.SpecialCategory.RELIGIOUS_OR_PHILOSOPHICAL_BELIEFS,
                             label=m.Text({"en": "Faith", "de": "Glaube", "fr": "Foi"}))
    purpose = document.purposes[0].model_copy(update={"data": [*document.purposes[0].data, "loyalty", "faith"]})
    changed = document.model_copy(update={"data_categories": [*document.data_categories, own, special],
                                          "purposes": [purpose, *document.purposes[1:]]})
    source = version.source.model_copy(update={"documents": {**version.source.documents, "privacy": changed}})
    graph = triples(jsonld.notice(replace(version, frozen_source=Later.known(source)), Formatter.for_locale("de"), PAGE,
                                  previous=None, current=f"{BASE}de/privacy/", site=BASE))
    loyalty = iri(f"{PAGE}#data-loyalty")
    assert _objects(graph, loyalty, f"<{SKOS}broader>") == {iri(f"{DPV}PersonalData")}
    assert _objects(graph, loyalty, f"<{SKOS}prefLabel>") == {'"Treuepunkte"@de'}
    faith = iri(f"{PAGE}#data-faith")
    assert (faith, RDF_TYPE, iri(f"{DPV}SpecialCategoryPersonalData")) in graph
    assert _objects(graph, faith, f"<{SKOS}broader>") == {iri(f"{PD}ReligiousBelief"), iri(f"{PD}PhilosophicalBelief")}
    process = iri(f"{PAGE}#purpose-{purpose.id}")
    assert {loyalty, faith} <= _objects(graph, process, f"<{DPV}hasPersonalData>")
    assert not _objects(graph, iri(PAGE), f"<{DCT}replaces>")  # a first version replaces nothing


def test_a_description_is_the_text_the_page_shows_not_its_markdown(example_history: History) -> None:
    version = _second(example_history)
    assert version.source is not None
    document = version.document
    prose = ("We check payments with **Stripe** ([terms](https://stripe.example/terms)).\n\n"
             "- cards\n- wallets <b>\\*</b> ![our logo](https://x.example/logo.png)")
    purpose = document.purposes[0].model_copy(update={"description": m.Text({"en": prose, "de": prose, "fr": prose})})
    changed = document.model_copy(update={"purposes": [purpose, *document.purposes[1:]]})
    source = version.source.model_copy(update={"documents": {**version.source.documents, "privacy": changed}})
    data = jsonld.notice(replace(version, frozen_source=Later.known(source)), Formatter.for_locale("en"), PAGE,
                         previous=None, current=f"{BASE}en/privacy/", site=BASE)
    process = next(node for node in data["dpv:hasProcess"] if node["@id"] == f"{PAGE}#purpose-{purpose.id}")
    assert process["dct:description"]["@value"] == (
        "We check payments with Stripe (terms (https://stripe.example/terms)).\n- cards\n- wallets <b>*</b> our logo")


def test_facts_the_source_leaves_out_are_left_out(example_history: History) -> None:
    version = _second(example_history)
    assert version.source is not None
    bare = version.document.model_copy(update={"dpo": None, "representative": m.Contact(), "rights": None,
                                                "supervisory_authority": None, "transfers": []})  # states nothing
    source = version.source.model_copy(update={"documents": {**version.source.documents, "privacy": bare}})
    graph = triples(jsonld.notice(replace(version, frozen_source=Later.known(source)), Formatter.for_locale("en"), PAGE,
                                  previous=None, current=f"{BASE}en/privacy/", site=BASE))
    predicates = {p for s, p, o in graph if s == iri(PAGE)}
    for absent in ("hasDataProtectionOfficer", "hasRepresentative", "hasRight", "hasAuthority"):
        assert f"<{DPV}{absent}>" not in predicates


def test_a_representative_is_named(example_history: History) -> None:
    version = _second(example_history)
    assert version.source is not None
    representative = m.Contact(name="EU Rep Ltd", email="rep@example.org")
    changed = version.document.model_copy(update={"representative": representative})
    source = version.source.model_copy(update={"documents": {**version.source.documents, "privacy": changed}})
    graph = triples(jsonld.notice(replace(version, frozen_source=Later.known(source)), Formatter.for_locale("fr"), PAGE,
                                  previous=None, current=f"{BASE}fr/privacy/", site=BASE))
    node = iri(f"{PAGE}#representative")
    assert (iri(PAGE), f"<{DPV}hasRepresentative>", node) in graph
    assert (node, RDF_TYPE, iri(f"{DPV}Representative")) in graph
    assert (node, f"<{DPV}hasContact>", "<mailto:rep@example.org>") in graph


@pytest.mark.slow
def test_every_version_page_links_its_notice_and_the_file_parses(built_site: Project) -> None:
    pages = sorted((built_site.site / "fr" / "privacy").glob("v*/index.html"))
    assert len(pages) >= 2
    for page in pages:
        html = page.read_text(encoding="utf-8")
        href = f"{BASE}fr/privacy/{page.parent.name}/notice.jsonld"
        assert f'<link rel="alternate" href="{href}" type="application/ld+json">' in html
        data = json.loads((page.parent / "notice.jsonld").read_text(encoding="utf-8"))
        graph = triples(data)
        subject = iri(f"{BASE}fr/privacy/{page.parent.name}/")
        assert (subject, RDF_TYPE, iri(f"{DPV}PrivacyNotice")) in graph
        assert _objects(graph, subject, f"<{DCT}language>") == {f'"fr"^^<{XSD}language>'}
    current = (built_site.site / "fr" / "privacy" / "index.html").read_text(encoding="utf-8")
    assert f'href="{BASE}fr/privacy/v2/notice.jsonld" type="application/ld+json"' in current
    assert not list((built_site.site / "fr" / "cookies").rglob("*.jsonld"))


def test_every_value_of_the_source_has_a_dpv_mapping() -> None:
    assert set(jsonld.DATA) | set(jsonld.DATA_PARENT) == set(m.DataType)
    assert not set(jsonld.DATA) & set(jsonld.DATA_PARENT)
    assert set(jsonld.SPECIAL) | set(jsonld.SPECIAL_PARENT) == set(m.SpecialCategory)
    assert set(jsonld.PURPOSES) == set(m.PurposeType)
    assert set(jsonld.RIGHTS) == set(m.Right)
    assert set(jsonld.ROLES) == {*m.RecipientRole, None}
    assert set(jsonld.SAFEGUARDS) == set(m.Safeguard) - {m.Safeguard.DEROGATION}
    assert set(jsonld.CERTIFICATIONS) == set(m.Certification)


def test_transfers_name_only_third_countries_and_weeks_become_days(example_history: History) -> None:
    version = _second(example_history)
    assert version.source is not None
    document = version.document
    transfers = [m.NoticeTransfer(countries=["FR", "US"], safeguards=[m.Safeguard.SCC, m.Safeguard.DEROGATION])]
    purpose = document.purposes[0].model_copy(update={"retention": m.Retention(period="P2W")})
    joint = m.Recipient(id="partner", name="Partner GmbH", role=m.RecipientRole.JOINT_CONTROLLER, country="DE")
    changed = document.model_copy(update={"transfers": transfers, "purposes": [purpose, *document.purposes[1:]],
                                          "recipients": [*document.recipients, joint],
                                          "dpo": document.dpo.model_copy(update={"email": "dpo#1@example.org"})})
    source = version.source.model_copy(update={"documents": {**version.source.documents, "privacy": changed}})
    graph = triples(jsonld.notice(replace(version, frozen_source=Later.known(source)), Formatter.for_locale("en"), PAGE,
                                  previous=None, current=f"{BASE}en/privacy/", site=BASE))
    [transfer] = _objects(graph, iri(PAGE), f"<{DPV}hasProcessing>")
    assert _objects(graph, transfer, f"<{DPV}hasThirdCountry>") == {iri(f"{LOC}US")}  # France is in the EEA
    grounds = _objects(graph, transfer, f"<{DPV}hasLegalBasis>")
    assert iri(f"{GDPR}A46-2-c") in grounds and len(grounds) == 2  # the derogation: a concept of its own
    [storage] = _objects(graph, iri(f"{PAGE}#purpose-{purpose.id}"), f"<{DPV}hasStorageCondition>")
    [duration] = _objects(graph, storage, f"<{DPV}hasDuration>")
    assert _objects(graph, duration, f"<{RDF_VALUE}>") == {f'"P14D"^^<{XSD}duration>'}
    group = iri(f"{PAGE}#joint-controllers")
    assert (group, RDF_TYPE, iri(f"{DPV}JointDataControllers")) in graph
    assert _objects(graph, group, f"<{DPV}hasDataController>") == {iri(f"{PAGE}#controller"),
                                                                     iri(f"{PAGE}#recipient-partner")}
    assert (iri(f"{PAGE}#dpo"), f"<{DPV}hasContact>", "<mailto:dpo%231@example.org>") in graph
