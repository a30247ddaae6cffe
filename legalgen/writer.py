"""The only module that writes to disk.

- :func:`write_file` rewrites a file only when its bytes change (so site engines and
  editors see stable modification times), through a temporary file and a rename.
- :func:`write_tree` makes a folder hold exactly a set of files and removes the rest.
- :func:`create_staging`, :func:`swap_in` and :func:`recover_site` build a site next to the
  old one and replace it in one step, so a reader always finds a complete site.
- :func:`exclusive_lock` lets one build or render of a project run at a time.

Files are created with mode ``0o666`` and folders with ``0o777``, which the kernel reduces
by the process umask (``0o644``/``0o755`` with the usual umask 022): the site stays readable
by a web server running as another user unless the umask says otherwise.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import functools
import os
import secrets
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from legalgen.diagnostics import BuildError, UnsafeOutputError
from legalgen.files import read_bounded
from legalgen.project import (
    MARKER,
    MARKER_TEXT,
    aside,
    is_legalgen_output,
    staging_folders,
    staging_prefix,
)

#: renameat2(2): the flag that exchanges two names atomically, and "relative to the cwd".
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_Renameat2 = Callable[[int, bytes, int, bytes, int], int]


@dataclass
class WriteReport:
    """What :func:`write_tree` did, as relative paths."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def write_file(path: Path, content: str | bytes) -> bool:
    """Write ``content`` to ``path`` if it differs; return whether the file was written.

    Only a regular file is ever replaced: a link, folder, device, pipe or socket at ``path`` is
    :class:`UnsafeOutputError` (replacing ``/dev/null`` or reading from a pipe is never what an
    output option means).
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    if _holds(path, data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary, handle = _new_file(path.parent, f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True


def _holds(path: Path, data: bytes) -> bool:
    """Whether the regular file at ``path`` holds exactly ``data`` (read no further than that);
    False when there is none; :class:`UnsafeOutputError` for anything but a regular file."""
    try:
        held, _ = read_bounded(path, len(data) + 1, follow_links=False)
    except FileNotFoundError:
        return False
    except OSError as error:
        if error.errno not in (errno.ELOOP, errno.ENXIO):  # a link; a socket
            raise
        held = None
    if held is not None:
        return held == data
    raise UnsafeOutputError(f"refusing to write {path}: it is not a regular file (a link, folder, device, pipe "
                            "or socket); legalgen replaces only files")


def _new_file(folder: Path, prefix: str) -> tuple[Path, int]:
    """Create a new file ``folder/<prefix><random>.tmp``; return its path and an open descriptor."""
    while True:
        path = folder / f"{prefix}{secrets.token_hex(4)}.tmp"
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue


def _new_folder(folder: Path, prefix: str) -> Path:
    """Create a new folder ``folder/<prefix><random>``."""
    while True:
        path = folder / f"{prefix}{secrets.token_hex(4)}"
        try:
            os.mkdir(path, 0o777)
            return path
        except FileExistsError:
            continue


def write_tree(root: Path, files: Mapping[PurePosixPath, str | bytes], *, prune: bool = True) -> WriteReport:
    """Make ``root`` hold exactly ``files`` (relative paths), touching only what changed.

    With ``prune``, files the tree no longer has are removed, except the output marker.
    """
    report = WriteReport()
    for relative in sorted(files):
        target = root / relative
        (report.written if write_file(target, files[relative]) else report.unchanged).append(str(relative))
    if prune:
        report.removed += prune_tree(root, files)
    return report


def prune_tree(root: Path, keep: Iterable[PurePosixPath]) -> list[str]:
    """Remove the files below ``root`` that are not in ``keep`` (relative paths) and are not
    the output marker, then the folders left empty; return the removed files' relative paths."""
    removed: list[str] = []
    if not root.is_dir():
        return removed
    wanted = {root / relative for relative in keep} | {root / MARKER}
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
            removed.append(path.relative_to(root).as_posix())
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


def mark_output(folder: Path) -> None:
    """Mark ``folder`` as legalgen's own output (see :data:`legalgen.project.MARKER`)."""
    write_file(folder / MARKER, MARKER_TEXT)


def remove_file(path: Path) -> None:
    """Remove a file legalgen wrote, if it is still there."""
    path.unlink(missing_ok=True)


