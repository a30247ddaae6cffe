"""How `legalgen check` reports: grouped by rule and file, --no-group, text, github, json and SARIF."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main

from .helpers import PRIVACY, SITE, line_of

#: Three purposes without a legal basis: one G03 point with three places.
THREE = PRIVACY.replace("    legal_basis: contract\n", "").replace("purposes:\n", """purposes:
  - id: support
    type: customer_support
    data: [contact]
    retention: {period: P1Y}
    requirement: {provision: voluntary}
  - id: news
    type: service_communication
    data: [contact]
    retention: {period: P1Y}
    requirement: {provision: voluntary}
""")


def _source(tmp_path: Path, privacy: str = THREE) -> Path:
    root = tmp_path / "source"
    root.mkdir()
    (root / "site.yaml").write_text(SITE, encoding="utf-8")
    (root / "privacy.yaml").write_text(textwrap.dedent(privacy), encoding="utf-8")
    return root


def _check(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["check", "--source", str(root), "--as-of", "2026-11-22", *args])


def test_one_point_per_rule_and_file_with_its_places(tmp_path: Path) -> None:
    root = _source(tmp_path)
    result = _check(root)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    heads = [line for line in lines if " error G03 " in line]
    assert len(heads) == 1 and heads[0].endswith("3 places")
    assert "Every purpose states its legal basis" in heads[0] and "[GDPR Art. 13(1)(c)]" in heads[0]
    places = [line for line in lines if line.startswith("    ") and "has no legal basis" in line]
    assert [int(line.split(":")[1]) for line in places] == [
        line_of(THREE, "  - id: support"), line_of(THREE, "  - id: news"), line_of(THREE, "  - id: service")]
    assert all("[GDPR" not in line for line in places)  # the source is cited once, in the head
    assert "3 error(s), 0 warning(s)" in result.stderr  # the exit status and count follow the places


def test_no_group_gives_one_diagnostic_per_place(tmp_path: Path) -> None:
    result = _check(_source(tmp_path), "--no-group")
    assert result.stdout.count(" error G03 ") == 3 and "places" not in result.stdout


def test_a_single_finding_is_not_grouped(tmp_path: Path) -> None:
    one = PRIVACY.replace("    legal_basis: contract\n", "")
    result = _check(_source(tmp_path, one))
    assert result.stdout.count(" error G03 purpose 'service' has no legal basis [GDPR Art. 13(1)(c)]") == 1


def test_github_annotations_one_per_point(tmp_path: Path) -> None:
    result = _check(_source(tmp_path), "--format", "github")
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error")]
    assert len(annotations) == 1 and "G03" in annotations[0] and annotations[0].count("%0A") == 3


def test_json_findings(tmp_path: Path) -> None:
    result = _check(_source(tmp_path), "--format", "json")
    data = json.loads(result.stdout)
    [finding] = data["findings"]
    assert finding["code"] == "G03" and finding["severity"] == "error" and len(finding["places"]) == 3
    assert {"file", "line", "column", "message", "hint"} <= set(finding["places"][0])
    assert "no problems" not in result.stdout


def test_sarif_for_code_scanning(tmp_path: Path) -> None:
    root = _source(tmp_path)
    result = _check(root, "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "legalgen"
    ids = [rule["id"] for rule in driver["rules"]]
    assert "G03" in ids and "P08" in ids and len(ids) == len(set(ids))
    [result_] = run["results"]
    assert driver["rules"][result_["ruleIndex"]]["id"] == result_["ruleId"] == "G03"
    assert result_["level"] == "error"
    physical = result_["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("privacy.yaml") and physical["region"]["startLine"] >= 1
    assert len(result_["relatedLocations"]) == 3
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["defaultConfiguration"]["level"] in ("error", "warning")


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_source_errors_are_machine_readable_too(tmp_path: Path, output_format: str) -> None:
    root = _source(tmp_path, PRIVACY.replace("type: email", "type: [email"))
    result = _check(root, "--format", output_format)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data  # a YAML syntax error (S001) in the format asked for
    assert "S001" in result.stdout


def test_coverage_is_text_or_json_only(tmp_path: Path) -> None:
    result = _check(_source(tmp_path), "--coverage", "--format", "sarif")
    assert result.exit_code == 2 and "--coverage prints text or json" in result.output


def test_a_file_name_is_a_valid_uri_in_sarif(tmp_path: Path) -> None:
    """SARIF names files by URI: a space, a % or a line break in a name is percent-encoded, so
    the name a tool decodes is the file's own."""
    root = _source(tmp_path)
    (root / "privacy.yaml").rename(root / "pri vacy%0A\n.yaml")
    log = json.loads(_check(root, "--format", "sarif").stdout)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("/pri%20vacy%250A%0A.yaml") and " " not in uri and "\n" not in uri


@pytest.mark.parametrize("output_format", ["github", "json", "sarif"])
def test_machine_formats_keep_the_summary_out_of_stdout(tmp_path: Path, output_format: str) -> None:
    root = _source(tmp_path, PRIVACY)
    result = CliRunner().invoke(main, ["check", "--source", str(root), "--as-of", "2026-11-22",
                                       "--format", output_format])
    assert "document(s)" not in result.stdout and "document(s)" in result.stderr
