"""Released versions of documents: the changelog, the frozen files, and which is in force.

A release freezes two things under ``<source>/versions/<kind>/<n>/``:

- ``source/``: a copy of every YAML file of the source at release time, so the facts of
  any two versions can be compared (``legalgen diff``, materiality);
- ``<locale>.md``: the rendered body of the document in every locale, which is what every
  later build shows for that version, whatever happens to templates or catalogs since.

``<source>/versions/<kind>/changelog.yaml`` lists the versions with their published and
effective dates, a summary in every locale and a SHA-256 over all of that and the frozen
files, chained to the previous version's hash. ``<source>/versions/index.yaml`` records the
head (latest version and its hash) of every document, so removing a version, or a whole
document's history, shows: the chain no longer reaches the recorded head. Editing a
released version, its files or its hash is reported by ``legalgen check``:

====  ===========================================================
V001  a released version was changed (hash mismatch)
V002  a frozen file is missing, unreadable, too large or not UTF-8 text
V003  a version takes effect before it is published
V004  dates go backwards between versions
V005  versions are misnumbered
V006  a changelog filed under another document's folder
V007  a release whose text is the same as the previous version's
V008  a frozen source that no longer loads
V009  versions/index.yaml is missing, unreadable or behind a changelog
V010  a released version or a document's whole history is gone
V011  a version in force or announced lacks a language of the site (see ``snapshot``)
V012  a release marked signed whose tag is missing, unsigned or names another hash (``vcs``)
V013  a version not yet on the branch whose publication date has passed (``vcs``, a warning)
V014  a version folder no changelog lists (a release that did not finish, or a changelog removed)
====  ===========================================================

A version's languages are those of its frozen source: a language added to the site later
is not missing from it.

A version's title and slug are those of its frozen source: renaming a document in the
current source changes nothing that was released until the next release.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Generic, Literal, TypeVar

from pydantic import Field, ValidationError

from legalgen.diagnostics import Diagnostic, Location, SourceError, display_path
from legalgen.files import read_bounded
from legalgen.project import VERSIONS_DIR
from legalgen.source import model as m
from legalgen.source.load import LoadedPolicy, load_policy, validation_diagnostics
from legalgen.source.periods import Period
from legalgen.source.reader import Limits, SourceFile, read_yaml
from legalgen.versions.diff import Materiality, classify

CHANGELOG = "changelog.yaml"
INDEX = "index.yaml"
T = TypeVar("T")
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../schema/changelog.schema.json\n"


class Release(m.Model):
    """One entry of a document's changelog."""

    version: int = Field(ge=1)
    published: dt.date
    effective: dt.date
    summary: m.Text
    material: bool | None = Field(
        None, description="Declared by the release; left out, legalgen classifies the change itself")
    classified: Literal["material", "editorial"] | None = Field(
        None, description="How legalgen classified the change against the previous version when releasing it; "
                          "what the site, the feeds and the e-mails say of the version, whatever a later legalgen "
                          "finds (left out for a first version, and by releases made before legalgen recorded it)")
    backdate_reason: m.Line | None = Field(
        None, description="Why the version was released with a publication date before the day of release")
    signed: bool | None = Field(None, description="Released with a signed git tag (legalgen/<kind>/v<N>)")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Changelog(m.Model):
    """``versions/<key>/changelog.yaml``: the released versions of one document, oldest first."""

    document: m.Id = Field(description="The document: its kind, or a custom document's id")
    versions: list[Release] = Field(default_factory=list)


