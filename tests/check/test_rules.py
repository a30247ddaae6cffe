"""The rule set: IDs unique and documented, RULES.md current, overrides, explain, coverage, samples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.check import FAMILIES, SECTIONS, rules
from legalgen.check.reference import rules_markdown
from legalgen.cli import main

from ..conftest import REPO
from .helpers import PRIVACY, SITE, run

REQUIRED = (
    [f"G{n:02d}" for n in range(1, 23) if n not in (13, 16, 18)]
    + [f"C0{n}" for n in range(1, 7)] + [f"K0{n}" for n in range(1, 5)] + [f"R0{n}" for n in range(1, 10)]
    + ["I01", "I02"]
)
#: legalgen's own rules, for requirements REQUIREMENTS.md does not number.
OWN = ["C07", "C08", "C09", "C10", "C11", "G23", "T01", "R10", "R11", "R12", "R13", "R14", "I03", "P10", "P11"] + [f"P0{n}" for n in range(1, 10)]


def test_every_requirement_has_exactly_one_rule() -> None:
    registered = [r.id for r in rules()]
    assert len(registered) == len(set(registered))
    assert sorted(registered) == sorted(REQUIRED + OWN)
    requirements = (REPO.parent / "shared" / "legal" / "REQUIREMENTS.md")
    if requirements.is_file():
        listed = set(re.findall(r"^\| ([GCKRI]\d\d) \|", requirements.read_text(encoding="utf-8"), re.MULTILINE))
        assert listed == set(registered) - set(OWN)


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r.id)
def test_every_rule_is_documented(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.summary.endswith(".") and rule.source
    for section in SECTIONS:
        assert len(rule.section(section)) > 15, f"{rule.id} lacks {section}"
    assert rule.family in FAMILIES


def test_rules_reference_is_current() -> None:
    assert (REPO / "RULES.md").read_text(encoding="utf-8") == rules_markdown(), "run `legalgen rules -o RULES.md`"


def test_explain_prints_the_documentation() -> None:
    result = CliRunner().invoke(main, ["check", "--explain", "r04"])
    assert result.exit_code == 0
    for text in ("R04 (consumer, error; DE, EU, FR; audience: consumers)", "Why:", "Fails:", "Passes:",
                 "Directive 2011/83/EU Art. 13"):
        assert text in result.output
    unknown = CliRunner().invoke(main, ["check", "--explain", "X99"])
    assert unknown.exit_code == 2 and "unknown rule" in unknown.output


def test_overrides_disable_or_downgrade_with_a_reason(tmp_path: Path) -> None:
    vague = PRIVACY.replace("kind: privacy\n", "kind: privacy\nintro: {en: We may change things., de: Klar.}\n")
    assert [c for c, _, _ in run(tmp_path, privacy=vague)] == ["G22"]
    site = SITE.replace("  jurisdictions: [EU]\n", "  jurisdictions: [EU]\n  checks:\n    G22: {level: 'off', "
                        "reason: our lawyers reviewed the wording}\n    G03: {level: warning, reason: migration}\n")
    no_basis = vague.replace("    legal_basis: contract\n", "")
    assert run(tmp_path, site=site, privacy=no_basis) == [("G03", "privacy.yaml", 7)]
    root = tmp_path / "source"
    result = CliRunner().invoke(main, ["check", "--source", str(root)])
    assert result.exit_code == 0
    assert "note: G22 set to off: our lawyers reviewed the wording" in result.output
    assert "warning G03" in result.output


def test_unknown_rule_in_overrides(tmp_path: Path) -> None:
    site = SITE.replace("  jurisdictions: [EU]\n", "  jurisdictions: [EU]\n  checks:\n    G99: {level: 'off', "
                        "reason: typo}\n")
    assert run(tmp_path, site=site, privacy=PRIVACY) == [("S007", "site.yaml", 8)]


def test_coverage_lists_requirements_and_fields(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--coverage", "--root", str(REPO), "--as-of", "2026-11-22"])
    assert result.exit_code == 0
    assert re.search(r"privacy:\n(.*\n)*  ok +G03 Every purpose states its legal basis.*\n +purposes\[\]\.legal_basis: "
                     r"policy/privacy\.yaml:\d+:\d+", result.output)
    assert "refund:" in result.output and "R01" in result.output
    assert "MISSING" not in result.output  # the example meets every requirement that applies
    sample = CliRunner().invoke(main, ["check", "--coverage", "--source", str(REPO / "examples" / "smartsiptv-privacy")])
    assert re.search(r"MISSING G10 .*\n +rights.granted \| supervisory_authority: ", sample.output)


def _coverage(*args: str) -> dict[str, dict[str, dict]]:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["check", "--coverage", "--format", "json", *args])
    data = json.loads(result.stdout)
    return {part: {item["rule"]: item for item in items} for part, items in data["coverage"].items()}


def test_coverage_reads_every_list_item_the_site_file_and_the_changelogs() -> None:
    report = _coverage("--root", str(REPO), "--as-of", "2026-11-22")
    privacy, site = report["privacy"], report["site"]
    purposes = (REPO / "policy" / "privacy.yaml").read_text(encoding="utf-8").count("\n    legal_basis:")
    assert privacy["G03"]["status"] == "ok" and len(privacy["G03"]["fields"]) == purposes > 1
    assert privacy["G01"]["status"] == "ok" and all("site.yaml" in f for f in privacy["G01"]["fields"])
    for rule in ("G04", "G06", "G15"):
        assert privacy[rule]["status"] == "ok" and privacy[rule]["fields"], rule
    versions = sum(1 for _ in (REPO / "policy" / "versions").glob("*/*/source"))
    for rule in ("C02", "C03", "C04", "C06", "C07"):
        assert site[rule]["status"] == "ok" and sum("changelog.yaml" in f for f in site[rule]["fields"]) == versions
    assert privacy["G12"]["status"] == "not applicable"
    assert privacy["G12"]["reason"] == "applies only when automated decisions are described (automated_decisions)"
    assert site["I02"]["status"] == "not applicable" and "France" in site["I02"]["reason"]


def test_coverage_gives_the_reason_a_rule_does_not_apply() -> None:
    report = _coverage("--source", str(REPO / "examples" / "iptv-smarters-pro-refund"), "--as-of", "2026-11-22")
    refund = report["refund"]
    assert refund["R08"]["status"] == "not applicable" and refund["R08"]["reason"].startswith("applies to DE;")
    assert refund["R01"]["status"] == "missing" and refund["R01"]["problems"][0]["severity"] == "error"
    assert report["privacy"]["G03"]["reason"] == "the site has no privacy document"


EXPECTED = {
    "iptv-smarters-privacy": {"G01", "G03", "G07", "G08", "G10", "G11", "C03", "C05", "G22", "G23"},
    "smartsiptv-privacy": {"G01", "G03", "G06", "G07", "G08", "G10", "G11", "C03", "G22", "I02", "K01"},
    "iptv-smarters-pro-refund": {"R01", "R04", "R06", "R07", "C03", "G22"},
}


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_samples_report_their_real_defects(sample: str) -> None:
    result = CliRunner().invoke(main, ["check", "--source", str(REPO / "examples" / sample), "--as-of", "2026-11-22"])
    assert result.exit_code == 1
    found = set(re.findall(r": (?:error|warning) ([A-Z]\d\d) ", result.output))
    assert found == EXPECTED[sample]


def test_example_site_is_clean() -> None:
    result = CliRunner().invoke(main, ["check", "--root", str(REPO), "--as-of", "2026-11-22"])
    assert result.exit_code == 0 and result.output.strip().endswith("no problems"), result.output
