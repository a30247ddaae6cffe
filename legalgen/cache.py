"""A cache of what does not change between runs, in ``LEGALGEN_CACHE``.

The folder (default: ``$XDG_CACHE_HOME/legalgen`` or ``~/.cache/legalgen``; ``off``
disables it) holds one subfolder per kind of entry, each named by a fingerprint of the code
that reads sources and of the Python, pydantic and Babel versions it relies on, so a new
legalgen never reads an old entry:

- ``frozen/``: each released version's validated source, under its release hash and the
  reading limits; used only for a version whose files still match that hash;
- ``history/``: a document's verified releases and their classifications, under its
  changelog and the size, inode and change times of every frozen file (see
  :func:`legalgen.versions.history.load_history`);
- ``source/``: the current source, validated, under a hash of its files' names and parsed data;
- ``changes/``: the classification of a released version against the one before, under both
  release hashes and the code that compares them;
- ``redline/``: the redline of two released versions, under both texts and the code;
- ``catalogs/``: compiled complete catalogs; ``knowledge/``: the parsed knowledge files;
- ``feeds/``: each locale's Atom feed, under its content and the versions of feedgen and lxml;
- ``jinja/``: compiled templates (Jinja's own bytecode cache, checked against each
  template's source);
- ``html/``: the engine's conversions of pages' Markdown (see :mod:`legalgen.site.converted`);
- ``pdf/``: each version's PDF in one language (see :mod:`legalgen.export.pdf`).

Every entry but Jinja's starts with the sha256 of its content; an unreadable, damaged or
foreign entry is ignored and rewritten. Writes are atomic.

Reading an entry marks it used (its modification time); :func:`prune`, run by builds at
most once a day, removes entries unused for :data:`MAX_AGE_DAYS`, and only files named as
this module and Jinja name them, in the folders named above.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from legalgen.files import read_within

T = TypeVar("T")

#: The modules whose code decides how a source reads: their bytes name the cache folder.
_READERS = ("source/model.py", "source/load.py", "source/migrate.py", "source/reader.py", "source/periods.py")


@functools.cache
def fingerprint() -> str:
    """A hash of the code that turns a source into a policy."""
    import babel
    import pydantic

    digest = hashlib.sha256(f"{sys.version} {pydantic.VERSION} {babel.__version__}".encode())
    package = Path(__file__).parent
    for name in _READERS:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()[:16]


def _base() -> Path | None:
    """The cache folder, or None when the cache is off or not the user's own (see :func:`_trusted`)."""
    setting = os.environ.get("LEGALGEN_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    base = Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "legalgen"
    return base if _trusted(str(base)) else None


@functools.cache
def _trusted(base: str) -> bool:
    """Whether ``base`` may hold entries legalgen reads back: its entries are Python objects
    (pickles) and HTML that goes into pages, so only a folder that the user owns and that not
    everyone can write to is used. A missing folder is created for the user alone (mode 0700);
    any other is warned about once and left alone, and the cache is off."""
    if not hasattr(os, "getuid"):
        return True  # Windows: ownership is not told by a uid
    path = Path(base)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = path.stat()  # of the folder a link leads to, whose entries are read
    except OSError:
        return True  # unusable: every write is skipped, every read misses
    if status.st_uid != os.getuid() or status.st_mode & 0o002:
        sys.stderr.write(f"warning: the legalgen cache {base} is not yours alone (owner uid {status.st_uid}, "
                         f"{stat.filemode(status.st_mode)}), so it is not used; set LEGALGEN_CACHE to a folder "
                         "only you can write to\n")
        return False
    return True


def folder(kind: str = "frozen") -> Path | None:
    """The folder of the entries of ``kind`` (one of those listed above), or None when the
    cache is off."""
    base = _base()
    return None if base is None else base / kind / fingerprint()


def key(code: str, *parts: str | bytes) -> str:
    """The key of an entry computed by the module at ``code`` (its ``__file__``) from
    ``parts``: a hash of that module's source and of each part, so that a changed module
    never reads what an older one computed."""
    digest = hashlib.sha256(_source(code))
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


@functools.cache
def _source(code: str) -> bytes:
    return Path(code).read_bytes()


def _entry(key: str, kind: str, suffix: str = ".pickle") -> Path | None:
    where = folder(kind)
    if where is None or not key.isalnum():
        return None
    return where / f"{key}{suffix}"


#: The largest entry read back (a frozen source within the reading limits is far smaller).
MAX_ENTRY_BYTES = 1 << 30


def _read(path: Path) -> bytes | None:
    """The bytes of an entry, if it is a regular file (not a link, pipe or device) and matches
    the sha256 it starts with; a good entry is marked used."""
    try:
        raw = read_within(path, MAX_ENTRY_BYTES, follow_links=False)
    except OSError:
        return None
    if raw is None:
        return None
    digest, _, data = raw.partition(b"\n")
    if hashlib.sha256(data).hexdigest().encode("ascii") != digest:
        return None
    used(path)
    return data


def used(path: Path | str) -> None:
    """Mark an entry used now, so that :func:`prune` keeps it."""
    with contextlib.suppress(OSError):
        os.utime(path)


#: Entries unused for this many days are removed by :func:`prune`.
MAX_AGE_DAYS = 30
#: The names of entries: this module's, Jinja's compiled templates, and left-over temporary files.
_ENTRY = re.compile(r"[0-9a-f]{64}\.(?:pickle|txt)|__jinja2_[0-9a-f]{40}\.cache|\.entry-[A-Za-z0-9_]+")
_FINGERPRINT = re.compile(r"[0-9a-f]{16}")
_KINDS = ("frozen", "history", "source", "changes", "redline", "catalogs", "knowledge", "feeds", "jinja", "html",
          "pdf")


def prune(now: float | None = None) -> int:
    """Remove the entries no run has used for :data:`MAX_AGE_DAYS`, at most once a day (a
    ``.pruned`` file records when); return how many were removed.

    Only files named like entries are removed, in ``<kind>/<fingerprint>/`` folders of the
    kinds above, links never followed; a fingerprint folder left empty goes too. Entries of
    every legalgen version sharing the folder count, each by its own use.
    """
    base = _base()
    if base is None:
        return 0
    now = time.time() if now is None else now
    stamp = base / ".pruned"
    with contextlib.suppress(OSError):  # no stamp yet (or none readable): prune
        if now - stamp.stat().st_mtime < 86_400:
            return 0
    with contextlib.suppress(OSError):
        base.mkdir(parents=True, exist_ok=True)
        stamp.touch()
        os.utime(stamp, (now, now))
    oldest, removed = now - MAX_AGE_DAYS * 86_400, 0
    for kind in _KINDS:
        for fingerprinted in _folders(base / kind):
            for entry in _scan(fingerprinted):
                with contextlib.suppress(OSError):
                    if entry.is_file(follow_symlinks=False) and _ENTRY.fullmatch(entry.name) \
                            and entry.stat(follow_symlinks=False).st_mtime < oldest:
                        os.unlink(entry.path)
                        removed += 1
            with contextlib.suppress(OSError):
                os.rmdir(fingerprinted)  # only when it is empty
    return removed


def _folders(kind: Path) -> list[str]:
    return [entry.path for entry in _scan(kind)
            if _FINGERPRINT.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)]


