"""Cookies family (K01-K04) on YAML snippets."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import CHANGES, PRIVACY, SITE, diagnostics, line_of, run

COOKIES = """\
kind: cookies
trackers:
  - id: session
    name: sid
    technology: cookie
    purpose: strictly_necessary
    description: {en: keeps you signed in, de: hält Sie angemeldet}
    lifetime: session
    basis: exempt
  - id: stats
    name: _stats
    technology: cookie
    purpose: analytics
    description: {en: counts visits, de: zählt Besuche}
    lifetime: P13M
    basis: consent
consent:
  reject_all: true
  remembered_for: P6M
  withdraw: {en: use the cookie settings link, de: über den Link Cookie-Einstellungen}
""" + CHANGES
FRANCE = SITE.replace("jurisdictions: [EU]", "jurisdictions: [EU, FR]")
GERMANY = SITE.replace("jurisdictions: [EU]", "jurisdictions: [EU, DE]")


#: PRIVACY with the analytics purpose of the tracker _stats, so that P11 is satisfied.
ANALYTICS = PRIVACY.replace("recipients:\n  - id: host", """\
  - id: stats
    type: analytics
    legal_basis: consent
    data: [contact]
    retention: {period: P13M}
    requirement: {provision: voluntary}
recipients:
  - id: host""")


def found(tmp_path: Path, cookies: str, site: str = SITE, privacy: str = ANALYTICS) -> list[tuple[str, int]]:
    return [(code, line) for code, name, line in run(tmp_path, site=site, privacy=privacy, cookies=cookies)
            if name == "cookies.yaml" or code.startswith("K")]


def severities(tmp_path: Path, cookies: str, site: str = SITE) -> list[tuple[str, str]]:
    return [(d.code, d.severity.value) for d in diagnostics(tmp_path, site=site, privacy=PRIVACY, cookies=cookies)
            if d.code.startswith("K")]


def test_complete_policy_passes_everywhere(tmp_path: Path) -> None:
    assert found(tmp_path, COOKIES, FRANCE) == []
    assert found(tmp_path, COOKIES, GERMANY) == []


def test_k01_empty_list_and_provider_country(tmp_path: Path) -> None:
    empty = "kind: cookies\n" + CHANGES
    assert found(tmp_path, empty) == [("K01", 1)]
    categories = "kind: cookies\ncategories:\n  - {purpose: analytics, basis: consent}\n" + CHANGES
    assert found(tmp_path, categories) == [("K03", 1), ("K01", 2)]  # a category "with your consent": how?
    beside = COOKIES + "categories:\n  - {purpose: marketing, basis: consent}\n"
    assert ("K01", line_of(beside, "purpose: marketing")) in found(tmp_path, beside)
    no_country = PRIVACY.replace("    country: DE\n", "")
    third = COOKIES.replace("    name: _stats\n", "    name: _stats\n    provider: host\n")
    assert ("K01", line_of(third, "provider: host")) in found(tmp_path, third, privacy=no_country)


def test_k02_only_strictly_necessary_is_exempt(tmp_path: Path) -> None:
    exempt = COOKIES.replace("    lifetime: P13M\n    basis: consent", "    lifetime: P13M\n    basis: exempt")
    last_basis = exempt[: exempt.rindex("basis: exempt")].count("\n") + 1
    assert found(tmp_path, exempt, GERMANY) == [("K02", last_basis)]
    # France alone exempts first-party audience measurement (K04), so K02 stays quiet there
    assert found(tmp_path, exempt, SITE.replace("jurisdictions: [EU]", "jurisdictions: [FR]")) == []


@pytest.mark.parametrize("site", [FRANCE, GERMANY, SITE], ids=["FR", "DE", "EU"])
def test_k03_refusal_and_withdrawal_everywhere(tmp_path: Path, site: str) -> None:
    no_reject = COOKIES.replace("reject_all: true", "reject_all: false")
    assert found(tmp_path, no_reject, site) == [("K03", line_of(no_reject, "reject_all"))]
    missing = COOKIES[: COOKIES.index("consent:\n")] + CHANGES
    assert found(tmp_path, missing, site) == [("K03", 1)]


@pytest.mark.parametrize(("period", "site", "severity"), [
    ("P7M", FRANCE, "error"), ("P6M", FRANCE, None),
    ("P13M", GERMANY, "warning"), ("P12M", GERMANY, None), ("P7M", GERMANY, None),
    ("P2Y", SITE, "warning"), ("P1Y", SITE, None),
])
def test_k03_consent_duration_by_jurisdiction(tmp_path: Path, period: str, site: str, severity: str | None) -> None:
    text = COOKIES.replace("remembered_for: P6M", f"remembered_for: {period}")
    found_here = severities(tmp_path, text, site)
    assert found_here == ([("K03", severity)] if severity else [])


def test_k04_french_audience_measurement_exemption(tmp_path: Path) -> None:
    only_fr = SITE.replace("jurisdictions: [EU]", "jurisdictions: [FR]")
    long = COOKIES.replace("    lifetime: P13M\n    basis: consent", "    lifetime: P25M\n    basis: exempt")
    assert found(tmp_path, long, only_fr) == [("K04", line_of(long, "lifetime: P25M"))]
    ok = long.replace("P25M", "P13M")
    assert found(tmp_path, ok, only_fr) == []
