"""What a build of each locale depends on, so that a build whose inputs did not change is skipped.

The manifest (``.legalgen-manifest.json`` in the built site) holds:

- per locale, a hash of everything its pages are made from: the rendered Markdown tree of
  the locale, its generated config, the base mkdocs.yml and the configs it inherits from,
  the theme folder it names (overrides/), the versions of the engine, the theme and the
  libraries, and legalgen's own Markdown extension; and, for the files legalgen writes at
  the site root, a hash of their content;
- a hash of what the build left in site/, per locale and for the root (:func:`outputs`);
- the source key (:func:`source_key`): a hash of every input file, read without parsing,
  which lets ``legalgen build`` stop before it reads the source (:func:`up_to_date`).

A build whose manifest equals the stored one writes nothing; a locale whose part is
unchanged, and whose folder is as the build left it, is copied from the current site
instead of being built again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from legalgen import catalog_dir, package_version
from legalgen.files import read_within
from legalgen.project import Project, aside, staging_folders
from legalgen.scaffold import skeleton

FILE = ".legalgen-manifest.json"
_ENGINE_PACKAGES = {"mkdocs": ("mkdocs", "mkdocs-material"), "zensical": ("zensical",)}
#: The libraries whose versions change the pages, whatever the engine.
_LIBRARIES = ("jinja2", "babel", "markdown", "pymdown-extensions", "pygments", "pyyaml", "pydantic", "feedgen", "lxml",
              "weasyprint")


#: The manifest's entry for everything a build is made from (see :func:`source_key`) and the
#: site's time zone, which decides the default as-of date before the source is read.
SOURCE = "<source>"
TIMEZONE = "<timezone>"
#: The theme folder mkdocs.yml named (``theme.custom_dir``), relative to the project root: read
#: from here, the check that nothing changed need not parse mkdocs.yml (whose bytes it hashes).
THEME = "<theme>"
#: The configs mkdocs.yml inherits from (``INHERIT``), relative to the project root, one per line.
CONFIGS = "<configs>"
#: The manifest's entry for the files at the site root.
ROOT = "<root>"
#: A locale's name, as a folder of the site (the model's own pattern is stricter).
_LOCALE = re.compile(r"[A-Za-z0-9_-]{1,35}")
#: The prefix of the manifest's entries for what a build left in site/ (see :func:`outputs`).
OUTPUT = "<output>"


#: A file up to this size is hashed by its content; a larger one (an image or font of the theme,
#: a stray archive) by its status (size, modification and change times, inode), as git's index
#: tells a changed file, so that the check reads a bounded number of bytes.
CONTENT_BYTES = 4 << 20


def _hash_tree(digest: hashlib._Hash, folder: Path, *, skip_cache: bool = False) -> bool:
    """Add the files below ``folder`` (a missing folder adds nothing) to ``digest``, each
    name and content with its length, so that no two trees feed the same bytes; False when it
    holds what a hash of its files cannot vouch for: a link (its target may lie anywhere, and
    change without the link changing) or a pipe, socket or device. Nothing is followed.
    ``skip_cache`` leaves out ``__pycache__`` (legalgen's own code; a theme folder publishes
    one like any other)."""
    if folder.is_symlink():
        return False
    if not folder.is_dir():
        return not folder.exists()
    for directory, folders, names in os.walk(folder):  # links to folders are listed, not entered
        folders[:] = sorted(name for name in folders if not (skip_cache and name == "__pycache__"))
        for name in folders:
            if os.path.islink(os.path.join(directory, name)):
                return False
        for name in sorted(names):
            path = os.path.join(directory, name)
            try:
                status = os.lstat(path)
            except OSError:
                return False
            if not stat.S_ISREG(status.st_mode):
                return False
            _framed(digest, os.path.relpath(path, folder).encode("utf-8", "surrogateescape"))
            if status.st_size > CONTENT_BYTES:
                _framed(digest, f"{status.st_size} {status.st_mtime_ns} {status.st_ctime_ns} {status.st_ino}".encode())
                continue
            try:
                data = read_within(Path(path), CONTENT_BYTES, follow_links=False)
            except OSError:
                return False
            if data is None:  # no longer a regular file, or grown since its status was read
                return False
            _framed(digest, data)
    return True


def _framed(digest: hashlib._Hash, data: bytes) -> None:
    """Add ``data`` to ``digest`` after its length, so that where one piece ends is part of the hash."""
    digest.update(b"%d:" % len(data))
    digest.update(data)


def inputs_digest(project: Project, engine: str, theme: Path, inherited: Sequence[Path] = ()) -> str | None:
    """A hash of everything a build is made from but the date, read without parsing anything:
    the source with its versions (and a brand's base), mkdocs.yml and the configs it inherits
    from (``inherited``), the theme folder it names (``theme``), the versions of the engine,
    the theme and the libraries that make the pages, and legalgen's own files (code,
    templates, catalogs, knowledge). None when one of those folders holds a link or a special
    file, so that every build reads the source (see :func:`_hash_tree`)."""
    digest = hashlib.sha256()
    digest.update(f"{engine} {sys.version_info[:2]}\0".encode())
    for package in ("legalgen", *_LIBRARIES, *_ENGINE_PACKAGES.get(engine, ())):
        digest.update(f"{package}={package_version(package) or '-'}\0".encode())
    code = Path(__file__).parent.parent
    if not _hash_tree(digest, code, skip_cache=True):
        return None
    catalogs = catalog_dir()  # in a checkout, beside the package
    folders = [] if catalogs.is_relative_to(code) else [catalogs]
    for folder in (*folders, project.source, project.base, theme, _legalgen_overrides()):
        digest.update(b"\1")
        if folder is not None and not _hash_tree(digest, folder):
            return None
    for config in (project.base_config, *inherited):
        if not _hash_config(digest, config):
            return None
    return digest.hexdigest()


def dated(digest: str | None, as_of: dt.date) -> str | None:
    """The manifest's source key: the inputs' digest (:func:`inputs_digest`) on a date."""
    return None if digest is None else hashlib.sha256(f"{digest} {as_of.isoformat()}".encode()).hexdigest()


def source_key(project: Project, engine: str, as_of: dt.date, theme: Path, inherited: Sequence[Path] = ()) -> str | None:
    """The source key of a build on ``as_of``: :func:`inputs_digest` with the date."""
    return dated(inputs_digest(project, engine, theme, inherited), as_of)


def _hash_config(digest: hashlib._Hash, config: Path) -> bool:
    """Add a config file (none: nothing) to ``digest``; False when it is a link, a special
    file, or larger than :data:`CONTENT_BYTES`."""
    digest.update(b"\2")
    if not config.exists() and not config.is_symlink():
        return True
    try:
        data = read_within(config, CONTENT_BYTES, follow_links=False)
    except OSError:
        return False
    if data is None:
        return False
    digest.update(data)
    return True


def outputs(site: Path, locales: Iterable[str]) -> dict[str, str]:
    """The manifest's entries for what the build left in ``site``: per locale folder and for the
    files at the root, a hash of each file's name and content (the manifest itself aside; the
    same files give the same entries, so a reproducible build stays byte-identical). A folder
    that is missing or holds a link or a special file has no entry, so that it matches no
    stored one: a locale deleted or tampered with since the build is built again, never copied
    or taken as up to date."""
    entries: dict[str, str] = {}
    names = set(locales)
    try:
        top = sorted(os.scandir(site), key=lambda entry: entry.name)
    except OSError:
        return entries
    root = hashlib.sha256()
    for entry in top:
        if entry.name in names or entry.name == FILE:
            continue
        if not _signature(root, site, Path(entry.path)):
            return entries
    entries[OUTPUT + "/"] = root.hexdigest()
    for locale in sorted(names):
        digest = hashlib.sha256()
        folder = site / locale
        if folder.is_dir() and not folder.is_symlink() and _signature(digest, site, folder):
            entries[f"{OUTPUT}/{locale}"] = digest.hexdigest()
    return entries


def _signature(digest: hashlib._Hash, site: Path, path: Path) -> bool:
    """Add the name and content of ``path`` (a file, or every file below a folder, however deep)
    to ``digest``; False on a link or a special file, or what cannot be read."""
    pending = [path]
    while pending:
        current = pending.pop()
        name = os.path.relpath(current, site).encode("utf-8", "surrogateescape")
        try:
            status = os.lstat(current)
            if stat.S_ISREG(status.st_mode):
                with open(current, "rb") as stream:
                    _framed(digest, name)
                    digest.update(hashlib.file_digest(stream, "sha256").digest())
                continue
            if not stat.S_ISDIR(status.st_mode):
                return False
            _framed(digest, name + b"/")
            children = sorted(os.scandir(current), key=lambda entry: entry.name, reverse=True)
        except OSError:
            return False
        pending.extend(Path(child.path) for child in children)  # reversed: popped by name
    return True


def _interrupted(site: Path) -> bool:
    """Whether a build was interrupted next to ``site`` (a staging folder or an aside tree is
    left), which only a full build clears up."""
    return aside(site).exists() or bool(staging_folders(site))


def up_to_date(project: Project, engine: str, as_of: dt.date | None) -> bool:
    """Whether the site was built from exactly these inputs (:func:`source_key`), so that a
    build has nothing to do: it need not even read the source. Without ``as_of``, the date is
    today in the time zone the site was built for."""
    from legalgen.clock import today

    previous = stored(project.site)
    if SOURCE not in previous or THEME not in previous:
        return False
    if as_of is None:
        try:
            as_of = today(previous.get(TIMEZONE, ""))
        except (ValueError, KeyError):  # no or no known time zone: read the source
            return False
    theme = project.root / previous[THEME]
    inherited = [project.root / line for line in previous.get(CONFIGS, "").splitlines()]
    built = {key: value for key, value in previous.items() if key.startswith(OUTPUT)}
    locales = [key.removeprefix(OUTPUT + "/") for key in built if key != OUTPUT + "/"]
    if not all(_LOCALE.fullmatch(locale) for locale in locales):  # a manifest edited by hand
        return False
    try:
        inside = project.root.resolve()
        if not all(path.resolve().is_relative_to(inside) for path in (theme, *inherited)):  # edited by hand
            return False
    except (OSError, RuntimeError, ValueError):  # a link loop, a name the system refuses: read mkdocs.yml
        return False
    if previous[SOURCE] != source_key(project, engine, as_of, theme, inherited) or _interrupted(project.site):
        return False
    return OUTPUT + "/" in built and built == outputs(project.site, locales)


def shared_inputs(project: Project, engine: str, theme: Path, inherited: Sequence[Path] = ()) -> hashlib._Hash:
    """The hash of what every locale's pages are made from: the engine and theme versions,
    legalgen's Markdown extension, mkdocs.yml and the configs it inherits from, and the theme
    folder it names (``theme``, overrides/ by default), extended per locale by
    :func:`locale_input`."""
    shared = hashlib.sha256()
    shared.update(f"{engine} {sys.version_info[:2]}".encode())
    for package in ("legalgen", *_LIBRARIES, *_ENGINE_PACKAGES.get(engine, ())):
        shared.update(f"{package}={package_version(package) or '-'}\0".encode())
    shared.update((Path(__file__).parent.parent / "render" / "markdown_safety.py").read_bytes())
    for config in (project.base_config, *inherited):
        if not _hash_config(shared, config):
            shared.update(os.urandom(16))
    for folder in (theme, _legalgen_overrides()):  # the latter: the templates a project's overrides lack
        if not _hash_tree(shared, folder):  # a link in the theme folder: its target may have changed
            shared.update(os.urandom(16))
    return shared


def _legalgen_overrides() -> Path:
    """legalgen's own overrides, which the engine reads after the project's (see
    :func:`legalgen.site.build._share_theme_work`)."""
    return skeleton() / "overrides"


def locale_input(shared: hashlib._Hash, tree: Mapping[PurePosixPath, str | bytes], config: str) -> str:
    """The manifest entry of one locale: the shared inputs, its generated config and its
    Markdown tree, hashed as they were written (not read back from docs/)."""
    digest = shared.copy()
    digest.update(config.encode("utf-8"))
    for relative in sorted(tree, key=PurePosixPath.as_posix):
        content = tree[relative]
        _framed(digest, relative.as_posix().encode())
        _framed(digest, content.encode("utf-8") if isinstance(content, str) else content)
    return digest.hexdigest()


def root_input(root_files: Mapping[str, bytes]) -> str:
    """The manifest entry of the files legalgen writes at the site root."""
    root = hashlib.sha256()
    for name in sorted(root_files):
        _framed(root, name.encode())
        _framed(root, root_files[name])
    return root.hexdigest()


#: The largest manifest read back (one of a thousand locales is a few hundred kilobytes).
MAX_BYTES = 16 << 20


def stored(site: Path) -> dict[str, str]:
    """The manifest of the site as built, or an empty one (a missing or unreadable file, or
    anything but a regular file of at most :data:`MAX_BYTES`: a link, a pipe, a device)."""
    try:
        raw = read_within(site / FILE, MAX_BYTES, follow_links=False)
        data = json.loads(raw.decode("utf-8")) if raw is not None else None
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def text(manifest: Mapping[str, str]) -> str:
    """The manifest as it is stored."""
    return json.dumps(dict(manifest), indent=2, sort_keys=True) + "\n"


__all__ = ["CONFIGS", "FILE", "OUTPUT", "ROOT", "SOURCE", "THEME", "TIMEZONE", "dated", "inputs_digest", "locale_input",
           "outputs", "root_input", "shared_inputs", "source_key",
           "stored", "text", "up_to_date"]
