"""A cache of what does not change: the validated source frozen with each released version.

A released version is immutable and its release hash covers its frozen source, so the
validated policy is kept under that hash and reused on later runs instead of parsing and
validating the YAML again. The cache lives in ``LEGALGEN_CACHE`` (default:
``$XDG_CACHE_HOME/legalgen`` or ``~/.cache/legalgen``; ``off`` disables it), in a folder named
by a fingerprint of the code that reads sources, so a new legalgen never reads an old
entry. An entry is used only for a version whose files matched the hash it is filed under;
an unreadable, corrupt or foreign entry is ignored and rewritten. Writes are atomic.

The same folder keeps the theme's compiled templates (``jinja/``, Jinja's own bytecode
cache, keyed by each template's source), so that a build does not compile them again, and
the redlines between released versions (``redline/``, keyed by a hash of both texts and of
the code that marks them), which never change once both versions are released.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from legalgen import model as m

#: The modules whose code decides how a source reads: their bytes name the cache folder.
_READERS = ("model.py", "load.py", "migrate.py", "source.py", "periods.py")


@functools.cache
def fingerprint() -> str:
    """A hash of the code that turns a source into a policy."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for name in _READERS:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()[:16]


def folder(kind: str = "frozen") -> Path | None:
    """Where frozen policies (``frozen``) or compiled theme templates (``jinja``) are cached, or
    None when the cache is off."""
    setting = os.environ.get("LEGALGEN_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    base = Path(setting) if setting else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "legalgen"
    return base / kind / fingerprint()


def _entry(release_hash: str) -> Path | None:
    where = folder()
    if where is None or not release_hash.isalnum():
        return None
    return where / f"{release_hash}.pickle"


def frozen_policy(release_hash: str) -> m.Policy | None:
    """The cached policy of the version with ``release_hash``, if a good entry exists."""
    path = _entry(release_hash)
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


def store_frozen_policy(release_hash: str, policy: m.Policy) -> None:
    """Keep ``policy`` under ``release_hash``; a cache that cannot be written is skipped."""
    path = _entry(release_hash)
    if path is not None:
        _write_atomically(path, lambda stream: pickle.dump(policy, stream, protocol=pickle.HIGHEST_PROTOCOL))


__all__ = ["fingerprint", "folder", "frozen_policy", "store_frozen_policy", "text"]
