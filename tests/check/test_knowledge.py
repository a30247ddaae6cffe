"""The knowledge files: every entry has a source and a date, codes are real, lookups answer right."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from legalgen import knowledge
from legalgen.source.model import iso_countries

COUNTRIES = iso_countries()


@pytest.mark.parametrize("name", knowledge.FILES)
def test_every_entry_has_a_source_and_a_date(name: str) -> None:
    data = knowledge.load(name)
    assert isinstance(data["version"], int) and isinstance(data["reviewed"], dt.date)
    entries = list(data["entries"]) + ([data["federal"]] if "federal" in data else [])
    assert entries
    for entry in entries:
        assert isinstance(entry.get("source"), str) and len(entry["source"]) > 8, entry
        assert isinstance(entry.get("date"), dt.date) and entry["date"] <= data["reviewed"], entry


@pytest.mark.parametrize("name", ["countries", "adequacy", "authorities"])
def test_country_codes_are_iso_3166(name: str) -> None:
    data = knowledge.load(name)
    for entry in data["entries"]:
        code = entry.get("code") or entry["country"]
        assert isinstance(code, str) and code in COUNTRIES, entry  # an unquoted NO would be a boolean


def test_eu_and_eea() -> None:
    parts = {"GP", "GF", "MQ", "RE", "MF", "YT", "AX"}  # outermost regions (Art. 349 TFEU) and Åland (Art. 355(4))
    assert len(knowledge.eu()) == 27 and knowledge.eea() == knowledge.eu() | {"IS", "LI", "NO"} | parts
    assert "GB" not in knowledge.eea() and "CH" not in knowledge.eea()
    # overseas countries and territories, the Faroes, Greenland, Svalbard: outside the Union and the EEA
    assert not {"BL", "PF", "NC", "PM", "WF", "FO", "GL", "SJ", "BV"} & knowledge.eea()
    assert {knowledge.member_state(code) for code in parts} == {"FR", "FI"}
    assert knowledge.member_state("AX") == "FI" and knowledge.member_state("DE") == "DE"


def test_adequacy_decisions_and_their_scope() -> None:
    assert knowledge.adequacy("CN") is None and knowledge.adequacy("IN") is None
    us = knowledge.adequacy("US")
    assert us is not None and us.certified_only and us.framework == "EU-U.S. Data Privacy Framework"
    assert knowledge.adequacy("US", dt.date(2023, 7, 9)) is None  # before the decision
    gb = knowledge.adequacy("GB")
    assert gb is not None and gb.until is not None and knowledge.adequacy("GB", gb.until + dt.timedelta(days=1)) is None
    assert not knowledge.adequacy("CH").certified_only  # type: ignore[union-attr]


def test_every_german_land_has_its_authority() -> None:
    german = [a for a in knowledge.authorities() if a.country == "DE" and not a.federal and not a.public_only]
    assert sorted(a.region for a in german) == sorted(
        f"DE-{code}" for code in ["BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH"])
    assert all(a.land and a.cities and a.hosts for a in german)
    eea_authorities = {a.country for a in knowledge.authorities()}
    assert {knowledge.member_state(code) for code in knowledge.eea()} <= eea_authorities


@pytest.mark.parametrize(("name", "url", "country", "region"), [
    ("BfDI", None, "DE", None),
    ("Der Hamburgische Beauftragte für Datenschutz und Informationsfreiheit", None, "DE", "DE-HH"),
    ("Datenschutzaufsicht", "https://www.lda.bayern.de/de/index.html", "DE", "DE-BY"),
    ("CNIL", None, "FR", None),
    ("CNPD Portugal", None, "PT", None),
    ("Data Protection Commission", "https://www.dataprotection.ie/", "IE", None),
])
def test_authorities_are_recognised_by_name_or_host(name: str, url: str | None, country: str, region: str | None) -> None:
    found = knowledge.identify(name, url)
    assert found is not None and (found.country, found.region) == (country, region)


def test_the_bavarian_public_sector_authority_is_never_a_company_s() -> None:
    public = knowledge.identify("BayLfD")
    assert public is not None and public.public_only
    assert knowledge.competent("DE", region="Bayern").name == "Bayerisches Landesamt für Datenschutzaufsicht"  # type: ignore[union-attr]


def test_an_unknown_authority_is_not_guessed() -> None:
    assert knowledge.identify("Our data protection authority") is None
    assert knowledge.identify("DPCs of the world", "https://example.com/") is None


def test_competent_authority_by_land_or_city() -> None:
    assert knowledge.competent("DE", city="Berlin").region == "DE-BE"  # type: ignore[union-attr]
    assert knowledge.competent("DE", region="Bayern").region == "DE-BY"  # type: ignore[union-attr]
    assert knowledge.competent("DE", region="DE-NW").region == "DE-NW"  # type: ignore[union-attr]
    assert knowledge.competent("DE", city="Unterhaching") is None
    assert knowledge.competent("FR").names[-1] == "CNIL"  # type: ignore[union-attr]
    assert knowledge.competent("RE") is knowledge.competent("FR")  # Réunion is France


def test_tracker_patterns() -> None:
    patterns = [t.pattern for t in knowledge.trackers()]
    assert len(patterns) == len(set(patterns))
    for known in knowledge.trackers():
        assert known.purpose in {"strictly_necessary", "preferences", "analytics", "marketing"}
        assert known.lifetime == "session" or re.fullmatch(r"P(T\d+[HM]|\d+[DMY])", known.lifetime)
        assert known.source.startswith("https://")
    assert knowledge.tracker("_ga").provider == "Google Analytics"  # type: ignore[union-attr]
    assert knowledge.tracker("_ga_Q1W2E3").pattern == "_ga_*"  # type: ignore[union-attr]
    assert knowledge.tracker("_gat_UA-1").pattern == "_gat*"  # type: ignore[union-attr]
    assert knowledge.tracker("session") is None


def test_knowledge_files_read_yaml_1_2_booleans_and_dates() -> None:
    parsed = knowledge._parse(b"a: NO\nb: [yes, on, off, true, false]\nc: 2024-01-01\n")
    assert parsed == {"a": "NO", "b": ["yes", "on", "off", True, False], "c": dt.date(2024, 1, 1)}
