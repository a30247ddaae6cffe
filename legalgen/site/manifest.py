"""What a build of each locale depends on, so that a build whose inputs did not change is skipped.

The manifest names, per locale, a hash of everything its pages are made from: the
rendered Markdown tree of the locale, its generated config, the base mkdocs.yml, the
theme folder it names (overrides/), the engine and theme versions and legalgen's own Markdown extension; and, for
the files legalgen writes at the site root, a hash of their content. It is stored in the
built site (``.legalgen-manifest.json``). A build whose manifest equals the stored one
writes nothing; a locale whose part is unchanged is copied from the current site instead
of being built again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from legalgen import catalog_dir, package_version
from legalgen.files import read_bounded
from legalgen.project import Project
from legalgen.scaffold import skeleton

FILE = ".legalgen-manifest.json"
_ENGINE_PACKAGES = {"mkdocs": ("mkdocs", "mkdocs-material"), "zensical": ("zensical",)}


#: The manifest's entry for everything a build is made from (see :func:`source_key`) and the
#: site's time zone, which decides the default as-of date before the source is read.
SOURCE = "<source>"
TIMEZONE = "<timezone>"
#: The theme folder mkdocs.yml named (``theme.custom_dir``), relative to the project root: read
#: from here, the check that nothing changed need not parse mkdocs.yml (whose bytes it hashes).
THEME = "<theme>"
#: The manifest's entry for the files at the site root.
ROOT = "<root>"


def _hash_tree(digest: hashlib._Hash, folder: Path) -> None:
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")


def source_key(project: Project, engine: str, as_of: dt.date, theme: Path) -> str:
    """A hash of everything a build is made from, read without parsing anything: the as-of
    date, the source with its versions (and a brand's base), mkdocs.yml, the theme folder it
    names (``theme``), the engine
    and theme versions, and legalgen's own files (code, templates, catalogs, knowledge)."""
    digest = hashlib.sha256()
    digest.update(f"{engine} {as_of.isoformat()} {sys.version_info[:2]}\0".encode())
    for package in ("legalgen", *_ENGINE_PACKAGES.get(engine, ())):
        digest.update(f"{package}={package_version(package) or '-'}\0".encode())
    code = Path(__file__).parent.parent
    _hash_tree(digest, code)
    catalogs = catalog_dir()  # in a checkout, beside the package
    if not catalogs.is_relative_to(code):
        _hash_tree(digest, catalogs)
    for folder in (project.source, project.base, theme, _legalgen_overrides()):
        digest.update(b"\1")
        if folder is not None:
            _hash_tree(digest, folder)
    if project.base_config.is_file():
        digest.update(project.base_config.read_bytes())
    return digest.hexdigest()


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
    if not theme.resolve().is_relative_to(project.root.resolve()):  # a manifest edited by hand: read mkdocs.yml
        return False
    return previous[SOURCE] == source_key(project, engine, as_of, theme)


def shared_inputs(project: Project, engine: str, theme: Path) -> hashlib._Hash:
    """The hash of what every locale's pages are made from: the engine and theme versions,
    legalgen's Markdown extension, mkdocs.yml and the theme folder it names (``theme``,
    overrides/ by default), extended per locale by :func:`locale_input`."""
    shared = hashlib.sha256()
    shared.update(f"{engine} {sys.version_info[:2]}".encode())
    for package in ("legalgen", *_ENGINE_PACKAGES.get(engine, ())):
        shared.update(f"{package}={package_version(package) or '-'}\0".encode())
    shared.update((Path(__file__).parent.parent / "render" / "markdown_safety.py").read_bytes())
    if project.base_config.is_file():
        shared.update(project.base_config.read_bytes())
    _hash_tree(shared, theme)
    _hash_tree(shared, _legalgen_overrides())  # the templates a project's overrides lack
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
        digest.update(relative.as_posix().encode() + b"\0")
        digest.update((content.encode("utf-8") if isinstance(content, str) else content) + b"\0")
    return digest.hexdigest()


def root_input(root_files: Mapping[str, bytes]) -> str:
    """The manifest entry of the files legalgen writes at the site root."""
    root = hashlib.sha256()
    for name in sorted(root_files):
        root.update(name.encode() + b"\0" + root_files[name] + b"\0")
    return root.hexdigest()


#: The largest manifest read back (one of a thousand locales is a few hundred kilobytes).
MAX_BYTES = 16 << 20


def stored(site: Path) -> dict[str, str]:
    """The manifest of the site as built, or an empty one (a missing or unreadable file, or
    anything but a regular file of at most :data:`MAX_BYTES`: a link, a pipe, a device)."""
    try:
        raw, _ = read_bounded(site / FILE, MAX_BYTES + 1, follow_links=False)
        data = json.loads(raw.decode("utf-8")) if raw is not None and len(raw) <= MAX_BYTES else None
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def text(manifest: Mapping[str, str]) -> str:
    """The manifest as it is stored."""
    return json.dumps(dict(manifest), indent=2, sort_keys=True) + "\n"


__all__ = ["FILE", "ROOT", "SOURCE", "THEME", "TIMEZONE", "locale_input", "root_input", "shared_inputs", "source_key",
           "stored", "text", "up_to_date"]
