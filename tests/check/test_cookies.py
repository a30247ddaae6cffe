"""Cookies family (K01-K04) on YAML snippets."""

from __future__ import annotations

from pathlib import Path

from .helpers import CHANGES, PRIVACY, SITE, line_of, run

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


def found(tmp_path: Path, cookies: str, site: str = SITE, privacy: str = PRIVACY) -> list[tuple[str, int]]:
    return [(code, line) for code, name, line in run(tmp_path, site=site, privacy=privacy, cookies=cookies)
            if name == "cookies.yaml" or code.startswith("K")]


def test_complete_policy_passes_everywhere(tmp_path: Path) -> None:
    assert found(tmp_path, COOKIES, FRANCE) == []
    assert found(tmp_path, COOKIES, GERMANY) == []


def test_k01_empty_list_and_provider_country(tmp_path: Path) -> None:
    empty = "kind: cookies\n" + CHANGES
    assert found(tmp_path, empty) == [("K01", 1)]
    categories = "kind: cookies\ncategories:\n  - {purpose: analytics, basis: consent}\n" + CHANGES
    assert found(tmp_path, categories) == [("K01", 2)]
    no_country = PRIVACY.replace("    country: DE\n", "")
    third = COOKIES.replace("    name: _stats\n", "    name: _stats\n    provider: host\n")
    assert ("K01", line_of(third, "provider: host")) in found(tmp_path, third, privacy=no_country)


def test_k02_only_strictly_necessary_is_exempt(tmp_path: Path) -> None:
    exempt = COOKIES.replace("    lifetime: P13M\n    basis: consent", "    lifetime: P13M\n    basis: exempt")
    last_basis = exempt[: exempt.rindex("basis: exempt")].count("\n") + 1
    assert found(tmp_path, exempt, GERMANY) == [("K02", last_basis)]
    # France alone exempts first-party audience measurement (K04), so K02 stays quiet there
    assert found(tmp_path, exempt, SITE.replace("jurisdictions: [EU]", "jurisdictions: [FR]")) == []


def test_k03_consent_in_france(tmp_path: Path) -> None:
    bad = COOKIES.replace("reject_all: true", "reject_all: false").replace("remembered_for: P6M", "remembered_for: P13M")
    assert found(tmp_path, bad, FRANCE) == [("K03", line_of(bad, "reject_all")), ("K03", line_of(bad, "remembered_for"))]
    assert found(tmp_path, bad, GERMANY) == []
    missing = COOKIES[: COOKIES.index("consent:\n")] + CHANGES
    assert found(tmp_path, missing, FRANCE) == [("K03", 1)]


def test_k04_french_audience_measurement_exemption(tmp_path: Path) -> None:
    only_fr = SITE.replace("jurisdictions: [EU]", "jurisdictions: [FR]")
    long = COOKIES.replace("    lifetime: P13M\n    basis: consent", "    lifetime: P25M\n    basis: exempt")
    assert found(tmp_path, long, only_fr) == [("K04", line_of(long, "lifetime: P25M"))]
    ok = long.replace("P25M", "P13M")
    assert found(tmp_path, ok, only_fr) == []
