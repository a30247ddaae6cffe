"""Released versions as git has them: compare with a revision, sign and verify releases.

legalgen works without git; these functions are for projects kept in a git checkout.

- :func:`versions_against` reads every changelog at a revision (``git show``) and
  reports each version released there that is gone or changed now (V010), so a pull
  request cannot quietly rewrite history even when it also rewrites versions/index.yaml,
  and warns of a version a pull request adds whose publication date has passed: it
  reaches the site only when merged (V013).
- :func:`sign_release` creates a signed annotated tag per release with git's own signing
  (``git tag -s``; OpenPGP or SSH keys as configured in git). The tag's message holds the
  release's SHA-256, which chains every earlier version, so the signature covers the
  whole history up to it. :func:`verify_signatures` checks every release marked
  ``signed`` (V012).
- :func:`released_at` and :func:`commit_at` tell which versions a revision, or the default
  branch at a moment, had: the change notices announce each version once, on the push that
  brings it or on its publication date.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from legalgen.diagnostics import Diagnostic, LegalgenError, Location, Severity, display_path
from legalgen.project import VERSIONS_DIR
from legalgen.source.reader import Limits, parse_yaml
from legalgen.versions.history import CHANGELOG, Changelog, History, PlannedRelease

_TIMEOUT = 60


def _run(cwd: Path, args: tuple[str, ...], *, text: bool, stdin: bytes | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[Any]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=text, check=False, timeout=_TIMEOUT,
                              input=stdin, env=env)
    except FileNotFoundError as error:
        if error.filename not in (None, "git") or not cwd.is_dir():  # the folder it runs in is what is missing
            raise LegalgenError(f"{display_path(cwd)}: no such folder; give the project root with --root, or the "
                                "source with --source") from None
        raise LegalgenError("git is not installed; it is needed for this command") from None
    except subprocess.TimeoutExpired:
        raise LegalgenError(f"git {args[0]} did not finish within {_TIMEOUT} s") from None


def git(cwd: Path, *args: str, check: bool = True, remote: bool = False) -> subprocess.CompletedProcess[str]:
    """Run git in ``cwd``; with ``check``, a failure is a LegalgenError with git's message.
    ``remote``: the command talks to a remote, and fails rather than asks for a password."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"} if remote else None
    result: subprocess.CompletedProcess[str] = _run(cwd, args, text=True, env=env)
    if check and result.returncode != 0:
        raise LegalgenError(f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result


def git_bytes(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """The binary output of a git command (``git ls-tree -z``); raises LegalgenError when it fails."""
    result: subprocess.CompletedProcess[bytes] = _run(cwd, args, text=False, stdin=stdin)
    if result.returncode != 0:
        raise LegalgenError(f"git {' '.join(args)}: {result.stderr.decode('utf-8', 'replace').strip() or 'failed'}")
    return result.stdout


@dataclass(frozen=True)
class TreeFile:
    """A file of a git tree: its path from the top of the repository, mode, object and size."""

    path: PurePosixPath
    mode: str
    object: str
    size: int | None  # None for what is no blob (a submodule)


def tree_files(top: Path, revision: str, inside: PurePosixPath) -> list[TreeFile]:
    """Every entry below ``inside`` in the tree of ``revision`` (``git ls-tree``, which, unlike
    ``git archive``, no ``.gitattributes`` of the revision can change)."""
    spec = () if inside == PurePosixPath(".") else ("--", inside.as_posix())
    listing = git_bytes(top, "ls-tree", "-r", "-z", "-l", "--full-tree", revision, *spec)
    files = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        header, _, name = record.partition(b"\t")
        mode, _, rest = header.partition(b" ")
        _kind, _, rest = rest.partition(b" ")
        obj, _, size = rest.strip().partition(b" ")
        size_text = size.strip().decode("ascii", "replace")
        files.append(TreeFile(PurePosixPath(os.fsdecode(name)), mode.decode("ascii", "replace"),
                              obj.decode("ascii", "replace"), int(size_text) if size_text.isdigit() else None))
    return files


def blobs(top: Path, objects: list[str]) -> list[bytes]:
    """The contents of the blobs ``objects`` (``git cat-file --batch``), in order."""
    if not objects:
        return []
    out = git_bytes(top, "cat-file", "--batch", stdin="".join(f"{o}\n" for o in objects).encode("ascii"))
    contents: list[bytes] = []
    at = 0
    for obj in objects:
        end = out.index(b"\n", at)
        header = out[at:end].split(b" ")
        if len(header) != 3 or header[1] != b"blob":
            raise LegalgenError(f"git cat-file: {obj} is not a readable blob")
        size = int(header[2])
        contents.append(out[end + 1:end + 1 + size])
        at = end + 1 + size + 1
    return contents


def repository(source: Path) -> tuple[Path, PurePosixPath]:
    """The top of the git checkout holding ``source`` and the source's path inside it."""
    result = git(source, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        raise LegalgenError(f"{display_path(source)} is not inside a git checkout")
    top = Path(result.stdout.strip()).resolve()
    return top, PurePosixPath(source.resolve().relative_to(top).as_posix())


def default_branch(folder: Path) -> tuple[str, str] | None:
    """The branch a repository publishes from, and how it is known, for the git checkout
    holding ``folder``: origin's default branch, the branch of a repository without commits,
    or its only local branch (main or master among several); None outside a checkout or when
    none of these tells."""
    if not folder.is_dir() or git(folder, "rev-parse", "--git-dir", check=False).returncode != 0:
        return None
    remote = git(folder, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False)
    named = remote.stdout.strip()
    if remote.returncode == 0 and named.startswith("origin/") and git(
            folder, "rev-parse", "--verify", "--quiet", f"refs/remotes/{named}", check=False).returncode == 0:
        return named.removeprefix("origin/"), "origin's default branch"  # not a branch since renamed and pruned
    if git(folder, "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode != 0:
        unborn = git(folder, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        if unborn.returncode == 0 and unborn.stdout.strip():
            return unborn.stdout.strip(), "the repository's branch"
        return None
    local = git(folder, "for-each-ref", "--format=%(refname:short)", "refs/heads/", check=False).stdout.split()
    if len(local) == 1:
        return local[0], "the repository's only branch"
    usual = [name for name in ("main", "master") if name in local]
    return (usual[0], f"the repository's {usual[0]} branch") if len(usual) == 1 else None


def require_commit(top: Path, revision: str) -> None:
    """Raise a LegalgenError unless ``revision`` names a commit of the repository at ``top``."""
    if git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", check=False).returncode != 0:
        raise LegalgenError(f"unknown git revision {revision!r}")


def _changelogs(top: Path, folder: PurePosixPath, revision: str) -> Iterator[tuple[str, PurePosixPath, Changelog]]:
    """Every document's changelog in the versions ``folder`` at ``revision``: kind, path, changelog."""
    listing = git(top, "ls-tree", "--name-only", f"{revision}:{folder}", check=False)
    if listing.returncode != 0:
        return
    for kind in sorted(listing.stdout.split()):
        path = folder / kind / CHANGELOG
        size = git(top, "cat-file", "-s", f"{revision}:{path}", check=False)
        if size.returncode != 0:
            continue
        limits = Limits()
        blob = int(size.stdout) if size.stdout.strip().isdigit() else limits.max_bytes + 1
        shown = git_bytes(top, "show", f"{revision}:{path}") if blob <= limits.max_bytes else b""  # never read beyond
        parsed, problems = parse_yaml(shown, f"{revision}:{path}", limits, size=blob)
        if parsed is None:
            raise LegalgenError(f"{revision}:{path}: not a changelog legalgen can read ({problems[0].message})")
        try:
            changelog = Changelog.model_validate(parsed.data)
        except (ValidationError, ValueError) as error:
            raise LegalgenError(f"{revision}:{path}: not a changelog legalgen can read "
                                f"({str(error).splitlines()[0] if str(error) else type(error).__name__})") from None
        yield kind, path, changelog


def versions_against(source: Path, history: History, revision: str, today: dt.date) -> list[Diagnostic]:
    """The released versions compared with those at ``revision``: V010 for every one released
    there that the current history lacks or changed, V013 (a warning) for every one it lacks
    whose recorded publication date is before ``today`` (it reaches the site when merged, later
    than its pages say it was published, and a material version's notice runs shorter than its
    release records)."""
    top, inside = repository(source)
    require_commit(top, revision)
    found: list[Diagnostic] = []
    known: set[tuple[str, int]] = set()
    for kind, path, changelog in _changelogs(top, inside / VERSIONS_DIR, revision):
        current = {version.number: version for version in history.of(kind)}
        where = Location(display_path(source / VERSIONS_DIR / kind / CHANGELOG), 1, 1)
        for release in changelog.versions:
            known.add((kind, release.version))
            now = current.get(release.version)
            if now is None:
                found.append(Diagnostic("V010", f"{kind} version {release.version}, released in {revision}, is gone",
                                        where, hint="released versions are never removed: restore it with "
                                                    f"`git checkout {revision} -- {path.parent}`"))
            elif now.release.sha256 != release.sha256:
                found.append(Diagnostic("V010", f"{kind} version {release.version} differs from the one released "
                                                f"in {revision}", now.locate("sha256"),
                                        hint=f"restore it with `git checkout {revision} -- {path.parent}`"))
    for version in (version for versions in history.documents.values() for version in versions):
        release = version.release
        if (version.kind, version.number) in known or release.published >= today:
            continue
        late = (today - release.published).days
        notice = (f"; its notice would run {(release.effective - today).days} day(s), not the "
                  f"{(release.effective - release.published).days} the release records"
                  if version.material and release.effective > today else "")
        found.append(Diagnostic(
            "V013", f"{version.kind} version {version.number} is recorded as published on {release.published}, but "
                    f"{revision} does not have it: merged today, it reaches the site {late} day(s) later{notice}",
            version.locate("published"), Severity.WARNING,
            hint="merge it on its publication date, or release it again with a later --published date "
                 f"(`git checkout {revision} -- {display_path(source / VERSIONS_DIR)}`, then `legalgen release`)"))
    return found


def brands_gone(root: Path, brands: str, revision: str, kept: Callable[[str], bool]) -> list[Diagnostic]:
    """V010 for every document of a brand that had released versions at ``revision`` and is no
    brand now: the folder ``brands`` below the project ``root`` lost the brand's folder, and
    its versions with it. ``kept(name)`` says whether a brand is one of the project's now, or
    of another shard than the one checked."""
    top, inside = repository(root)
    require_commit(top, revision)
    folder = inside / brands
    listing = git(top, "ls-tree", "-d", "--name-only", f"{revision}:{folder}", check=False)
    found: list[Diagnostic] = []
    for name in sorted(listing.stdout.splitlines()) if listing.returncode == 0 else ():
        if kept(name):
            continue
        for kind, path, changelog in _changelogs(top, folder / name / VERSIONS_DIR, revision):
            numbers = [release.version for release in changelog.versions]
            if not numbers:
                continue
            which = f"version {numbers[0]} is" if len(numbers) == 1 else f"versions {numbers[0]}-{numbers[-1]} are"
            found.append(Diagnostic(
                "V010", f"brand {name}: {kind} {which} gone with the brand's folder (released in {revision})",
                Location(display_path(root / brands / name), 1, 1),
                hint="released versions are never removed: restore them with "
                     f"`git checkout {revision} -- {folder / name / VERSIONS_DIR}` (the brand is then the base "
                     "source, with its versions kept)"))
    return found


#: What GitHub gives as a push's ``before`` when the push creates the branch.
NO_COMMIT = "0" * 40


def released_at(source: Path, revision: str | None) -> set[tuple[str, int]]:
    """(document, number) of every version released at ``revision`` in the source folder
    ``source``; none for ``None`` (no commit)."""
    if revision is None:
        return set()
    top, inside = repository(source)
    try:
        require_commit(top, revision)
    except LegalgenError:
        raise LegalgenError(f"unknown git revision {revision!r}: the checkout needs the history up to it "
                            "(actions/checkout with fetch-depth: 0)") from None
    return {(kind, release.version) for kind, _, changelog in _changelogs(top, inside / VERSIONS_DIR, revision)
            for release in changelog.versions}


def commit_at(source: Path, moment: dt.datetime) -> str | None:
    """The commit that HEAD's first-parent line (the default branch, merges and all) had at
    ``moment``, or None when it began later. Raises LegalgenError in a shallow checkout,
    whose history cannot tell."""
    top, _ = repository(source)
    if git(top, "rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        raise LegalgenError("the checkout is shallow, so its history cannot tell what arrived today "
                            "(actions/checkout with fetch-depth: 0)")
    found = git(top, "rev-list", "-1", "--first-parent", f"--before={moment.isoformat()}", "HEAD").stdout.strip()
    return found or None


def tag_name(inside: PurePosixPath, kind: str, number: int) -> str:
    """The tag of a release: ``legalgen/<source path>/<kind>/v<N>``."""
    prefix = "" if str(inside) == "." else f"{inside.as_posix()}/"
    return f"legalgen/{prefix}{kind}/v{number}"


def sign_release(source: Path, planned: PlannedRelease) -> str:
    """Create the signed tag of a release just written; return its name."""
    top, inside = repository(source)
    name = tag_name(inside, planned.kind, planned.release.version)
    message = f"{planned.kind} version {planned.release.version}\n\nsha256: {planned.release.sha256}\n"
    git(top, "tag", "-s", "-m", message, name)
    return name


def verify_signatures(source: Path, history: History) -> list[Diagnostic]:
    """V012 for every release marked ``signed`` whose tag is missing, unsigned or names another hash."""
    top, inside = repository(source)
    found: list[Diagnostic] = []
    for versions in history.documents.values():
        for version in versions:
            if not version.release.signed:
                continue
            name = tag_name(inside, version.kind, version.number)
            verified = git(top, "verify-tag", name, check=False)
            message = git(top, "tag", "-l", "--format=%(contents:body)", name, check=False).stdout
            if verified.returncode != 0:
                reason = verified.stderr.strip().splitlines()[-1] if verified.stderr.strip() else "no such tag"
                found.append(Diagnostic("V012", f"{version.kind} version {version.number}: tag {name} does not "
                                                f"verify ({reason})", version.locate("signed")))
            elif f"sha256: {version.release.sha256}" not in message:
                found.append(Diagnostic("V012", f"{version.kind} version {version.number}: tag {name} is signed "
                                                "for another hash", version.locate("signed")))
    return found
