"""Reading a file that may be anything: a pipe, a device, a link, or larger than expected.

Kept apart from the YAML reader so that what reads no source (the build manifest's no-op
check, the cache) can use it without importing a parser.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def read_bounded(path: Path, limit: int, *, follow_links: bool = True) -> tuple[bytes | None, os.stat_result]:
    """The first ``limit`` bytes of the file at ``path``, and its status, never waiting for
    data: ``None`` instead of the bytes for anything but a regular file (a pipe, a device) and
    for a regular file with nothing to read yet (a kernel log reached through a link). Without
    ``follow_links``, a link is not opened (``OSError``); any file that cannot be opened or
    read is ``OSError``."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    handle = os.open(path, flags if follow_links else flags | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(handle, "rb") as stream:
        status = os.fstat(handle)
        return (stream.read(limit) if stat.S_ISREG(status.st_mode) else None), status


def read_within(path: Path, limit: int, *, follow_links: bool = True) -> bytes | None:
    """The bytes of the regular file at ``path`` when it holds at most ``limit`` of them; None
    for anything else (a pipe, a device, a larger file). ``OSError`` as :func:`read_bounded`."""
    data, _ = read_bounded(path, limit + 1, follow_links=follow_links)
    return data if data is not None and len(data) <= limit else None


__all__ = ["read_bounded", "read_within"]