def create_staging(target: Path) -> Path:
    """A new, marked, empty folder next to ``target`` to build the next ``target`` in."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = _new_folder(target.parent, staging_prefix(target))
    except OSError as error:
        raise BuildError(f"cannot create a staging folder next to {target}: {_reason(error)}") from None
    try:
        mark_output(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def remove_staging(staging: Path) -> None:
    """Remove a staging folder if it is still there; what cannot be removed now, the next
    build removes (:func:`recover_site`)."""
    shutil.rmtree(staging, ignore_errors=True)


def swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` with the finished folder ``staging``, never leaving no ``target``.

    On Linux, renameat2(RENAME_EXCHANGE) exchanges the two names in one step; the old tree,
    now at ``staging``'s name, is then removed. Where that is unavailable the old tree is
    renamed aside to ``.<name>.previous`` and ``staging`` renamed in: a failure of the second
    rename puts the old tree back, and :func:`recover_site` restores it if the process died
    in between. SIGINT and SIGTERM to the calling thread wait until the names are settled. Raises
    :class:`BuildError` when the new tree cannot be installed; the old one is then unchanged.
    """
    try:
        with _signals_deferred():
            if not (target.exists() and _exchange(staging, target)):
                _rename_twice(staging, target)
    except OSError as error:
        raise BuildError(
            f"cannot install the new site in {target}: {_reason(error)}; the previous site is unchanged"
        ) from None
    remove_staging(staging)  # after an exchange, the old tree


def _rename_twice(staging: Path, target: Path) -> None:
    """The fallback of :func:`swap_in`: old tree aside, new tree in, old tree removed."""
    previous = aside(target)
    if previous.exists():  # recover_site removed legalgen's own: this one is someone else's
        raise FileExistsError(errno.EEXIST, "a folder that legalgen did not write is in the way", str(previous))
    moved = target.exists()
    if moved:
        os.rename(target, previous)
    try:
        os.rename(staging, target)
    except OSError:
        if moved:
            try:
                os.rename(previous, target)
            except OSError as error:
                raise BuildError(f"cannot install the new site in {target} nor put the previous one back: "
                                 f"{_reason(error)}; the next build restores it from {previous}") from None
        raise
    if moved:
        shutil.rmtree(previous, ignore_errors=True)


def recover_site(target: Path) -> list[str]:
    """Undo what an interrupted build left next to ``target``; return what was done.

    If ``target`` is missing but the old tree is still aside (``.<name>.previous``), it is
    renamed back; an aside tree next to an existing ``target`` is removed, and so are
    staging folders (``.<name>.staging-*``) that are legalgen's output or empty. Folders
    without legalgen's marker are never touched.
    """
    done = []
    previous = aside(target)
    try:
        if previous.is_dir() and is_legalgen_output(previous):
            if not target.exists():
                os.rename(previous, target)
                done.append(f"restored {target} from {previous.name}, left by an interrupted build")
            else:
                shutil.rmtree(previous)
                done.append(f"removed {previous.name}, left by an interrupted build")
    except OSError as error:
        raise BuildError(f"cannot recover {target} from {previous}: {_reason(error)}; "
                         f"move {previous.name} back to {target.name} yourself") from None
    if target.parent.is_dir():
        for stale in staging_folders(target):
            if stale.is_dir() and not stale.is_symlink() and (is_legalgen_output(stale) or not any(stale.iterdir())):
                shutil.rmtree(stale, ignore_errors=True)
                done.append(f"removed {stale.name}, left by an interrupted build")
    return done


@functools.cache
def _renameat2() -> _Renameat2 | None:
    """libc's renameat2 (Linux, glibc 2.28 and later), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    renameat2: _Renameat2 = function
    return renameat2


def _exchange(first: Path, second: Path) -> bool:
    """Exchange the names of two existing paths in one step; False where that is unsupported."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the duration (they are delivered afterwards)."""
    signals = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


#: How long a command that writes the project (build, render, release) waits for another one,
#: in seconds (``LEGALGEN_LOCK_TIMEOUT`` overrides it).
LOCK_TIMEOUT = 300.0


def lock_wait(timeout: float | None = None) -> float:
    """``timeout``, else ``LEGALGEN_LOCK_TIMEOUT`` from the environment, else :data:`LOCK_TIMEOUT`."""
    if timeout is not None:
        return timeout
    value = os.environ.get("LEGALGEN_LOCK_TIMEOUT", "").strip()
    if not value:
        return LOCK_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise BuildError(f"LEGALGEN_LOCK_TIMEOUT={value!r} is not a number of seconds")
    return seconds


@contextmanager
def exclusive_lock(path: Path, timeout: float, waiting: Callable[[], None] = lambda: None) -> Iterator[int]:
    """Hold an exclusive ``flock`` on ``path`` for the duration; the OS releases it if the process dies.

    Waits up to ``timeout`` seconds for another holder, calling ``waiting`` once when it has
    to wait, then raises :class:`BuildError`. Yields the lock's file descriptor: a forked
    child shares the lock until it closes its copy.
    """
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as error:
        raise BuildError(f"cannot open the lock file {path}: {_reason(error)}") from None
    try:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildError(
                        f"another legalgen build, render or release of this project holds the lock {path} "
                        f"(waited {timeout:g} s); run again once it has finished, "
                        f"or set LEGALGEN_LOCK_TIMEOUT to wait longer"
                    ) from None
                if not waited:
                    waiting()
                    waited = True
                time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _reason(error: OSError) -> str:
    """An OSError as a short phrase: ``Read-only file system: '/srv/site'``."""
    where = f": '{error.filename}'" if error.filename else ""
    return f"{error.strerror or error}{where}"
