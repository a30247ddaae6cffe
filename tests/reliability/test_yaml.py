"""Hostile and broken YAML: each is one clean diagnostic with code and line, exit 1, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from .harness import check, write

DEPTH_FLOW = "kind: privacy\nx: " + "[" * 10_000 + "]" * 10_000 + "\n"
DEPTH_BLOCK = "kind: privacy\nx:\n" + "".join("  " * i + f"- k{i}:\n" for i in range(1, 60)) + "  " * 60 + "v\n"
LAUGHS = "kind: privacy\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize(("files", "expected"), [
    ({"privacy.yaml": ""}, ("S009", "privacy.yaml", 1)),
    ({"privacy.yaml": "# only a comment\n\n# and another\n"}, ("S009", "privacy.yaml", 1)),
    ({"site.yaml": ""}, ("S009", "site.yaml", 1)),
    ({"site.yaml": "# nothing here\n"}, ("S009", "site.yaml", 1)),
    ({"site.yaml": "- a\n- b\n"}, ("S003", "site.yaml", 1)),
    ({"privacy.yaml": "just a sentence\n"}, ("S009", "privacy.yaml", 1)),
    ({"privacy.yaml": "- kind: privacy\n"}, ("S009", "privacy.yaml", 1)),
    ({"privacy.yaml": "kind: privacy\ndata_categories: [\n  {id: a\n"}, ("S001", "privacy.yaml", 3)),  # the brace
    ({"privacy.yaml": "kind: privacy\npurposes:\n  - id: x\n    legal_basis contract\n    data: [a]\n"},
     ("S001", "privacy.yaml", 4)),  # the key without its colon, not the line after it
    ({"privacy.yaml": "kind: privacy\nkind: cookies\n"}, ("S001", "privacy.yaml", 2)),
    ({"privacy.yaml": "kind: privacy\nx:\n\ty: 1\n"}, ("S001", "privacy.yaml", 3)),
    ({"privacy.yaml": "kind: privacy\nsize: " + "9" * 5000 + "\n"}, ("S001", "privacy.yaml", 2)),
    ({"privacy.yaml": "kind: privacy\nname: Stra\xdfe\n".encode("latin-1")}, ("S001", "privacy.yaml", 2)),
    ({"privacy.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"}, ("S001", "privacy.yaml", 1)),
    ({"privacy.yaml": "kind: privacy\nname: a\x00b\n"}, ("S001", "privacy.yaml", 2)),
    ({"privacy.yaml": "kind: privacy\nname: a\x1bb\n"}, ("S001", "privacy.yaml", 2)),
    ({"privacy.yaml": DEPTH_FLOW}, ("S011", "privacy.yaml", 2)),
    ({"privacy.yaml": DEPTH_BLOCK}, ("S011", "privacy.yaml", 22)),
    ({"privacy.yaml": LAUGHS}, ("S011", "privacy.yaml", 1)),
    ({"privacy.yaml": "kind: privacy\nintro: &a {en: [*a]}\n"}, ("S011", "privacy.yaml", 1)),
    ({"notes.yml": "kind: privacy\n"}, ("S006", "privacy.yaml", 1)),
    ({"privacy.yaml": "kind: 42\n"}, ("S003", "privacy.yaml", 1)),
    ({"privacy.yaml": "kind: privacy\nintro:\n  null: x\n"}, ("S001", "privacy.yaml", 3)),
    ({"privacy.yaml": "kind: privacy\ntrue: x\n"}, ("S001", "privacy.yaml", 2)),
    ({"privacy.yaml": "kind: privacy\n\n? \n: x\n"}, ("S001", "privacy.yaml", 3)),
    ({"privacy.yaml": "kind: [privacy]\n"}, ("S003", "privacy.yaml", 1)),
    # a value its explicit tag cannot read
    ({"privacy.yaml": "kind: privacy\nintro: !!timestamp 2026-02-30\n"}, ("S001", "privacy.yaml", 2)),
    ({"privacy.yaml": "kind: privacy\nintro: !!timestamp abc\n"}, ("S001", "privacy.yaml", 2)),
    ({"privacy.yaml": "kind: privacy\nintro:\n  en: !!float abc\n"}, ("S001", "privacy.yaml", 3)),
    ({"privacy.yaml": "kind: privacy\nintro: [!!bool maybe]\n"}, ("S001", "privacy.yaml", 2)),
])
def test_broken_yaml_is_one_clean_diagnostic(tmp_path: Path, files: dict[str, str | bytes],
                                             expected: tuple[str, str, int]) -> None:
    outcome = check(write(tmp_path / "source", files))
    assert outcome.exit_code == 1, outcome.output
    assert outcome.has(*expected), outcome.output


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = write(tmp_path / "source", {"privacy.yaml": "kind: privacy\n" + "# padding\n" * 200})
    outcome = check(root, env={"LEGALGEN_MAX_FILE_BYTES": "1000"})
    assert outcome.exit_code == 1 and outcome.found == [("S011", "privacy.yaml", 1)]
    assert "larger than the limit of 1000" in outcome.output


def test_a_file_with_too_many_values_stops_where_the_limit_is_reached(tmp_path: Path) -> None:
    items = "".join(f"  - item {i}\n" for i in range(500))
    root = write(tmp_path / "source", {"privacy.yaml": "kind: privacy\nsecurity:\n" + items})
    outcome = check(root, env={"LEGALGEN_MAX_VALUES": "100"})
    assert outcome.exit_code == 1 and outcome.found == [("S011", "privacy.yaml", 98)]
    assert "more than 100 values in one file" in outcome.output and "LEGALGEN_MAX_VALUES" in outcome.output


def test_limits_can_be_raised_and_bad_values_are_a_clear_error(tmp_path: Path) -> None:
    root = write(tmp_path / "source", {"privacy.yaml": DEPTH_BLOCK})
    raised = check(root, env={"LEGALGEN_MAX_DEPTH": "100"})
    assert ("S011", "privacy.yaml", 22) not in raised.found
    bad = check(root, env={"LEGALGEN_MAX_DEPTH": "deep"})
    assert bad.exit_code == 1 and "LEGALGEN_MAX_DEPTH must be a positive whole number" in bad.output


def test_yaml_1_2_scalars_keep_country_codes_and_words(tmp_path: Path) -> None:
    site = (write(tmp_path / "x", {}) / "site.yaml").read_text(encoding="utf-8")
    root = write(tmp_path / "source", {"site.yaml": site.replace("country: DE", "country: NO")})
    outcome = check(root)
    assert not any(code.startswith("S") for code, _, _ in outcome.found), outcome.output


def test_problems_of_every_kind_come_in_one_pass(tmp_path: Path) -> None:
    privacy = (write(tmp_path / "x", {}) / "privacy.yaml").read_text(encoding="utf-8")
    broken = privacy.replace("retention: {period: P30D", "retention: {period: 30 days") \
        .replace("data: [contact]", "data: [contacts]") \
        .replace("consequences: {en: no account, de: kein Konto}", "consequences: {en: no account}")
    outcome = check(write(tmp_path / "source", {"privacy.yaml": broken}))
    assert outcome.exit_code == 1
    assert sorted(code for code, _, _ in outcome.found) == ["S005", "S007", "S008"], outcome.output


def test_an_unreadable_source_folder_is_a_clean_error(tmp_path: Path) -> None:
    outcome = check(tmp_path / "missing")
    assert outcome.exit_code == 1 and outcome.found == [("S010", "missing", 1)]


def test_github_annotations_cannot_be_ended_by_data(tmp_path: Path) -> None:
    privacy = (write(tmp_path / "x", {}) / "privacy.yaml").read_text(encoding="utf-8")
    text = privacy.replace("kind: privacy\n", 'kind: privacy\n"x%0A::error::forged,\\r\\n::warning::y": 1\n')
    outcome = check(write(tmp_path / "source", {"privacy.yaml": text}), "--format", "github")
    commands = [line for line in outcome.output.splitlines() if line.startswith("::")]
    assert len(commands) == 1 and commands[0].startswith("::error file=") and "%250A" in commands[0]


def test_a_link_that_leads_back_to_itself_is_one_clean_diagnostic(tmp_path: Path) -> None:
    """Path.resolve() raises RuntimeError on a link loop (Python 3.11): a file, the versions
    folder, the source folder and the site folder each give a clean error."""
    from click.testing import CliRunner

    from legalgen.cli import main

    source = write(tmp_path / "source", {})
    (source / "loop.yaml").symlink_to("loop.yaml")
    assert check(source).has("S001", "loop.yaml", 1)
    (source / "loop.yaml").unlink()
    (source / "versions").symlink_to("versions")
    outcome = check(source)
    assert outcome.exit_code == 1 and "versions: error V002 the versions folder is a link that cannot be followed" \
        in outcome.output, outcome.output
    (tmp_path / "policy").symlink_to("policy")
    runner = CliRunner()
    for args in (["check", "--root", str(tmp_path)], ["build", "--source", str(source), "--site-dir",
                                                      str(tmp_path / "policy")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2 and "a link that cannot be followed" in result.output, result.output


@pytest.mark.parametrize("privacy", ["", "kind: privacy\nintro: [\n"])
def test_an_unread_privacy_file_is_one_error_not_one_per_reference_to_it(tmp_path: Path, privacy: str) -> None:
    cookies = ("kind: cookies\nchanges: {channels: [email], advance_notice: P30D}\ntrackers:\n  - id: session\n"
               "    name: sid\n    technology: cookie\n    purpose: strictly_necessary\n    lifetime: session\n"
               "    basis: exempt\n    description: {en: keeps you signed in, de: hält Sie angemeldet, fr: maintient "
               "votre connexion}\n    provider: host\n")
    outcome = check(write(tmp_path / "source", {"privacy.yaml": privacy, "cookies.yaml": cookies}))
    assert outcome.exit_code == 1 and [code for code, _, _ in outcome.found] in (["S009"], ["S001"]), outcome.output
