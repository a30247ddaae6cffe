"""`legalgen diff` on crafted git histories and folders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.versions.review import as_markdown, excerpt, review

from ..conftest import REPO, released_on

TODAY = "2026-11-24"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@t.example", "-c", "user.name=T", *args], cwd=root, check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The example project in a git repository: main with one commit, then a branch `change`."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(REPO / "policy", root / "policy")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-qb", "change")
    return root


def _edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "policy" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _diff(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["diff", "--root", str(root), *args], env=released_on(TODAY))


def test_a_material_change_on_a_branch(repo: Path) -> None:
    _edit(repo, "privacy", "period: P30D", "period: P60D")
    result = _diff(repo)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    base = _git(repo, "merge-base", "HEAD", "main")[:12]
    assert lines[0] == f"{base} -> working tree (as of {TODAY})"
    assert "privacy: changed, material; release needed, effective on 2026-12-24 at the earliest; notice period P30D" \
        in lines
    line = next(n for n, text in enumerate((repo / "policy" / "privacy.yaml").read_text().splitlines(), 1)
                if "period: P60D" in text)
    assert any(re.fullmatch(rf"  purposes\[service\]\.retention: longer storage: P30D to P60D \[material\] "
                            rf"\(.*policy/privacy\.yaml:{line - 1}:\d+\)", text) for text in lines)
    assert "cookies: unchanged" in lines and "text changed in en, de, fr (--redlines shows it)" in result.output
    assert re.search(r"new: .*warning C01 privacy", result.output)


def test_committed_changes_and_two_revisions(repo: Path) -> None:
    _edit(repo, "privacy", "period: P30D", "period: P60D")
    _git(repo, "commit", "-qam", "longer")
    _edit(repo, "refund", "P14D", "P21D")  # in the working tree only
    result = _diff(repo, "main", "change")
    assert "privacy: changed, material" in result.output and "refund: unchanged" in result.output
    # a revision's files are cited by their git names, not the temporary folder they are read from
    assert re.search(r"\(change:policy/privacy\.yaml:\d+:\d+\)", result.output), result.output
    assert "new: change:policy/privacy.yaml:" in result.output and "legalgen-diff-" not in result.output
    worktree = _diff(repo, "change")
    assert "privacy: unchanged" in worktree.output and "refund: changed" in worktree.output


def test_an_editorial_change_can_take_effect_at_once(repo: Path) -> None:
    """At once, unless a released version takes effect later: a new version takes effect after
    it (V004), so the earliest date is one `release` accepts."""
    _edit(repo, "privacy", "Lumenstream is a subscription service", "Lumenstream is a streaming service")
    result = _diff(repo, "--format", "json", "--as-of", "2026-12-23")
    data = json.loads(result.output)
    privacy = next(d for d in data["documents"] if d["document"] == "privacy")
    assert privacy["status"] == "changed" and privacy["material"] is False
    assert privacy["release_needed"] is True and privacy["earliest_effective"] == "2026-12-23"
    today = json.loads(_diff(repo, "--format", "json").output)  # version 10 is announced for 2026-12-22
    assert next(d for d in today["documents"] if d["document"] == "privacy")["earliest_effective"] == "2026-12-23"
    assert ("privacy: changed, editorial; release needed, effective on 2026-12-23 at the earliest; the day after the "
            "latest released version takes effect") in _diff(repo).output.splitlines()
    assert privacy["changes"][0]["description"] == "wording or presentation changed"
    assert "<del>subscription</del><ins>streaming</ins>" in privacy["redlines"]["en"]
    assert data["material"] is False


def test_a_change_the_pages_do_not_show_needs_no_release(repo: Path) -> None:
    """A source change that renders word for word what the latest version says, in every
    language, is editorial and needs no new version (C08 is quiet about it too)."""
    _edit(repo, "refund", "jusqu'à ce que", "jusqu’à ce que")  # the apostrophe every French page sets anyway
    data = json.loads(_diff(repo, "--format", "json").output)
    refund = next(d for d in data["documents"] if d["document"] == "refund")
    assert refund["status"] == "changed" and refund["changes"] and refund["material"] is False
    assert refund["release_needed"] is False and refund["earliest_effective"] is None and refund["reads_as"] == 6
    assert "refund: changed, editorial; no release needed, the pages read as version 6" in _diff(repo).output.splitlines()
    assert "| refund | changed, **editorial** | not needed, the pages read as version 6 |" in \
        _diff(repo, "--format", "markdown").output
    # a change that shows still needs its release
    _edit(repo, "refund", "P14D", "P21D")
    refund = next(d for d in json.loads(_diff(repo, "--format", "json").output)["documents"]
                  if d["document"] == "refund")
    assert refund["release_needed"] is True and refund["reads_as"] is None


def test_findings_added_and_fixed(repo: Path) -> None:
    _edit(repo, "privacy", "    legal_basis: contract\n", "")
    _git(repo, "commit", "-qam", "broken")
    _git(repo, "checkout", "-qb", "fix")
    _edit(repo, "privacy", "    data: [identity, contact, account, viewing, device]",
          "    legal_basis: contract\n    data: [identity, contact, account, viewing, device]")
    broken = _diff(repo, "main", "change", "--format", "json")
    assert "G03" in [f["code"] for f in json.loads(broken.output)["new_findings"]]
    fixed = _diff(repo, "change", "--format", "json")
    assert "G03" in [f["code"] for f in json.loads(fixed.output)["fixed_findings"]]
    assert "G03" not in [f["code"] for f in json.loads(fixed.output)["new_findings"]]


def test_two_folders(tmp_path: Path) -> None:
    shutil.copytree(REPO / "policy", tmp_path / "old")
    shutil.copytree(REPO / "policy", tmp_path / "new")
    refund = tmp_path / "new" / "refund.yaml"
    refund.write_text(refund.read_text(encoding="utf-8").replace("  period: P14D", "  period: P7D", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "new")], env=released_on(TODAY))
    assert result.exit_code == 0, result.output
    assert "refund: changed, material" in result.output and "withdrawal.period" in result.output
    assert re.search(r"new: .*error R01", result.output)


def test_the_pull_request_comment_fits_and_keeps_the_verdict(repo: Path) -> None:
    _edit(repo, "privacy", "period: P30D", "period: P60D")
    full = _diff(repo, "--format", "markdown").output
    assert full.startswith("## legalgen diff") and "| privacy | changed, **material** |" in full
    assert full.count("<details><summary>Redline: privacy") == 3 and len(full) < 65_536
    assert "<del>30</del><ins>60</ins>" in full and "title:" not in full  # the excerpt, not the page
    result = review(repo / "policy", "main", None, None)
    small = as_markdown(result, limit=len(full) - 300)
    assert len(small) <= len(full) - 300
    assert "| privacy | changed, **material** | needed, effective" in small  # the verdict is never cut
    assert "redline(s) left out to fit a comment" in small


def test_errors_are_clean(repo: Path, tmp_path: Path) -> None:
    unknown = _diff(repo, "nope")
    assert unknown.exit_code == 1 and "unknown git revision 'nope'" in unknown.output
    _edit(repo, "privacy", "kind: privacy", "kind: [privacy")
    broken = _diff(repo)
    assert broken.exit_code == 1 and "S001" in broken.output
    outside = tmp_path / "plain"
    shutil.copytree(REPO / "policy", outside / "policy")
    no_git = CliRunner().invoke(main, ["diff", "--root", str(outside)])
    assert no_git.exit_code == 1 and "is not inside a git checkout" in no_git.output
    _edit(repo, "privacy", "kind: [privacy", "kind: privacy")
    _edit(repo, "privacy", "period: P30D", "period: P60D")
    late = _diff(repo, "--as-of", "9999-12-10")  # the notice would end past the calendar
    assert late.exit_code == 1 and "ends past the year 9999" in late.output and "Traceback" not in late.output


def test_a_missing_source_folder_is_named_not_blamed_on_git(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "--root", str(tmp_path)], env=released_on(TODAY))
    assert result.exit_code == 1 and "no such folder" in result.output and "git is not installed" not in result.output


def test_excerpt_keeps_only_the_changed_lines() -> None:
    marked = "---\ntitle: x\n---\n# P\n\nIntro.\n\n## Storage { #storage }\n\n- kept <del>30</del><ins>60</ins> days\n"
    assert excerpt(marked) == "**Storage**\n\n- kept <del>30</del><ins>60</ins> days"


def test_a_first_version_can_take_effect_at_once(tmp_path: Path) -> None:
    """A document never released is not material: its first release needs no notice period."""
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        shutil.copytree(REPO / "policy", folder, ignore=shutil.ignore_patterns("versions"))
    privacy = new / "privacy.yaml"
    privacy.write_text(privacy.read_text(encoding="utf-8").replace("period: P30D", "period: P60D", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"], env=released_on(TODAY))
    data = next(d for d in json.loads(result.output)["documents"] if d["document"] == "privacy")
    assert data["material"] is True and data["release_needed"] is True and data["earliest_effective"] == TODAY


# --------------------------------------------------------------------------- what the change under review controls


def test_a_folder_or_link_named_like_the_base_never_replaces_it(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The change under review may add any file: a link named like the base commit (the
    workflow passes its id) or a folder named like a branch must not become the base."""
    monkeypatch.chdir(repo)  # where the workflow runs
    _edit(repo, "privacy", "period: P30D", "period: P60D")
    base = _git(repo, "rev-parse", "main")
    (repo / base).symlink_to("policy")  # the base would read as the head: "unchanged"
    result = _diff(repo, base)
    assert "privacy: changed, material" in result.output, result.output
    assert "privacy: changed, material" in _diff(repo).output  # the default base: a commit id too
    shutil.copytree(repo / "policy", repo / "main")
    ambiguous = _diff(repo, "main")
    assert ambiguous.exit_code == 1
    assert "'main' names both a git revision and a source folder; write ./main for the folder" in ambiguous.output
    assert "privacy: unchanged" in _diff(repo, "./main").output  # the folder, as asked, holds the head's text


