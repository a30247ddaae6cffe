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
    worktree = _diff(repo, "change")
    assert "privacy: unchanged" in worktree.output and "refund: changed" in worktree.output


def test_an_editorial_change_can_take_effect_at_once(repo: Path) -> None:
    _edit(repo, "privacy", "Lumenstream is a subscription service", "Lumenstream is a streaming service")
    result = _diff(repo, "--format", "json")
    data = json.loads(result.output)
    privacy = next(d for d in data["documents"] if d["document"] == "privacy")
    assert privacy["status"] == "changed" and privacy["material"] is False
    assert privacy["release_needed"] is True and privacy["earliest_effective"] == TODAY
    assert privacy["changes"][0]["description"] == "wording or presentation changed"
    assert "<del>subscription</del><ins>streaming</ins>" in privacy["redlines"]["en"]
    assert data["material"] is False


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
