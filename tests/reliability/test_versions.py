"""Released history that is removed, rewritten, backdated or forged: `check` and `release` refuse it."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.render.pages import render_pages
from legalgen.source.load import load_policy
from legalgen.versions.history import load_history

from ..conftest import copy_project, released_on
from .harness import check

AS_OF = dt.date(2026, 11, 22)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """The example's source with its six released versions."""
    return copy_project(tmp_path).source


def _line(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


#: The example's versions of its privacy policy.
PRIVACY_VERSIONS = 10


def _drop_last_privacy_version(source: Path) -> None:
    changelog = source / "versions" / "privacy" / "changelog.yaml"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text[: text.index(f"- version: {PRIVACY_VERSIONS}")], encoding="utf-8")
    shutil.rmtree(source / "versions" / "privacy" / str(PRIVACY_VERSIONS))


def test_the_example_history_is_intact(source: Path) -> None:
    assert check(source).exit_code == 0


def test_a_whole_document_history_removed(source: Path) -> None:
    shutil.rmtree(source / "versions" / "refund")
    outcome = check(source)
    index = source / "versions" / "index.yaml"
    assert outcome.exit_code == 1 and ("V010", "index.yaml", _line(index, "  refund:")) in outcome.found
    assert "its whole history is gone" in outcome.output


def test_the_last_version_removed_with_its_changelog_entry(source: Path) -> None:
    _drop_last_privacy_version(source)
    outcome = check(source)
    assert outcome.found == [("V010", "index.yaml", _line(source / "versions" / "index.yaml", "  privacy:"))]
    assert f"the changelog ends at version {PRIVACY_VERSIONS - 1}" in outcome.output


def test_the_index_removed(source: Path) -> None:
    (source / "versions" / "index.yaml").unlink()
    outcome = check(source)
    assert outcome.exit_code == 1 and outcome.found == [("V009", "index.yaml", 1)]


def test_the_index_rewritten_to_hide_a_removal_needs_git_to_show(source: Path, tmp_path: Path) -> None:
    index = source / "versions" / "index.yaml"
    text = index.read_text(encoding="utf-8")
    head = text[text.index("  privacy:"):].splitlines()[0]
    _drop_last_privacy_version(source)
    v2 = (source / "versions" / "privacy" / "changelog.yaml").read_text(encoding="utf-8").rsplit("sha256: ", 1)[1]
    index.write_text(text.replace(head, f"  privacy: {{version: {PRIVACY_VERSIONS - 1}, sha256: {v2.strip()}}}"),
                     encoding="utf-8")
    assert check(source).exit_code == 0  # consistent on its own: only history can tell


def test_an_edited_head_hash(source: Path) -> None:
    index = source / "versions" / "index.yaml"
    text = index.read_text(encoding="utf-8")
    head = text[text.index("  privacy:"):].splitlines()[0]
    digit = head[head.index("sha256: ") + 8]
    index.write_text(text.replace(head, head.replace(f"sha256: {digit}", f"sha256: {'5' if digit != '5' else '6'}")),
                     encoding="utf-8")
    outcome = check(source)
    assert outcome.found == [("V010", "index.yaml", _line(index, "  privacy:"))]


def test_an_index_behind_its_changelogs(source: Path) -> None:
    index = source / "versions" / "index.yaml"
    lines = [line for line in index.read_text(encoding="utf-8").splitlines() if "cookies:" not in line]
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = check(source)
    assert outcome.found == [("V009", "index.yaml", 3)] and "does not record cookies version 5" in outcome.output


@pytest.mark.parametrize(("content", "code", "line"), [
    ("", "S009", 1),
    ("# emptied\n", "S009", 1),
    ("document: privacy\nversions: 3\n", "S003", 2),
])
def test_a_broken_changelog(source: Path, content: str, code: str, line: int) -> None:
    (source / "versions" / "privacy" / "changelog.yaml").write_text(content, encoding="utf-8")
    outcome = check(source)
    assert outcome.exit_code == 1 and (code, "changelog.yaml", line) in outcome.found, outcome.output


def test_a_frozen_text_that_is_not_utf8(source: Path) -> None:
    (source / "versions" / "privacy" / "2" / "de.md").write_bytes("Datenschutzerkl\xe4rung\n".encode("latin-1"))
    outcome = check(source)
    changelog = source / "versions" / "privacy" / "changelog.yaml"
    assert ("V002", "changelog.yaml", _line(changelog, "- version: 2")) in outcome.found
    assert "de.md (not UTF-8 text)" in outcome.output


def test_a_frozen_source_that_is_binary(source: Path) -> None:
    (source / "versions" / "cookies" / "1" / "source" / "site.yaml").write_bytes(b"\x00\xff\xfe binary")
    outcome = check(source)
    assert outcome.exit_code == 1 and {"V001", "V008"} <= {code for code, _, _ in outcome.found}