class Head(m.Model):
    """The latest released version of one document and its hash."""

    version: int = Field(ge=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Index(m.Model):
    """``versions/index.yaml``: the head of every document's released history."""

    documents: dict[m.Id, Head] = Field(default_factory=dict, description="By document kind or custom id")


class Later(Generic[T]):
    """A value computed when first asked for (``later()``), then kept."""

    def __init__(self, compute: Callable[[], T]) -> None:
        self._compute: Callable[[], T] | None = compute
        self._value: T | None = None

    @classmethod
    def known(cls, value: T) -> Later[T]:
        """A value there already."""
        later = cls(lambda: value)
        later()
        return later

    def __call__(self) -> T:
        if self._compute is not None:
            self._value, self._compute = self._compute(), None
        return self._value  # type: ignore[return-value]  # set by the line above


#: What a file's signature records: size, modification and change times, inode, device.
Stat = tuple[int, int, int, int, int]


def _stat(info: Any) -> Stat:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev


class FrozenTexts(Mapping[str, str]):
    """A version's rendered bodies by locale, each read from its ``<locale>.md`` when first
    needed. The files were verified against the release hash on an earlier run; a file read
    later must still be the one verified (``expected``: its signature), or the read is V001."""

    def __init__(self, directory: Path, locales: tuple[str, ...], name: str,
                 texts: Mapping[str, str] | None = None, expected: Mapping[str, Stat] | None = None) -> None:
        self._directory, self._locales, self._name = directory, locales, name
        self._texts: dict[str, str] = dict(texts or {})
        self._expected = expected or {}

    def __getitem__(self, locale: str) -> str:
        if locale not in self._texts:
            if locale not in self._locales:
                raise KeyError(locale)
            path = self._directory / f"{locale}.md"
            expected = self._expected.get(f"{locale}.md")
            data: bytes | None = None
            found: Stat | None = None
            if expected is not None:  # no further than the size verified: a file grown or swapped since is V001
                with contextlib.suppress(OSError):
                    data, status = read_bounded(path, max(expected[0], 0) + 1, follow_links=False)
                    found = _stat(status)
            if found is not None and found != expected:
                raise SourceError([Diagnostic("V001", f"{self._name}: frozen file {locale}.md was changed during "
                                                      "the run", Location(display_path(path)),
                                              hint="released versions are immutable: restore it from version "
                                                   "control")])
            text = _text(data)
            if text is None:
                raise SourceError([Diagnostic("V002", f"{self._name}: frozen file {locale}.md went missing or "
                                                      "became unreadable during the run",
                                              Location(display_path(path)))])
            self._texts[locale] = text
        return self._texts[locale]

    def __iter__(self) -> Iterator[str]:
        return iter(self._locales)

    def __len__(self) -> int:
        return len(self._locales)


@dataclass(frozen=True, eq=False)
class Version:
    """A released version with its frozen Markdown bodies, by locale.

    Loaded from the cache of verified histories, a version reads its bodies, frozen source
    and changelog only when they are first used (pages need only some of them, and a
    command like ``notices`` hardly any); compared by identity.
    """

    kind: str
    release: Release
    bodies: Mapping[str, str]
    directory: Path
    materiality: Materiality | None = None
    changelog_file: Later[SourceFile | None] = field(default_factory=lambda: Later.known(None))
    frozen_source: Later[m.Policy | None] = field(default_factory=lambda: Later.known(None))

    @property
    def changelog(self) -> SourceFile | None:
        """The parsed changelog this version is an entry of."""
        return self.changelog_file()

    @property
    def source(self) -> m.Policy | None:
        """The policy frozen with this version (``None`` if it no longer loads)."""
        return self.frozen_source()

    def locate(self, key: str | None = None) -> Location:
        """Where this version's changelog entry (or one of its keys) stands."""
        if self.changelog is None:
            return Location(str(self.directory))
        path: tuple[str | int, ...] = ("versions", self.number - 1)
        return self.changelog.locate(path if key is None else (*path, key), key=key is not None)

    @property
    def number(self) -> int:
        """The version number, 1 for the first release."""
        return self.release.version

    @property
    def document(self) -> Any:
        """The document as frozen with this version (``None`` if its source no longer loads)."""
        return self.source.documents.get(self.kind) if self.source is not None else None

    @property
    def material(self) -> bool:
        """Material if declared so or if legalgen classified it so when releasing it: what was published
        of a version does not change with a later legalgen's rules. A version released before legalgen
        recorded its classification is material if the changes to the previous version are; a first
        version is not."""
        if self.release.material or self.release.classified is not None:
            return bool(self.release.material) or self.release.classified == "material"
        return self.materiality.material if self.materiality else False

    @property
    def reclassified(self) -> bool:
        """Whether legalgen now finds material a change it classified as editorial when releasing it."""
        return self.release.classified == "editorial" and self.materiality is not None and self.materiality.material


@dataclass(frozen=True)
class History:
    """The released versions of every document that has any, oldest first."""

    documents: Mapping[str, tuple[Version, ...]] = field(default_factory=dict)

    def of(self, kind: str) -> tuple[Version, ...]:
        """The versions of one document (empty when it was never released)."""
        return self.documents.get(kind, ())


@dataclass(frozen=True)
class Selection:
    """What a document shows as of a date: the version in force and the one announced next."""

    as_of: dt.date
    in_force: Version | None
    upcoming: Version | None
    published: tuple[Version, ...]

    def state(self, version: Version) -> str:
        """``in_force``, ``upcoming`` or ``archived`` as of the selection's date."""
        if version is self.in_force:
            return "in_force"
        return "upcoming" if version.release.effective > self.as_of else "archived"


def select(versions: tuple[Version, ...], as_of: dt.date) -> Selection:
    """Pick the version in force (latest effective <= as_of) and an upcoming one.

    Only versions published on or before ``as_of`` are visible at all; the upcoming one is
    published but not yet effective.
    """
    published = tuple(v for v in versions if v.release.published <= as_of)
    in_force = [v for v in published if v.release.effective <= as_of]
    upcoming = [v for v in published if v.release.effective > as_of]
    return Selection(as_of, in_force[-1] if in_force else None, upcoming[0] if upcoming else None, published)


def release_hash(release: Release | dict[str, Any], files: Mapping[str, bytes], previous: str) -> str:
    """SHA-256 over the release's dates and summary, the frozen files and the previous hash."""
    data = release.model_dump(mode="json", exclude_none=True) if isinstance(release, Release) else dict(release)
    data.pop("sha256", None)
    digest = hashlib.sha256()
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    for name in sorted(files):
        digest.update(f"\0{name}\0".encode())
        digest.update(hashlib.sha256(files[name]).digest())
    digest.update(previous.encode("ascii"))
    return digest.hexdigest()


#: At most this many files, and ten times the size limit of one file in all, make up one
#: released version (its texts in every language and its frozen source).
MAX_FROZEN_FILES = 200


def _max_version_bytes(limits: Limits) -> int:
    """The most bytes one version holds: ten times the file limit."""
    return 10 * limits.max_bytes


def frozen_files(directory: Path, limits: Limits) -> dict[str, bytes]:
    """Every file of a version directory, by relative POSIX path, read without following links.

    A version holds plain files in plain folders: a link, a special file, a name that is not
    UTF-8, a file that cannot be read or is larger than ``limits.max_bytes``, or more files or
    bytes than a version holds (:data:`MAX_FROZEN_FILES`, :func:`_max_version_bytes`) is
    ``SourceError`` (V002) at that file. A missing directory has no files.
    """
    try:
        if stat.S_ISLNK(os.lstat(directory).st_mode):
            raise _frozen_problem(directory, "frozen version folder is a link; a released version is a folder of plain files")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise _frozen_problem(directory, f"frozen version folder cannot be read: {error.strerror or error}") from None
    if not directory.is_dir():
        return {}
    files: dict[str, bytes] = {}
    total = 0
    try:
        for name, entry in _files_below(directory):
            path = Path(entry.path)
            if not _is_utf8(name):
                raise _frozen_problem(path.parent, f"a frozen file's name is not UTF-8 text ({_shown(name)})",
                                      hint="remove the file, or restore the released version from version control")
            if entry.is_symlink():
                raise _frozen_problem(path, "frozen file is a link; a released version holds plain files only")
            if len(files) == MAX_FROZEN_FILES:
                raise _frozen_problem(directory, f"frozen version holds more than {MAX_FROZEN_FILES} files")
            files[name] = _read_plain(path, limits.max_bytes)
            total += len(files[name])
            if total > _max_version_bytes(limits):
                raise _frozen_problem(directory, f"frozen version holds more than {_max_version_bytes(limits)} bytes",
                                      hint="raise LEGALGEN_MAX_FILE_BYTES if it is genuine")
    except OSError as error:  # a folder below that cannot be listed
        raise _frozen_problem(Path(error.filename or directory),
                              f"frozen folder cannot be read: {error.strerror or error}") from None
    return dict(sorted(files.items()))


def _files_below(folder: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry below ``folder`` but its folders (a link to a folder is an entry, not
    followed), by relative POSIX path, each folder's in name order; ``OSError`` when a
    folder cannot be listed."""
    pending = [(str(folder), "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as found:
            entries = sorted(found, key=lambda entry: entry.name)
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, f"{prefix}{entry.name}/"))
            else:
                yield prefix + entry.name, entry


def _is_utf8(name: str) -> bool:
    """Whether a file name read from the disk is UTF-8 text (Python keeps other bytes as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(name: str) -> str:
    """A file name that may not be UTF-8 text, printable: its other bytes as ``\\xff``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _read_plain(path: Path, max_bytes: int) -> bytes:
    """The bytes of the plain file at ``path``, not through a link, never waiting for a device
    or pipe, and at most ``max_bytes`` (else ``SourceError``, V002)."""
    try:
        data, status = read_bounded(path, max_bytes + 1, follow_links=False)
    except OSError as error:
        raise _frozen_problem(path, f"frozen file cannot be read: {error.strerror or error}") from None
    if data is None:
        raise _frozen_problem(path, "frozen file cannot be read: it waits for data" if stat.S_ISREG(status.st_mode)
                              else "frozen file is not a plain file (a pipe, device or socket)")
    if len(data) > max_bytes:
        raise _frozen_problem(path, f"frozen file is larger than the limit of {max_bytes} bytes",
                              hint="raise LEGALGEN_MAX_FILE_BYTES if it is genuine")
    return data


def _frozen_problem(path: Path, message: str, hint: str = "restore the released version from version control") \
        -> SourceError:
    return SourceError([Diagnostic("V002", message, Location(display_path(path), 1, 1), hint=hint)])


def linked_part(root: Path, path: Path) -> Path | None:
    """The first folder or file on the way from ``root`` down to ``path`` that is a link, or None."""
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            return current
    return None


def versions_folder(loaded: LoadedPolicy) -> Path:
    """The source's ``versions/`` folder; ``SourceError`` (V002) when it links out of the source
    folder, whose releases are read and written only inside it."""
    folder = loaded.root / VERSIONS_DIR
    try:
        folder.resolve()
    except RuntimeError:  # a link that leads back to itself
        raise SourceError([Diagnostic("V002", "the versions folder is a link that cannot be followed (a loop?)",
                                      Location(display_path(folder)), hint="remove the link")]) from None
    if not folder.resolve().is_relative_to(loaded.root.resolve()):
        raise SourceError([Diagnostic("V002", f"the versions folder links to {folder.resolve()}, outside the source "
                                              "folder; releases are read and written only inside it",
                                      Location(display_path(folder)))])
    return folder


def load_history(loaded: LoadedPolicy) -> History:
    """Read every changelog and frozen version; raise ``SourceError`` listing every problem."""
    root = versions_folder(loaded)
    diagnostics: list[Diagnostic] = []
    documents: dict[str, tuple[Version, ...]] = {}
    unread: set[str] = set()
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if folder.is_symlink():  # its versions would be read from wherever it points
                diagnostics.append(Diagnostic("V002", f"{VERSIONS_DIR}/{_shown(folder.name)} is a link to "
                                                      f"{_shown(str(folder.resolve()))}; versions are read and "
                                                      "written only inside the source folder",
                                              Location(display_path(folder))))
                unread.add(folder.name)
                continue
            if not _is_utf8(folder.name):
                diagnostics.append(Diagnostic("V006", f"a folder's name is not UTF-8 text ({_shown(folder.name)}); "
                                                      "a document's history is filed under its kind or id",
                                              Location(display_path(root), 1, 1)))
                continue
            if not (folder / CHANGELOG).exists() and not (folder / CHANGELOG).is_symlink():
                if _folders(folder):  # files alone (a README) are no version
                    diagnostics.append(_unlisted(folder, None))
                continue
            reported = len(diagnostics)
            versions = _load_document(folder, loaded, diagnostics)
            if len(diagnostics) == reported or versions:
                listed = {str(version.number) for version in versions}
                diagnostics += [_unlisted(entry, versions[-1].number if versions else 0) for entry in _folders(folder)
                                if entry.name not in listed]
            if versions:
                documents[folder.name] = versions
            elif len(diagnostics) > reported:
                unread.add(folder.name)  # its changelog was reported: its history is not gone
    diagnostics += _check_heads(root, documents, loaded, unread)
    if diagnostics:
        raise SourceError(diagnostics)
    return History(documents)


def _folders(folder: Path) -> list[Path]:
    """The folders in a document's history folder, hidden ones left out."""
    return sorted(entry for entry in folder.iterdir() if entry.is_dir() and not entry.name.startswith("."))


def _unlisted(folder: Path, last: int | None) -> Diagnostic:
    """V014: a folder of a document's history that no changelog lists as a released version
    (``last`` is the changelog's last version, 0 when it lists none; ``None``: the document has no
    changelog)."""
    shown = f"{display_path(folder)}{os.sep}"
    if last is None:
        return Diagnostic("V014", f"{_shown(folder.name)}: no {CHANGELOG}, so no folder here is a released version",
                          Location(display_path(folder)),
                          hint=f"if {CHANGELOG} was removed, restore it from version control; only a release that "
                               f"did not finish, leaving its files behind, is cleared up by removing {shown} and "
                               "releasing again")
    listed = f"the last is version {last}" if last else "it lists none"
    return Diagnostic("V014", f"{_shown(folder.parent.name)}: folder {_shown(folder.name)} is not a version its {CHANGELOG} "
                              f"lists ({listed})", Location(display_path(folder)),
                      hint=f"if the changelog's entry was removed, restore it from version control; a release "
                           f"that did not finish leaves its files behind, and the next release would write into "
                           f"them: then remove {shown} and release again")


def _check_heads(root: Path, documents: Mapping[str, tuple[Version, ...]], loaded: LoadedPolicy,
                 unread: set[str] | frozenset[str] = frozenset()) -> list[Diagnostic]:
    """V009/V010: the recorded head of every document is still the end of its chain (not
    judged for the documents in ``unread``, whose changelog was already reported)."""
    path = root / INDEX
    name = display_path(path)
    if not path.is_file():
        if not documents:
            return []
        return [Diagnostic("V009", f"{VERSIONS_DIR}/{INDEX} is missing, so removed versions would go unnoticed",
                           Location(name, 1, 1), hint="restore it from version control")]
    source, problems = read_yaml(path, name, loaded.limits)
    if source is None:
        return problems
    try:
        index = Index.model_validate(source.data)
    except ValidationError as error:
        return validation_diagnostics(error, source, Index)
    found: list[Diagnostic] = []
    for kind, head in index.documents.items():
        if kind in unread:
            continue
        versions = documents.get(kind, ())
        where = source.locate(("documents", kind))
        match = next((v for v in versions if v.number == head.version), None)
        if match is None:
            what = "its whole history is gone" if not versions else f"the changelog ends at version {versions[-1].number}"
            found.append(Diagnostic("V010", f"{kind} version {head.version} was released, but {what}", where,
                                    hint="released versions are never removed: restore them from version control"))
        elif match.release.sha256 != head.sha256:
            found.append(Diagnostic("V010", f"{kind} version {head.version} is not the version that was released "
                                            "(its hash differs from the recorded head)", where,
                                    hint="restore the released versions from version control"))
    for name, versions in documents.items():
        recorded = index.documents.get(name)
        latest = versions[-1]
        if recorded is None or recorded.version < latest.number:
            found.append(Diagnostic(
                "V009", f"{INDEX} does not record {name} version {latest.number}", source.locate(("documents",), key=True),
                hint=f"release with `legalgen release`, which records it; by hand: "
                     f"{name}: {{version: {latest.number}, sha256: {latest.release.sha256}}}"))
    return found


def _load_document(folder: Path, loaded: LoadedPolicy, diagnostics: list[Diagnostic]) -> tuple[Version, ...]:
    """The versions of one document. A history verified on an earlier run whose files are
    untouched since (:func:`_signature`) comes from the cache (``history/``), in time that
    does not depend on the number of versions; otherwise every file is read and verified.

    Files with the same bytes as a verified history, in a fresh clone of the repository or a
    restored CI cache, where every file has a new inode and time, are found by their contents
    (:func:`_contents`) instead of verified again."""
    from legalgen import cache
    from legalgen.versions import diff

    locales = tuple(str(loc) for loc in loaded.policy.site.locales)
    started = time.time_ns()
    signature = _signature(folder, loaded.limits.max_bytes)
    if signature is None:
        return _read_document(folder, loaded, locales, diagnostics)
    settled = started - signature.newest > _SETTLE_NS
    # the classifications it holds are the code of legalgen.versions.diff's
    code = (__file__, cache.key(diff.__file__), folder.name, repr(loaded.limits))
    key = cache.key(*code, signature.digest)
    kept = cache.kept("history", key, _VerifiedHistory)
    if kept is not None:
        return kept.versions(folder, loaded, signature.files)
    contents = _contents(folder, signature, loaded.limits.max_bytes)
    by_contents = cache.key(*code, b"contents", contents) if contents is not None else None
    if by_contents is not None:
        kept = cache.kept("history", by_contents, _VerifiedHistory)
        if kept is not None:
            if settled:
                cache.keep("history", key, kept)  # the next run finds it by the files' signature
            return kept.versions(folder, loaded, signature.files)
    reported = len(diagnostics)
    versions = _read_document(folder, loaded, locales, diagnostics)
    if len(diagnostics) == reported and versions and all(v.source is not None for v in versions):
        verified = _VerifiedHistory(tuple(v.release for v in versions), tuple(v.materiality for v in versions),
                                    tuple(tuple(v.bodies) for v in versions))
        if settled:
            cache.keep("history", key, verified)
        # the bytes verified are those hashed, unless a file changed in between
        if by_contents is not None and _contents(folder, signature, loaded.limits.max_bytes) == contents:
            cache.keep("history", by_contents, verified)
    return versions


def _contents(folder: Path, signature: _Signature, max_bytes: int) -> bytes | None:
    """A digest of the name and bytes of every file :func:`_signature` found below ``folder``;
    ``None`` when one cannot be read, is no longer a plain file or is larger than a source
    file may be (reading the history reports those)."""
    digest = hashlib.sha256()
    for name in sorted(signature.files):
        try:
            data, _ = read_bounded(folder / name, max_bytes + 1, follow_links=False)
        except OSError:
            return None
        if data is None or len(data) > max_bytes:
            return None
        digest.update(f"\0{name}\0{len(data)}\0".encode("utf-8", "surrogateescape") + data)
    return digest.digest()


@dataclass(frozen=True)
class _VerifiedHistory:
    """A document's releases, their classifications and the languages each was released in,
    kept once every file was verified."""

    releases: tuple[Release, ...]
    materiality: tuple[Materiality | None, ...]
    locales: tuple[tuple[str, ...], ...]

    def versions(self, folder: Path, loaded: LoadedPolicy, files: Mapping[str, Stat]) -> tuple[Version, ...]:
        path = folder / CHANGELOG
        changelog: Later[SourceFile | None] = Later(functools.partial(_read_changelog, path, loaded))
        found = []
        previous = ""
        for index, (release, materiality, locales) in enumerate(zip(self.releases, self.materiality, self.locales,
                                                                    strict=True)):
            directory = folder / str(release.version)
            name = f"{folder.name} version {release.version}"
            source: Later[m.Policy | None] = Later(functools.partial(
                _verified_source, directory, folder.name, changelog, index, loaded, release, previous))
            expected = {f"{locale}.md": files.get(f"{release.version}/{locale}.md", (-1, 0, 0, 0, 0))
                        for locale in locales}
            found.append(Version(folder.name, release, FrozenTexts(directory, locales, name, expected=expected),
                                 directory, materiality, changelog, source))
            previous = release.sha256
        return tuple(found)


@dataclass(frozen=True)
class _Signature:
    """What :func:`_signature` found: its digest and every file's signature."""

    digest: bytes
    files: Mapping[str, Stat]

    @property
    def newest(self) -> int:
        """The latest change time among the files."""
        return max((info[2] for info in self.files.values()), default=0)


def _signature(folder: Path, max_bytes: int) -> _Signature | None:
    """The changelog's bytes and, for every file under ``folder``, its path, size, inode and
    modification and change times: equal signatures mean the same files, untouched since (as
    git's index tells). ``None`` (no cache) when something cannot be read, is a symbolic link
    or anything but a plain file or folder, where a file system gives no inode numbers, or
    when the changelog is larger than a source file may be (its parser reports that)."""
    files: dict[str, Stat] = {}
    changelog = folder / CHANGELOG
    try:
        info = os.lstat(changelog)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        data = changelog.read_bytes()
        for name, entry in _files_below(folder):
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_ino == 0:
                return None
            files[name] = _stat(info)
    except OSError:
        return None
    digest = hashlib.sha256(data)
    for name in sorted(files):
        digest.update(f"\0{name}\0{files[name]}".encode("utf-8", "surrogateescape"))
    return _Signature(digest.digest(), files)


#: A file changed this recently might change again within the same tick of the file
#: system's clock without changing its signature, so its history is verified again next run.
_SETTLE_NS = 2_000_000_000


def _read_changelog(path: Path, loaded: LoadedPolicy) -> SourceFile | None:
    source, _ = read_yaml(path, display_path(path), loaded.limits)
    return source


def _verified_source(directory: Path, kind: str, changelog: Later[SourceFile | None], index: int,
                     loaded: LoadedPolicy, release: Release, previous: str) -> m.Policy:
    """The frozen source of a version verified on an earlier run: from the cache of frozen
    sources, else from its files once they are verified again against the release hash."""
    from legalgen import cache

    cached = cache.kept("frozen", _frozen_key(release.sha256, loaded), m.Policy)
    if cached is not None:
        return cached
    if release_hash(release, frozen_files(directory, loaded.limits), previous) != release.sha256:
        raise SourceError([Diagnostic(
            "V001", f"{kind} version {release.version} was changed after its release (its files no longer match)",
            _entry_key(changelog(), index, "sha256"),
            hint="released versions are immutable: restore them from version control and release a new version")])
    problems: list[Diagnostic] = []
    policy = _frozen_source(directory, kind, changelog, index, loaded, problems, release.sha256)
    if policy is None:
        raise SourceError(problems)
    return policy


def _frozen_key(sha256: str, loaded: LoadedPolicy) -> str:
    """The key of a version's frozen source in the cache: its release hash and the limits it
    was read within (under lower limits it might not load at all)."""
    return hashlib.sha256(f"{sha256} {loaded.limits!r}".encode()).hexdigest()


def _read_document(folder: Path, loaded: LoadedPolicy, locales: tuple[str, ...],
                   diagnostics: list[Diagnostic]) -> tuple[Version, ...]:
    """Read and verify every file of one document's history."""
    path = folder / CHANGELOG
    source, problems = read_yaml(path, display_path(path), loaded.limits)
    diagnostics += problems
    if source is None:
        return ()
    try:
        changelog = Changelog.model_validate(source.data)
    except ValidationError as error:
        diagnostics += validation_diagnostics(error, source, Changelog)
        return ()
    if changelog.document != folder.name:
        diagnostics.append(Diagnostic("V006", f"changelog of {changelog.document!r} filed under {folder.name!r}",
                                      source.locate(("document",))))
    versions: list[Version] = []
    previous: Release | None = None
    previous_hash = ""
    previous_verified = False
    for index, release in enumerate(changelog.versions):
        diagnostics += _check_release(functools.partial(_entry_key, source, index), index, release, previous,
                                      folder.name)
        directory = folder / str(release.version)
        try:
            files = frozen_files(directory, loaded.limits)
        except SourceError as error:
            diagnostics += error.diagnostics  # the versions after it are still read, chained to its recorded hash
            previous, previous_hash, previous_verified = release, release.sha256, False
            continue
        matches = release_hash(release, files, previous_hash) == release.sha256
        frozen = _frozen_source(directory, folder.name, Later.known(source), index, loaded, diagnostics,
                                release.sha256 if matches else None)
        bodies = {loc: _text(files.get(f"{loc}.md")) for loc in _released_locales(frozen, locales, files)}
        missing = [f"{locale}.md" + ("" if f"{locale}.md" not in files else " (not UTF-8 text)")
                   for locale, body in bodies.items() if body is None]
        verified = matches and not missing
        if missing:
            diagnostics.append(Diagnostic(
                "V002", f"{folder.name} version {release.version}: frozen file(s) missing or unreadable: "
                        f"{', '.join(missing)}",
                source.locate(("versions", index, "version")),
            ))
        elif not verified:
            diagnostics.append(Diagnostic(
                "V001", f"{folder.name} version {release.version} was changed after its release "
                        f"(its files, dates, summary or hash no longer match)",
                source.locate(("versions", index, "sha256")),
                hint="released versions are immutable: restore them from version control and release a new version",
            ))
        materiality = None
        if versions and versions[-1].source is not None and frozen is not None:
            materiality = _classified(versions[-1].source, frozen, folder.name,
                                      (previous_hash, release.sha256) if verified and previous_verified else None)
        texts = {locale: body for locale, body in bodies.items() if body is not None}
        name = f"{folder.name} version {release.version}"
        versions.append(Version(folder.name, release, FrozenTexts(directory, tuple(texts), name, texts), directory,
                                materiality, Later.known(source), Later.known(frozen)))
        previous, previous_hash, previous_verified = release, release.sha256, verified
    return tuple(versions)


def _released_locales(frozen: m.Policy | None, locales: tuple[str, ...], files: Mapping[str, bytes]) -> tuple[str, ...]:
    """The languages a version was released in: those of its frozen source (a language added to
    the site later is not one of them), else, when that source no longer loads (V008), the
    site's languages it has a text of (a text deleted since is V001), else the site's."""
    if frozen is not None:
        return tuple(str(locale) for locale in frozen.site.locales)
    return tuple(locale for locale in locales if f"{locale}.md" in files) or locales


def _classified(old: m.Policy, new: m.Policy, kind: str, hashes: tuple[str, str] | None) -> Materiality:
    """:func:`~legalgen.versions.diff.classify` of a released version against the one before; with the
    release ``hashes`` of both (verified against their files), kept in the cache (``changes/``)."""
    from legalgen import cache
    from legalgen.versions import diff

    if hashes is None:
        return classify(old, new, kind)
    return cache.value("changes", cache.key(diff.__file__, kind, *hashes), lambda: classify(old, new, kind), Materiality)


def _text(data: bytes | None) -> str | None:
    """A frozen file as text, or ``None`` when it is missing or not UTF-8."""
    try:
        return data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None


def _frozen_source(directory: Path, kind: str, changelog: Later[SourceFile | None], index: int, loaded: LoadedPolicy,
                   diagnostics: list[Diagnostic], verified_hash: str | None = None) -> m.Policy | None:
    """The policy frozen with a version; ``None`` (with V008) if it no longer loads.

    A version whose files match its release hash is read from the cache of frozen sources
    when it is there (:mod:`legalgen.cache`), and put there once loaded.
    """
    from legalgen import cache

    if verified_hash is not None:
        cached = cache.kept("frozen", _frozen_key(verified_hash, loaded), m.Policy)
        if cached is not None:
            return cached
    try:
        policy = load_policy(directory / "source", loaded.limits, frozen=True).policy
    except SourceError as error:
        diagnostics.append(Diagnostic(
            "V008", f"{kind} version {index + 1}: its frozen source no longer loads, so its changes cannot be "
                    f"classified ({error.diagnostics[0].format().splitlines()[0]})",  # the hint is the source's
            _entry_key(changelog(), index, "version"),
        ))
        return None
    if verified_hash is not None:
        cache.keep("frozen", _frozen_key(verified_hash, loaded), policy)
    return policy


def _entry_key(changelog: SourceFile | None, index: int, key: str) -> Location:
    return changelog.locate(("versions", index, key)) if changelog is not None else Location(CHANGELOG)


def _check_release(
    locate: Callable[[str], Location], index: int, release: Release, previous: Release | None, kind: str
) -> Iterator[Diagnostic]:
    """Numbering and date order of one release; ``locate`` places a key of its entry."""
    name = f"{kind} version {release.version}"
    if release.version != index + 1:
        yield Diagnostic("V005", f"{name} is entry {index + 1} of the changelog; versions are numbered 1, 2, 3, ...",
                         locate("version"))
    if release.effective < release.published:
        yield Diagnostic("V003", f"{name} takes effect ({release.effective}) before it is published "
                                 f"({release.published})", locate("effective"))
    if previous is not None:
        if release.published < previous.published:
            yield Diagnostic("V004", f"{name} is published ({release.published}) before version "
                                     f"{previous.version} ({previous.published})", locate("published"))
        if release.effective <= previous.effective:
            yield Diagnostic("V004", f"{name} takes effect ({release.effective}) no later than version "
                                     f"{previous.version} ({previous.effective})", locate("effective"),
                             hint="one version of a document takes effect per day (dates have no time of day): "
                                  f"the earliest is {_day_after(previous.effective)}")


def _day_after(day: dt.date) -> str:
    return (day + dt.timedelta(days=1)).isoformat() if day < dt.date.max else "none"


# --------------------------------------------------------------------------- releasing


@dataclass(frozen=True)
class PlannedRelease:
    """The files a release writes, relative to the source directory, and its changelog entry."""

    kind: str
    release: Release
    files: Mapping[PurePosixPath, str | bytes]
    materiality: Materiality | None


#: The shortest notice of a material change, unless ``site.notices.shorter_period_reason`` says why less.
MINIMUM_NOTICE = Period(days=30)


def notice_owed(settings: m.NoticeSettings, *documents: m.DocumentBase | None) -> tuple[Period, ...]:
    """The notices a material change of a document is owed, each to be kept: the site's notice
    period, or longer where the document promises more on its page ("at least 60 days",
    ``changes.advance_notice``), in its current source or in the version in force, whose
    readers were promised it; and 30 days by the calendar, unless ``shorter_period_reason``
    says why less (a period of months can be shorter: "P1M" from 31 January is 28 days)."""
    promised = [document.changes.advance_notice for document in documents
                if document is not None and document.changes is not None and document.changes.advance_notice]
    longest = max([settings.period, *promised])
    if settings.shorter_period_reason is None and longest.shortest_days < MINIMUM_NOTICE.days:
        return longest, MINIMUM_NOTICE
    return (longest,)


def notice_kept(owed: tuple[Period, ...], published: dt.date, effective: dt.date) -> bool:
    """Whether a version published on ``published`` and in effect on ``effective`` keeps every notice ``owed``."""
    return all(period.separates(published, effective) for period in owed)


def notice_ends(owed: tuple[Period, ...], published: dt.date) -> dt.date:
    """The first day a version published on ``published`` may take effect with the notices ``owed``
    (``OverflowError`` past the year 9999)."""
    return max(period.add_to(published) for period in owed)


def described(owed: tuple[Period, ...]) -> str:
    """The notices owed, as a reader of a finding reads them ("P1M and P30D")."""
    return " and ".join(str(period) for period in owed)


def plan_release(
    loaded: LoadedPolicy,
    history: History,
    kind: str,
    *,
    bodies: Mapping[str, str],
    published: dt.date,
    effective: dt.date,
    summary: m.Text,
    material: bool | None = None,
    notices: m.NoticeSettings,
    today: dt.date,
    backdate_reason: str | None = None,
    signed: bool = False,
) -> PlannedRelease:
    """Freeze the current source and ``bodies`` as the next version of ``kind``.

    Raises ``SourceError`` when the dates would go backwards, the publication date lies
    before ``today`` without a ``backdate_reason``, the notice period is not kept, or
    nothing changed since the previous version. Writing the files is the writer's job.
    """
    versions = history.of(kind)
    previous = versions[-1] if versions else None
    owed = notice_owed(notices, loaded.policy.document(kind), previous.document if previous else None)
    number = previous.number + 1 if previous else 1
    source_files = {f"source/{name}": data for name, data in loaded.source_files().items()}
    frozen = {**source_files, **{f"{locale}.md": text.encode("utf-8") for locale, text in bodies.items()}}
    materiality = classify(previous.source, loaded.policy, kind) if previous and previous.source else None
    entry: dict[str, Any] = {
        "version": number,
        "published": published.isoformat(),
        "effective": effective.isoformat(),
        "summary": summary.model_dump(mode="json"),
    }
    if material is not None:
        entry["material"] = material
    if materiality is not None:
        entry["classified"] = "material" if materiality.material else "editorial"
    if backdate_reason is not None:
        entry["backdate_reason"] = backdate_reason
    if signed:
        entry["signed"] = True
    sha = release_hash(entry, frozen, previous.release.sha256 if previous else "")
    try:
        release = Release.model_validate({**entry, "sha256": sha})
    except ValidationError as error:
        raise SourceError([Diagnostic("S003", f"release: {e['msg']}", loaded.locate(kind))
                           for e in error.errors(include_url=False)]) from None
    here = loaded.locate(kind)
    problems: list[Diagnostic] = []
    if published < today and backdate_reason is None:
        problems.append(Diagnostic(
            "C07", f"{kind}: the publication date {published} lies before today ({today}); a release cannot be "
                   "dated back to meet the notice period on paper", here,
            hint="publish today, or give --backdate-reason if the text really was published then"))
    if materiality is not None and materiality.material:
        reasons = "; ".join(f"{c.path}: {c.description}" for c in materiality.reasons)
        if material is False:
            problems.append(Diagnostic("C02", f"{kind}: the change is material ({reasons}); it cannot be released "
                                              "as editorial", here))
    if (material or (materiality is not None and materiality.material)) and \
            not notice_kept(owed, published, effective):
        problems.append(Diagnostic(
            "C03", f"{kind}: a material change needs {described(owed)} of notice; {effective} is "
                   f"{(effective - published).days} day(s) after {published}", here,
            hint=f"set the effective date at least {described(owed)} after {published}"))
    problems += _check_release(lambda key: here, len(versions), release, previous.release if previous else None, kind)
    if previous is not None and all(previous.bodies.get(locale) == text for locale, text in bodies.items()):
        problems.append(Diagnostic("V007", f"{kind}: the rendered text is the same as in version {previous.number}",
                                   here, hint="change the source before releasing"))
    changelog = _changelog_text(kind, [*(v.release for v in versions), release])
    problems += _beyond_limits(kind, frozen, changelog, loaded.limits, here)
    if problems:
        raise SourceError(problems)
    prefix = PurePosixPath(VERSIONS_DIR, kind)
    files: dict[PurePosixPath, str | bytes] = {prefix / str(number) / name: data for name, data in frozen.items()}
    files[prefix / CHANGELOG] = changelog
    heads = {other: found[-1].release for other, found in history.documents.items()}
    files[PurePosixPath(VERSIONS_DIR, INDEX)] = index_text({**heads, kind: release})
    return PlannedRelease(kind, release, files, materiality)


def _beyond_limits(kind: str, frozen: Mapping[str, bytes], changelog: str, limits: Limits,
                   here: Location) -> list[Diagnostic]:
    """What the release would write that reading it back refuses (:func:`frozen_files`, the
    changelog's file limit): refused before anything is written, never found after."""
    problems = []
    if len(frozen) > MAX_FROZEN_FILES:
        problems.append(Diagnostic("V002", f"{kind}: the version would hold {len(frozen)} files; a frozen version "
                                           f"holds at most {MAX_FROZEN_FILES}", here))
    largest = max(frozen, key=lambda name: len(frozen[name]))
    if len(frozen[largest]) > limits.max_bytes:
        problems.append(Diagnostic("S011", f"{kind}: the frozen {largest} would be {len(frozen[largest])} bytes, "
                                           f"beyond the file limit of {limits.max_bytes}", here,
                                   hint="raise LEGALGEN_MAX_FILE_BYTES if it is genuine"))
    elif sum(map(len, frozen.values())) > _max_version_bytes(limits):
        problems.append(Diagnostic("V002", f"{kind}: the version would hold more than {_max_version_bytes(limits)} "
                                           "bytes", here, hint="raise LEGALGEN_MAX_FILE_BYTES if it is genuine"))
    size = len(changelog.encode("utf-8"))
    if size > limits.max_bytes:
        problems.append(Diagnostic("S011", f"{kind}: its changelog would grow to {size} bytes, beyond the file "
                                           f"limit of {limits.max_bytes} (a long summary?)", here,
                                   hint="shorten the summary, or raise LEGALGEN_MAX_FILE_BYTES"))
    return problems


def index_text(heads: Mapping[str, Release]) -> str:
    """``versions/index.yaml`` recording each document's latest release."""
    lines = [
        "# The latest released version of every document and its hash. Written by `legalgen release`;",
        "# `legalgen check` fails when a changelog no longer reaches its head (a removed version).",
        "documents:",
    ]
    for kind in sorted(heads):
        lines.append(f"  {kind}: {{version: {heads[kind].version}, sha256: {heads[kind].sha256}}}")
    return "\n".join(lines) + "\n"


def _changelog_text(kind: str, releases: list[Release]) -> str:
    """The changelog as YAML, entries oldest first, in a stable layout."""
    from io import StringIO

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    stream = StringIO()
    stream.write(SCHEMA_COMMENT)
    stream.write(f"# Released versions of the {kind} document, oldest first. Written by `legalgen release`;\n"
                 "# released versions are immutable: `legalgen check` verifies every sha256.\n")
    data = {"document": kind, "versions": [r.model_dump(mode="json", exclude_none=True) for r in releases]}
    yaml.dump(data, stream)
    return stream.getvalue()
