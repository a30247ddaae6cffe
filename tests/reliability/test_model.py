"""Values that load as YAML but say nothing usable: one S-coded diagnostic at the value's line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from legalgen.source.periods import Period

from ..check.helpers import PRIVACY, SITE
from .harness import check, write


def _line(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


SITE_CASES = [
    ("  name: Test GmbH", '  name: ""', "S003"),
    ("  name: Test GmbH", '  name: "   "', "S003"),
    ("  name: Test GmbH", '  name: "Test\\r\\nBcc: x@evil.example"', "S003"),
    ("  name: Test GmbH", '  name: "Test\\u0007GmbH"', "S003"),
    ("  name: Test\n", '  name: "Legal\\nsite"\n', "S003"),
    ("  name: Test\n", '  name: "Legal\\u009bsite"\n', "S003"),
    ("country: AT", "country: ZZ", "S003"),
    ("country: AT", "country: QQ", "S003"),
    ("country: AT", "country: EU", "S003"),
    ("country: AT", "country: de", "S003"),
    ("  default_locale: en", "  default_locale: en\n  timezone: America", "S003"),
    ("  default_locale: en", "  default_locale: en\n  timezone: Mars/Olympus", "S003"),
    # the machine's own zone, not the site's: its "today" would move with the machine
    ("  default_locale: en", "  default_locale: en\n  timezone: localtime", "S003"),
    ("  default_locale: en", "  default_locale: en\n  timezone: Factory", "S003"),
    ("  default_locale: en", "  default_locale: en\n  date_locales: {en: xx_YY}", "S003"),
    ("  default_locale: en", "  default_locale: en\n  date_locales: {en: de_DE}", "S003"),
    ("  base_url: https://legal.test.example/", '  base_url: https://legal.test.example/"><script>x</script>', "S003"),
    ("  base_url: https://legal.test.example/", "  base_url: javascript:alert(1)", "S003"),
    ("  base_url: https://legal.test.example/", "  base_url: https://legal.test.example/?q=1", "S003"),
    ("  base_url: https://legal.test.example/", "  base_url: https://user:pw@legal.test.example/", "S003"),
    ("  email: hello@test.example", '  email: "Name <a@test.example>"', "S003"),
    ("  email: hello@test.example", '  email: "a@test.example, b@evil.example"', "S003"),
    ("  email: hello@test.example", '  email: "a@test.example\\r\\nBcc: b@evil.example"', "S003"),
    ("  default_locale: en", "  default_locale: en\n  notices: {unsubscribe: 'javascript:alert(1)'}", "S003"),
    ("  default_locale: en", '  default_locale: en\n  notices: {unsubscribe: "https://x.example/\\r\\nBcc: y"}', "S003"),
    ("  default_locale: en", "  default_locale: en\n  notices: {reminder: P99999999Y}", "S005"),
    ("  default_locale: en", "  default_locale: en\n  notices: {period: P300Y}", "S005"),
    ("  locales: [en, de]", "  locales: [en, en]", "S003"),
]


@pytest.mark.parametrize(("old", "new", "code"), SITE_CASES)
def test_bad_site_values(tmp_path: Path, old: str, new: str, code: str) -> None:
    assert old in SITE
    text = SITE.replace(old, new, 1)
    needle = new.strip().splitlines()[-1].strip()
    outcome = check(write(tmp_path / "source", {"site.yaml": text}))
    assert outcome.exit_code == 1, outcome.output
    lines = [line for found, name, line in outcome.found if found == code and name == "site.yaml"]
    assert lines, outcome.output
    assert _line(text, needle) in lines, outcome.output


PRIVACY_CASES = [
    ("    type: email\n", "    type: email\n    label: {en: \"Mail\\u0000\", de: Mail}\n", "S003"),
    ("    type: email\n", "    type: email\n    details: {en: \"bell\\u0007\", de: x}\n", "S003"),
    ("kind: privacy\n", "kind: privacy\ntitle: {en: \"Privacy\\nPolicy\", de: Datenschutz}\n", "S003"),
    ("kind: privacy\n", "kind: privacy\nsections: [{id: s, title: {en: \"a\\rb\", de: b}, body: {en: x, de: y}}]\n",
     "S003"),
    ("    country: DE\n", "    country: XK\n", "S003"),
    ("    name: Host GmbH\n", "    name: \"\\t\"\n", "S003"),
    ("retention: {period: P30D", "retention: {period: P10000000D", "S005"),
    ("retention: {period: P30D", "retention: {period: P-1D", "S005"),
    ("changes: {channels", "children: {minimum_age: " + "9" * 40 + "}\nchanges: {channels",
     "S003"),
    ("  email: privacy@test.example", "  email: \"privacy@test.example>, <x@evil.example\"", "S003"),
    ('url: "https://www.dsb.gv.at/"', "url: 'javascript:alert(1)'",
     "S003"),
]


@pytest.mark.parametrize(("old", "new", "code"), PRIVACY_CASES)
def test_bad_document_values(tmp_path: Path, old: str, new: str, code: str) -> None:
    assert old in PRIVACY
    text = PRIVACY.replace(old, new, 1)
    outcome = check(write(tmp_path / "source", {"privacy.yaml": text}))
    assert outcome.exit_code == 1, outcome.output
    assert any(found == code and name == "privacy.yaml" and line > 1 for found, name, line in outcome.found), \
        outcome.output


def test_a_reminder_in_months_is_counted_on_the_calendar() -> None:
    assert Period.parse("P1M").add_to(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert Period.parse("P1Y2M3D").add_to(dt.date(2024, 2, 29)) == dt.date(2025, 5, 2)
    with pytest.raises(OverflowError):
        Period.parse("P200Y").add_to(dt.date(9900, 1, 1))
    assert not Period.parse("P200Y").separates(dt.date(9900, 1, 1), dt.date(9999, 12, 31))