# --------------------------------------------------------------------------- releasing


def _summary(tmp_path: Path) -> Path:
    path = tmp_path / "summary.yaml"
    path.write_text("en: Shorter.\nde: Kürzer.\nfr: Plus court.\n", encoding="utf-8")
    return path


def _release(source: Path, summary: Path, *args: str, today: str = "2026-11-24"):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["release", "refund", "--source", str(source), "--summary-file", str(summary),
                                     *args], env=released_on(today))


def _change_refund(source: Path) -> None:
    path = source / "refund.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("P14D", "P21D", 1), encoding="utf-8")


def test_a_backdated_release_is_refused(source: Path, tmp_path: Path) -> None:
    _change_refund(source)
    result = _release(source, _summary(tmp_path), "--published", "2026-11-25", "--effective", "2026-12-01",
                      today="2026-12-01")
    assert result.exit_code == 1 and f"refund.yaml:{_line(source / 'refund.yaml', 'kind:')}:1: error C07 " in result.output
    assert not (source / "versions" / "refund" / "7").exists()


def test_a_backdated_release_with_a_reason_is_recorded_and_repeated(source: Path, tmp_path: Path) -> None:
    _change_refund(source)
    result = _release(source, _summary(tmp_path), "--published", "2026-11-25", "--effective", "2026-12-01",
                      "--backdate-reason", "printed in the shop since October", today="2026-12-01")
    assert result.exit_code == 0, result.output
    changelog = source / "versions" / "refund" / "changelog.yaml"
    assert "backdate_reason: printed in the shop since October" in changelog.read_text(encoding="utf-8")
    outcome = check(source)
    assert ("C07", "changelog.yaml", _line(changelog, "backdate_reason")) in outcome.found
    assert "printed in the shop since October" in outcome.output
    index = (source / "versions" / "index.yaml").read_text(encoding="utf-8")
    assert "refund: {version: 7, sha256: " in index


def test_release_errors_point_at_the_document(source: Path, tmp_path: Path) -> None:
    where = f"refund.yaml:{_line(source / 'refund.yaml', 'kind:')}:1: error"
    _change_refund(source)
    assert _release(source, _summary(tmp_path), "--effective", "2026-12-30").exit_code == 0
    same = _release(source, _summary(tmp_path), "--effective", "2027-01-30")
    assert same.exit_code == 1 and f"{where} V007 " in same.output
    path = source / "refund.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("P21D", "P28D", 1), encoding="utf-8")
    backwards = _release(source, _summary(tmp_path), "--effective", "2026-11-01")
    assert backwards.exit_code == 1 and f"{where} V003 " in backwards.output


def test_title_and_slug_are_frozen_with_the_version(source: Path) -> None:
    path = source / "privacy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kind: privacy\n", "kind: privacy\nslug: data\ntitle: {en: Renamed, de: Umbenannt, "
                                                    "fr: Renommée}\n", 1), encoding="utf-8")
    loaded = load_policy(source)
    pages = {(p.locale, p.path.as_posix()): p for p in render_pages(loaded, load_history(loaded), AS_OF)}
    assert ("en", "privacy/v2/index.md") in pages and not any(path.startswith("data/") for _, path in pages)
    assert "Renamed" not in pages["en", "privacy/index.md"].text
    assert "Privacy policy, version 2" in pages["en", "privacy/v2/index.md"].title


# --------------------------------------------------------------------------- git


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _repository(root: Path) -> None:
    _git(root, "init", "-q", "-b", "main")
    _git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "add", "-A")
    _git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "example")


def test_check_against_a_revision_finds_a_quietly_removed_version(source: Path) -> None:
    _repository(source.parent)
    test_the_index_rewritten_to_hide_a_removal_needs_git_to_show(source, source.parent)
    outcome = check(source, "--against", "main")
    assert outcome.exit_code == 1 and [f for f in outcome.found if f[0] not in ("C01", "C08")] == [("V010", "changelog.yaml", 1)]
    assert f"privacy version {PRIVACY_VERSIONS}, released in main, is gone" in outcome.output


def test_check_against_a_revision_finds_a_version_released_again(source: Path, tmp_path: Path) -> None:
    _repository(source.parent)
    shutil.rmtree(source / "versions" / "refund")
    index = source / "versions" / "index.yaml"
    index.write_text("\n".join(line for line in index.read_text(encoding="utf-8").splitlines()
                                if "refund:" not in line) + "\n", encoding="utf-8")
    _change_refund(source)
    result = _release(source, _summary(tmp_path), "--effective", "2026-12-30")
    assert result.exit_code == 0, result.output
    assert check(source).exit_code == 0  # a consistent new history on its own
    outcome = check(source, "--against", "main")
    changelog = source / "versions" / "refund" / "changelog.yaml"
    assert outcome.exit_code == 1 and ("V010", "changelog.yaml", _line(changelog, "sha256:")) in outcome.found
    assert "refund version 1 differs from the one released in main" in outcome.output
    assert "refund version 3, released in main, is gone" in outcome.output


