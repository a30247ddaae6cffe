"""A cache of what does not change: validated sources, and redlines of released versions.

A released version is immutable and its release hash covers its frozen source, so the
validated policy is kept under that hash (``frozen/``) and reused on later runs instead of
parsing and validating the YAML again. The current source is kept the same way under a hash
of its parsed data (``source/``): a source read again unchanged is not validated again. The cache lives in ``LEGALGEN_CACHE`` (default:
``$XDG_CACHE_HOME/legalgen`` or ``~/.cache/legalgen``; ``off`` disables it), in a folder named
by a fingerprint of the code that reads sources (and of the pydantic, Babel and Python
versions it relies on), so a new legalgen never reads an old entry. An entry is used only for a version whose files matched the hash it is filed under;
an unreadable, corrupt or foreign entry is ignored and rewritten. Writes are atomic.

The same folder keeps the theme's compiled templates (``jinja/``, Jinja's own bytecode
cache, keyed by each template's source), so that a build does not compile them again, and
the redlines between released versions (``redline/``, keyed by a hash of both texts and of
the code that marks them) and the classification of each released version against the one
before (``changes/``, keyed by both release hashes and the code that compares them): neither
changes once both versions are released.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from legalgen import model as m

T = TypeVar("T")

#: The modules whose code decides how a source reads: their bytes name the cache folder.
_READERS = ("model.py", "load.py", "migrate.py", "source.py", "periods.py")


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


def folder(kind: str = "frozen") -> Path | None:
    """Where entries of ``kind`` are cached (``frozen``, ``source``, ``redline``, or ``jinja`` for
    compiled theme templates), or None when the cache is off."""
    setting = os.environ.get("LEGALGEN_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    base = Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "legalgen"
    return base / kind / fingerprint()


def _entry(key: str, kind: str) -> Path | None:
    where = folder(kind)
    if where is None or not key.isalnum():
        return None
    return where / f"{key}.pickle"


def value(kind: str, key: str, compute: Callable[[], T], expected: type[T]) -> T:
    """The object pickled in the ``kind`` folder under ``key`` (a hex digest), else ``compute()``,
    which is then kept there. An entry that cannot be read, or is not an ``expected``, is
    computed again and rewritten."""
    path = _entry(key, kind)
    if path is None:
        return compute()
    try:
        with path.open("rb") as stream:
            cached = pickle.load(stream)  # the user's own cache folder
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError,
            ValueError):  # a missing, truncated or foreign entry is no entry
        cached = None
    if isinstance(cached, expected):
        return cached
    computed = compute()
    _write_atomically(path, lambda stream: pickle.dump(computed, stream, protocol=pickle.HIGHEST_PROTOCOL))
    return computed


def policy(kind: str, key: str) -> m.Policy | None:
    """The policy cached under ``key`` (``frozen``: a version's release hash; ``source``: the
    hash of a source's parsed data), if a good entry exists."""
    path = _entry(key, kind)
    if path is None:
        return None
    try:
        with path.open("rb") as stream:
            value = pickle.load(stream)  # the user's own cache folder
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError,
            ValueError):  # a missing, truncated or foreign entry is no entry
        return None
    return value if isinstance(value, m.Policy) else None


def _write_atomically(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write ``path`` through a temporary file in its folder; a cache that cannot be written is skipped."""
    with contextlib.suppress(OSError, pickle.PicklingError, TypeError, AttributeError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entry-")
        try:
            with os.fdopen(handle, "wb") as stream:
                write(stream)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def text(kind: str, key: str, compute: Callable[[], str]) -> str:
    """The text cached in the ``kind`` folder under ``key`` (a hex digest), else ``compute()``,
    which is then kept there. An entry starts with the sha256 of its text: one that cannot be
    read or does not match it is computed again and rewritten."""
    where = folder(kind)
    if where is None or not key.isalnum():
        return compute()
    path = where / f"{key}.txt"
    with contextlib.suppress(OSError):
        digest, _, data = path.read_bytes().partition(b"\n")
        if hashlib.sha256(data).hexdigest().encode("ascii") == digest:
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode("utf-8")
    value = compute()
    data = value.encode("utf-8")
    _write_atomically(path, lambda stream: stream.write(hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data))
    return value


def store_policy(kind: str, key: str, value: m.Policy) -> None:
    """Keep ``value`` under ``key``; a cache that cannot be written is skipped."""
    path = _entry(key, kind)
    if path is not None:
        _write_atomically(path, lambda stream: pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL))


__all__ = ["fingerprint", "folder", "policy", "store_policy", "text", "value"]