def _scan(folder: Path | str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except OSError:
        return []


def _write(path: Path, data: bytes) -> None:
    """Write an entry, its sha256 first, through a temporary file in its folder (atomically);
    a cache that cannot be written is skipped."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entry-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def _unpickled(path: Path) -> object:
    """The object kept at ``path``, or None for a missing, damaged or foreign entry."""
    data = _read(path)
    if data is None:
        return None
    try:
        return pickle.loads(data)  # the user's own cache folder, checked against its sha256
    except Exception:  # noqa: BLE001 - whatever a foreign or outdated entry raises, it is no entry
        return None


def _store(path: Path, value: object) -> None:
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    _write(path, data)


def value(kind: str, key: str, compute: Callable[[], T], expected: type[T]) -> T:
    """The object kept in the ``kind`` folder under ``key`` (a hex digest), else ``compute()``,
    which is then kept there. An entry that cannot be read, does not match its sha256 or is
    not an ``expected`` is computed again and rewritten."""
    path = _entry(key, kind)
    if path is None:
        return compute()
    cached = _unpickled(path)
    if isinstance(cached, expected):
        return cached
    computed = compute()
    _store(path, computed)
    return computed


def kept(kind: str, key: str, expected: type[T]) -> T | None:
    """The ``expected`` object kept in the ``kind`` folder under ``key``, if a good entry
    exists (``frozen``: a version's validated source under its release hash; ``source``: the
    current source under the hash of its parsed data; ``html``: a page's conversion)."""
    path = _entry(key, kind)
    found = _unpickled(path) if path is not None else None
    return found if isinstance(found, expected) else None


def keep(kind: str, key: str, value: object) -> None:
    """Keep ``value`` under ``key``; a cache that cannot be written is skipped."""
    path = _entry(key, kind)
    if path is not None:
        _store(path, value)


def text(kind: str, key: str, compute: Callable[[], str]) -> str:
    """The text kept in the ``kind`` folder under ``key`` (a hex digest), else ``compute()``,
    which is then kept there; like :func:`value`."""
    path = _entry(key, kind, ".txt")
    if path is None:
        return compute()
    data = _read(path)
    if data is not None:
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-8")
    computed = compute()
    _write(path, computed.encode("utf-8"))
    return computed


__all__ = ["fingerprint", "folder", "keep", "kept", "key", "text", "value"]