@pytest.mark.parametrize(("text", "message"), [
    ("document: refund\nversions: " + "[" * 50_000 + "]" * 50_000 + "\n", "nesting deeper than"),
    ("document: refund\nversions: []\n" + "# padding\n" * 400_000, "larger than"),
], ids=["deep", "large"])  # the test's id goes into the environment of git, which has a bound
def test_a_hostile_changelog_at_the_revision_is_one_clean_error(source: Path, text: str, message: str) -> None:
    """`check --against` reads the changelogs at the revision within the limits of the working files."""
    _repository(source.parent)
    changelog = source / "versions" / "refund" / "changelog.yaml"
    kept = changelog.read_bytes()
    changelog.write_text(text, encoding="utf-8")
    _git(source.parent, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qam", "hostile")
    changelog.write_bytes(kept)
    outcome = check(source, "--against", "HEAD")
    assert outcome.exit_code == 1 and "HEAD:" in outcome.output and message in outcome.output, outcome.output


@pytest.mark.parametrize(("setup", "message"), [
    (False, "is not inside a git checkout"),
    (True, "unknown git revision 'nope'"),
])
def test_check_against_without_history_is_a_clean_error(source: Path, setup: bool, message: str) -> None:
    if setup:
        _repository(source.parent)
    outcome = check(source, "--against", "nope")
    assert outcome.exit_code == 1 and message in outcome.output


def test_signed_releases_verify_and_a_forged_tag_does_not(source: Path, tmp_path: Path) -> None:
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    root = source.parent
    _repository(root)
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    signers = tmp_path / "allowed_signers"
    signers.write_text(f"t@example.com {key.with_suffix('.pub').read_text(encoding='utf-8')}", encoding="utf-8")
    for name, value in (("user.name", "T"), ("user.email", "t@example.com"), ("gpg.format", "ssh"),
                        ("user.signingkey", str(key)), ("gpg.ssh.allowedSignersFile", str(signers))):
        _git(root, "config", name, value)
    _change_refund(source)
    result = _release(source, _summary(tmp_path), "--effective", "2026-12-30", "--sign")
    assert result.exit_code == 0, result.output
    assert "signed tag legalgen/policy/refund/v7" in result.output
    assert check(source, "--verify-signatures").exit_code == 0
    _git(root, "tag", "-d", "legalgen/policy/refund/v7")
    _git(root, "tag", "-a", "-m", "refund version 7\n\nsha256: forged", "legalgen/policy/refund/v7")
    outcome = check(source, "--verify-signatures")
    changelog = source / "versions" / "refund" / "changelog.yaml"
    assert outcome.exit_code == 1 and outcome.found == [("V012", "changelog.yaml", _line(changelog, "signed: true"))]


@pytest.mark.parametrize(("summary", "code"), [
    ("en: a\x07b\nde: x\nfr: y\n", "S001"),
    ('en: "a\\u0007b"\nde: x\nfr: y\n', "S003"),
    ("en: only English\n", "S008"),
    ("- en\n- de\n", "S003"),
])
def test_a_bad_summary_is_located(source: Path, tmp_path: Path, summary: str, code: str) -> None:
    _change_refund(source)
    path = tmp_path / "summary.yaml"
    path.write_text(summary, encoding="utf-8")
    result = _release(source, path, "--effective", "2026-12-30")
    assert result.exit_code == 1 and "summary.yaml:1:" in result.output and f" error {code} " in result.output, \
        result.output
    assert "Traceback" not in result.output and not (source / "versions" / "refund" / "7").exists()


@pytest.mark.parametrize("target", [".", "policy", "policy/versions", "overrides"])
def test_notice_mails_are_never_written_into_the_project_s_own_files(source: Path, target: str) -> None:
    root = source.parent
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    result = CliRunner().invoke(main, ["notices", "--root", str(root), "--as-of", "2026-11-10",
                                       "--output", str(root / target)])
    assert result.exit_code == 2 and "refusing to write the e-mail folder" in result.output
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before


def test_a_reminder_in_months_is_sent_a_calendar_month_ahead(source: Path, tmp_path: Path) -> None:
    site = source / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("  audience: consumers\n",
                                                             "  audience: consumers\n  notices: {reminder: P1M}\n"),
                    encoding="utf-8")
    for day, due in (("2026-11-15", True), ("2026-12-08", False)):
        result = CliRunner().invoke(main, ["notices", "--root", str(source.parent), "--as-of", day,
                                           "--output", str(tmp_path / day)])
        assert result.exit_code == 0, result.output
        assert ("privacy version 3 (reminder)" in result.output) is due, result.output
