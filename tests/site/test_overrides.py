"""Overrides an earlier legalgen wrote: a build names an unchanged copy, never an edited one."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from legalgen.site import overrides
from legalgen.site.overrides import SUPERSEDED, superseded_copies, superseded_notes

from ..conftest import REPO


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_current_overrides_are_not_superseded() -> None:
    for name, hashes in SUPERSEDED.items():
        assert _sha256((REPO / "overrides" / name).read_bytes()) not in hashes, name


def test_every_earlier_version_in_git_history_is_known() -> None:
    """A change to a file of overrides/ records the hash of the version it replaces."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout

    try:
        if git("rev-parse", "--is-shallow-repository").strip() != "false":
            pytest.skip("a shallow clone lacks the history")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    for path in sorted((REPO / "overrides").rglob("*.html")):
        name = path.relative_to(REPO / "overrides").as_posix()
        current = _sha256(path.read_bytes())
        log = git("log", "--format=%H", "--name-only", "--follow", "--", f"overrides/{name}").split()
        earlier = set()
        for commit, at in zip(log[::2], log[1::2], strict=True):
            shown = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:{at}"], capture_output=True, check=True)
            earlier.add(_sha256(shown.stdout))
        assert earlier - {current} <= SUPERSEDED.get(name, frozenset()), name


def test_an_unchanged_old_copy_is_named_and_an_edited_one_is_not(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    theme = tmp_path / "overrides"
    shutil.copytree(REPO / "overrides", theme)
    old = b"{% extends 'base.html' %}\n{# an earlier main.html #}\n"
    monkeypatch.setattr(overrides, "SUPERSEDED", {"main.html": frozenset({_sha256(old)}),
                                                  "partials/alternate.html": frozenset()})
    assert superseded_copies(theme) == []
    (theme / "main.html").write_bytes(old)
    assert superseded_copies(theme) == ["main.html"]
    [note] = superseded_notes(theme, "mkdocs")
    assert note.endswith("overrides/main.html is, unchanged, what an earlier legalgen wrote, and lacks what later "
                         "versions added; delete it to use the current one (legalgen's own is read when your folder "
                         "lacks it), or copy it from what `legalgen init` writes in an empty folder")
    assert "delete it" not in superseded_notes(theme, "zensical")[0]
    (theme / "main.html").write_bytes(old + b"{# ours #}\n")  # edited: the project's own
    assert superseded_copies(theme) == []
    (theme / "main.html").unlink()
    (theme / "main.html").mkdir()  # not a file: nothing to say
    assert superseded_copies(theme) == []