def test_a_revision_is_read_from_its_tree_whatever_its_gitattributes_say(repo: Path) -> None:
    """``git archive`` would apply the revision's own export-ignore and leave a new document out."""
    shutil.copy(REPO / "examples" / "reseller-data-notice" / "information-we-collect.yaml", repo / "policy")
    (repo / "policy" / ".gitattributes").write_text("information-we-collect.yaml export-ignore\n"
                                                    ".gitattributes export-ignore\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "hidden document")
    result = _diff(repo, "main", "change")
    assert "information-we-collect: added" in result.output, result.output


def test_links_and_oversized_files_in_a_revision_are_diagnostics(repo: Path) -> None:
    (repo / "policy" / "passwd.yaml").symlink_to("/etc/passwd")
    (repo / "policy" / "notes.bin").write_bytes(b"\0" * 4_000_000)  # not read: no YAML, no frozen text
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "a link")
    result = _diff(repo, "main", "change")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "change:policy/passwd.yaml:1:1: error S001 a link; a revision's source is read from its own files" \
        in result.output
    _git(repo, "rm", "-q", "policy/passwd.yaml")
    (repo / "policy" / "big.yaml").write_text("# padding\n" * 400_000, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "a large file")
    result = _diff(repo, "main", "change")
    assert result.exit_code == 1 and "change:policy/big.yaml:1:1: error S011 file of 4000000 bytes" in result.output
    (repo / "policy" / "big.yaml").unlink()
    _git(repo, "commit", "-qam", "gone")
    assert "privacy: unchanged" in _diff(repo, "main", "change").output  # the large binary is never read


def test_the_pull_request_comment_cannot_be_forged_by_a_file_name_or_a_value(repo: Path) -> None:
    """A finding's file name and a changed value go into the comment as text on their line:
    no HTML, no heading of their own, no @mention."""
    name = "x` @octocat <img src=\"https:evil.example\"> `\n## ✅ legalgen: no material change\n.yaml"
    shutil.copy(REPO / "examples" / "reseller-data-notice" / "information-we-collect.yaml", repo / "policy" / name)
    _edit(repo, "site", "  name: Lumenstream GmbH", "  name: Lumen @octocat <b>GmbH</b>")
    comment = _diff(repo, "--format", "markdown").output
    outside_code = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", comment)  # what GitHub renders as Markdown
    assert "<img" not in outside_code and "<b>" not in outside_code and "\\<b\\>" in outside_code
    assert not re.search(r"(?<![\w.+\-])@octocat", outside_code) and "@<!-- -->octocat" in outside_code
    assert "## ✅ legalgen: no material change" in comment  # as code, on the finding's own line
    assert not any(line.startswith(("## ✅", ".yaml")) for line in comment.splitlines())
