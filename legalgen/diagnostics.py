"""Diagnostics: every problem legalgen finds, with the place in the source it comes from.

A :class:`Diagnostic` is a value, never an exception: loaders and checks collect all of
them, then the CLI sorts and prints them in the one format editors and CI understand::

    policy/privacy.yaml:42:5: error S007 purpose "analytics" uses unknown data category "ip"
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

#: What a terminal or a CI log acts on instead of showing: C0 and C1 controls but the tab,
#: DEL, the Unicode line and paragraph separators, and the bidirectional controls that
#: reorder what is shown. A file name or a value holding one could otherwise start a line
#: of its own (a forged finding, a GitHub workflow command) or recolour the terminal.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                          "\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` for one line of terminal output, each control character written as an escape.

    >>> printable("policy/a\\n::warning::b.yaml \\x1b[31m")
    'policy/a\\\\n::warning::b.yaml \\\\x1b[31m'
    """
    return _UNPRINTABLE.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def printable_lines(text: str) -> str:
    """Text of several lines for the terminal: its line breaks kept, every other control escaped."""
    return "\n".join(printable(line) for line in text.split("\n"))


class Severity(enum.Enum):
    """How bad a diagnostic is; errors make ``legalgen check`` exit 1."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A position in a source file; ``line`` and ``col`` are 1-based, 0 when unknown."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.col or 1}"


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a stable code, a severity, a message, where, and an optional hint."""

    code: str
    message: str
    location: Location
    severity: Severity = Severity.ERROR
    hint: str | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by file, line, column, then code, so output is stable."""
        loc = self.location
        return (loc.file, loc.line, loc.col, self.code, self.message)

    def identity(self) -> tuple[str, str, str]:
        """What the finding is, whatever line it moved to: its code, file name and message (two
        states of a source compared, before and after a change)."""
        return self.code, Path(self.location.file).name, self.message

    def format(self) -> str:
        """The one-line form ``file:line:col: error CODE message`` (and the hint on a line of
        its own), control characters escaped (:func:`printable`)."""
        text = printable(f"{self.location}: {self.severity.value} {self.code} {self.message}")
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
        return text


#: Folders whose files are shown by another name (see :func:`shown_as`), innermost last.
_SHOWN: ContextVar[tuple[tuple[Path, str], ...]] = ContextVar("legalgen_shown_as", default=())


@contextmanager
def shown_as(folder: Path, prefix: str) -> Iterator[None]:
    """Within the block, :func:`display_path` shows a file below ``folder`` as ``prefix`` and
    its path below ``folder``: a git revision's files, written to a temporary folder to be
    read, are cited as ``HEAD:policy/privacy.yaml``."""
    token = _SHOWN.set((*_SHOWN.get(), (folder.resolve(), prefix)))
    try:
        yield
    finally:
        _SHOWN.reset(token)


def display_path(path: Path, root: Path | None = None) -> str:
    """Show ``path`` relative to ``root`` (or the working directory) when it lies below it, or
    by the name :func:`shown_as` gives it."""
    try:
        resolved = path.resolve()
    except (RuntimeError, OSError):  # a link loop: shown as given
        return path.as_posix()
    for folder, prefix in reversed(_SHOWN.get()):
        if resolved.is_relative_to(folder):
            return prefix + resolved.relative_to(folder).as_posix()
    base = (root or Path.cwd()).resolve()
    try:
        return resolved.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


class LegalgenError(Exception):
    """Base of every error legalgen raises on purpose; the CLI prints it without a traceback."""


class SourceError(LegalgenError):
    """Problems in what a command read (the policy source, a summary or recipients file, an
    option); ``diagnostics`` lists all of them, ``outcome`` what the command did not do."""

    def __init__(self, diagnostics: list[Diagnostic], outcome: str | None = None) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        self.outcome = outcome
        super().__init__(f"{len(self.diagnostics)} problem(s)" + (f"; {outcome}" if outcome else ""))


class TranslationError(LegalgenError):
    """A template sentence or label has no usable translation in a catalog."""


class BuildError(LegalgenError):
    """The site engine failed to build a locale, or the output could not be installed."""


class UnsafeOutputError(LegalgenError):
    """An output folder would overwrite or delete something legalgen did not create.

    The CLI exits 2 (a usage error): nothing was written.
    """
