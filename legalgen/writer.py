"""The only module that writes to disk.

- :func:`write_tree` rewrites a file only when its bytes change (so site engines and
  editors see stable modification times) and removes files the tree no longer has.
- :func:`swap_in` replaces a directory atomically enough for static hosting: the new tree
  is complete before it takes the old one's name.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath


@dataclass
class WriteReport:
    """What :func:`write_tree` did, as relative paths."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def write_file(path: Path, content: str | bytes) -> bool:
    """Write ``content`` to ``path`` if it differs; return whether the file was written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def write_tree(root: Path, files: Mapping[PurePosixPath, str | bytes], *, prune: bool = True) -> WriteReport:
    """Make ``root`` hold exactly ``files`` (relative paths), touching only what changed."""
    report = WriteReport()
    for relative in sorted(files):
        target = root / relative
        (report.written if write_file(target, files[relative]) else report.unchanged).append(str(relative))
    if prune and root.is_dir():
        wanted = {root / relative for relative in files}
        for path in sorted(root.rglob("*"), reverse=True):
            if path.is_file() and path not in wanted:
                path.unlink()
                report.removed.append(path.relative_to(root).as_posix())
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return report


def swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` with the finished directory ``staging``."""
    previous = target.with_name(f".{target.name}.previous")
    if previous.exists():
        shutil.rmtree(previous)
    if target.exists():
        os.replace(target, previous)
    os.replace(staging, target)
    if previous.exists():
        shutil.rmtree(previous)
