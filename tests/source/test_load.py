"""Loading a source: every problem reported at once, with its code and file:line:col."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from legalgen.diagnostics import SourceError
from legalgen.source.load import load_policy

SITE = """\
site:
  name: Test
  base_url: https://legal.test.example/
  locales: [en, de]
  default_locale: en
company:
  name: Test GmbH
  email: hello@test.example
format: 3
"""

PRIVACY = """\
kind: privacy
last_updated: 2026-01-15
data_categories:
  - id: contact
    type: email
purposes:
  - id: service
    type: service_provision
    legal_basis: contract
    data: [contact]
    retention:
      period: P30D
rights:
  granted: [access]
"""


def write_source(tmp_path: Path, **files: str) -> Path:
    """A source directory with site.yaml and the given files (name without .yaml)."""
    contents = {"site": SITE, **files}
    for name, text in contents.items():
        if text is not None:
            (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def problems(root: Path) -> list[tuple[str, str, int]]:
    """(code, file name, line) of every diagnostic the loader reports."""
    with pytest.raises(SourceError) as caught:
        load_policy(root)
    return [(d.code, Path(d.location.file).name, d.location.line) for d in caught.value.diagnostics]


def messages(root: Path) -> list[str]:
    with pytest.raises(SourceError) as caught:
        load_policy(root)
    return [d.format() for d in caught.value.diagnostics]


def test_valid_source_loads(tmp_path: Path) -> None:
    loaded = load_policy(write_source(tmp_path, privacy=PRIVACY))
    privacy = loaded.policy.document("privacy")
    assert privacy.purposes[0].retention.period.days == 30
    assert loaded.locate("privacy", ("purposes", 0, "legal_basis")).line == 9


def test_yaml_syntax_error(tmp_path: Path) -> None:
    broken = PRIVACY.replace("  - id: contact\n", "  - id: [contact\n")
    assert problems(write_source(tmp_path, privacy=broken))[0][:2] == ("S001", "privacy.yaml")


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    text = PRIVACY.replace("    legal_basis: contract", "    legal_bases: contract")
    found = messages(write_source(tmp_path, privacy=text))
    assert any(":9:5: error S002 unknown key 'legal_bases'" in m and "did you mean 'legal_basis'" in m for m in found)


def test_wrong_type_and_enum(tmp_path: Path) -> None:
    text = PRIVACY.replace("legal_basis: contract", "legal_basis: contractual").replace(
        "data: [contact]", "data: contact"
    )
    assert sorted(problems(write_source(tmp_path, privacy=text))) == [
        ("S003", "privacy.yaml", 9),
        ("S003", "privacy.yaml", 10),
    ]


def test_bad_date(tmp_path: Path) -> None:
    text = PRIVACY.replace("last_updated: 2026-01-15", "last_updated: 2026-02-30")
    assert problems(write_source(tmp_path, privacy=text)) == [("S004", "privacy.yaml", 2)]


def test_bad_duration(tmp_path: Path) -> None:
    text = PRIVACY.replace("period: P30D", "period: 30 days")
    found = messages(write_source(tmp_path, privacy=text))
    assert len(found) == 1 and ":12:15: error S005" in found[0] and "ISO 8601" in found[0]


def test_duplicate_id(tmp_path: Path) -> None:
    text = PRIVACY.replace("    type: email\n", "    type: email\n  - id: contact\n    type: phone\n")
    assert problems(write_source(tmp_path, privacy=text)) == [("S006", "privacy.yaml", 6)]


def test_unknown_reference(tmp_path: Path) -> None:
    text = PRIVACY.replace("data: [contact]", "data: [contacts]")
    found = messages(write_source(tmp_path, privacy=text))
    assert len(found) == 1 and ":10:12: error S007" in found[0] and "did you mean 'contact'" in found[0]


def test_tracker_provider_must_be_a_recipient(tmp_path: Path) -> None:
    cookies = """\
    kind: cookies
    trackers:
      - id: ga
        name: _ga
        provider: google
        technology: cookie
        purpose: analytics
        description: {en: analytics, de: Analyse}
        lifetime: P13M
        basis: consent
    """
    assert problems(write_source(tmp_path, privacy=PRIVACY, cookies=cookies)) == [("S007", "cookies.yaml", 5)]


def test_text_missing_a_locale(tmp_path: Path) -> None:
    text = PRIVACY.replace("kind: privacy\n", "kind: privacy\nintro:\n  en: Hello\n")
    found = messages(write_source(tmp_path, privacy=text))
    assert len(found) == 1 and ":3:3: error S008 intro: text lacks locale de" in found[0]


def test_missing_required_key(tmp_path: Path) -> None:
    site = SITE.replace("  name: Test GmbH\n", "")
    found = messages(write_source(tmp_path, site=site, privacy=PRIVACY))
    assert len(found) == 1 and "site.yaml:7:3: error S009 missing required key 'name' in company" in found[0]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    site = SITE.replace("default_locale: en", "default_locale: en\n  timezone: Mars/Olympus")
    privacy = PRIVACY.replace("last_updated: 2026-01-15", "last_updated: someday").replace(
        "period: P30D", "period: P30X"
    )
    codes = sorted(code for code, _, _ in problems(write_source(tmp_path, site=site, privacy=privacy)))
    assert codes == ["S003", "S004", "S005"]


def test_unknown_document_kind(tmp_path: Path) -> None:
    found = messages(write_source(tmp_path, terms="kind: privcy\n"))
    assert any("S003 unknown document kind 'privcy' (did you mean 'privacy'?)" in m for m in found)


def test_missing_site_file(tmp_path: Path) -> None:
    (tmp_path / "privacy.yaml").write_text(PRIVACY, encoding="utf-8")
    assert [code for code, _, _ in problems(tmp_path)] == ["S010"]


def test_second_document_of_a_kind(tmp_path: Path) -> None:
    assert problems(write_source(tmp_path, privacy=PRIVACY, privacy2=PRIVACY)) == [("S006", "privacy2.yaml", 1)]


@pytest.mark.parametrize(("old", "new", "shown"), [
    ("base_url: https://legal.test.example/", "base_url: 'https://legal.test.example:99999/'",
     "'https://legal.test.example:99999/' is not an absolute http(s) URL with a host"),
    ("base_url: https://legal.test.example/", "base_url: 'https://user:pw@legal.test.example/'",
     "'https://user:pw@legal.test.example/' is not an absolute http(s) URL with a host"),
    ("  name: Test GmbH\n", "  name: Test GmbH\n  address: {street: A 1, postal_code: '1', city: B, country: XX}\n",
     "'XX' is not an ISO 3166-1 alpha-2 country code"),
])
def test_a_bad_url_or_country_is_named_in_the_message(tmp_path: Path, old: str, new: str, shown: str) -> None:
    site = SITE.replace(old, new)
    assert site != SITE
    (tmp_path / "site.yaml").write_text(site, encoding="utf-8")
    (tmp_path / "privacy.yaml").write_text(PRIVACY, encoding="utf-8")
    found = messages(tmp_path)
    assert any(shown in message for message in found), found


@pytest.mark.parametrize(("old", "new", "shown"), [
    ("  name: Test GmbH\n", f"  name: {'A' * 501}\n", "company.name: must be at most 500 characters, not 501"),
    ("  name: Test\n", f"  name: {{en: {'T' * 600}, de: Test}}\n", "the en title must be at most 500 characters, not 600"),
])
def test_a_one_line_value_has_a_length_limit(tmp_path: Path, old: str, new: str, shown: str) -> None:
    """A name is printed on every page and in the From line of every notice e-mail, where a line
    may not pass 998 characters: a value no real name needs is refused where it is written."""
    site = SITE.replace(old, new)
    assert site != SITE
    (tmp_path / "site.yaml").write_text(site, encoding="utf-8")
    (tmp_path / "privacy.yaml").write_text(PRIVACY, encoding="utf-8")
    found = messages(tmp_path)
    assert any(shown in message and "site.yaml:" in message for message in found), found


@pytest.mark.parametrize(("file", "old", "new", "shown"), [
    ("site", "  name: Test GmbH\n", '  name: "Test GmbH \\u202Enoitaroproc"\n',
     "company.name: contains the bidirectional control character U+202E, which reverses the text around it"),
    ("site", "  name: Test GmbH\n", '  name: "Test \\u2067GmbH\\u2069"\n', "bidirectional control character U+2067"),
    ("privacy", "kind: privacy\n", 'kind: privacy\nintro: {en: "Hello \\u202Eworld", de: Hallo}\n',
     "the en text opens a bidirectional embedding, override or isolate it does not close"),
    ("privacy", "kind: privacy\n", 'kind: privacy\nintro: {en: "Hello \\u2067world", de: Hallo}\n',
     "the en text opens a bidirectional embedding, override or isolate it does not close"),
])
def test_a_bidirectional_control_cannot_reverse_the_page(tmp_path: Path, file: str, old: str, new: str,
                                                         shown: str) -> None:
    """An override left open reverses everything after it: the address, the e-mail, the template's words."""
    files = {"site": SITE, "privacy": PRIVACY}
    files[file] = files[file].replace(old, new, 1)
    assert files[file] != {"site": SITE, "privacy": PRIVACY}[file]
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    found = messages(tmp_path)
    assert any(shown in message and f"{file}.yaml:" in message for message in found), found


def test_closed_bidirectional_isolates_in_prose_are_text(tmp_path: Path) -> None:
    """Prose may quote right-to-left text in an isolate it closes."""
    (tmp_path / "site.yaml").write_text(SITE, encoding="utf-8")
    (tmp_path / "privacy.yaml").write_text(PRIVACY.replace(
        "kind: privacy\n", 'kind: privacy\nintro: {en: "Our name in Hebrew: \\u2067\u05e9\u05dc\u05d5\u05dd\\u2069.", de: Hallo}\n', 1),
        encoding="utf-8")
    assert "\u2067" in str(load_policy(tmp_path).policy.documents["privacy"].intro.get("en"))


def test_a_source_file_that_links_out_of_the_source_folder_is_not_read(tmp_path: Path) -> None:
    """A source (say, of a pull request) cannot make legalgen read, print or publish a file
    elsewhere on the machine: a link out of the source folder is S001 and never opened."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    (tmp_path / "policy").mkdir()
    source = write_source(tmp_path / "policy", privacy=PRIVACY)
    (source / "cookies.yaml").symlink_to(secret)
    found = messages(source)
    assert any("outside the source folder" in message for message in found), found
    assert not any("hunter2" in message for message in found)
