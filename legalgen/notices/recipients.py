"""Who receives the change notices: the recipients file (CSV with the columns email and
locale, and brand for a project with brands), read in full and checked before anything is
sent; every problem is a diagnostic at its line and column."""

from __future__ import annotations

import csv
import difflib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from legalgen.diagnostics import Diagnostic, Location, SourceError, display_path
from legalgen.files import read_bounded
from legalgen.notices.mail import CONTROL, address_problem, describe


def _position(data: bytes, index: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of ``data[index]``."""
    start = data.rfind(b"\n", 0, index) + 1
    return data.count(b"\n", 0, index) + 1, index - start + 1


def _field_columns(line: str) -> list[int]:
    """The 1-based column where each comma-separated field of a CSV line starts (quotes respected)."""
    columns, quoted = [1], False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            columns.append(index + 2)
    return columns


#: The largest recipients file read: about a million addresses.
MAX_RECIPIENTS_BYTES = 64 * 1024 * 1024


def _recipients_text(path: Path, name: str) -> str:
    """The file as text; S001 for a file that cannot be read, is not a regular file, is larger
    than :data:`MAX_RECIPIENTS_BYTES`, is binary or is not UTF-8."""
    def problem(message: str) -> SourceError:
        return SourceError([Diagnostic("S001", message, Location(name, 1, 1))])

    try:
        data, status = read_bounded(path, MAX_RECIPIENTS_BYTES + 1)
    except OSError as error:
        raise problem(f"cannot read the recipients file: {error.strerror or error}") from None
    if data is None:
        raise problem("the recipients file is not a regular file (a pipe, device or folder)")
    if max(len(data), status.st_size) > MAX_RECIPIENTS_BYTES:
        raise problem(f"the recipients file is larger than {MAX_RECIPIENTS_BYTES // 1024 // 1024} MiB")
    try:
        text = data.decode("utf-8")
        undecodable = len(data)
    except UnicodeDecodeError as error:
        text, undecodable = "", error.start
    nul = data.find(b"\0", 0, undecodable)
    if nul >= 0:
        raise SourceError([Diagnostic("S001", "the recipients file contains a NUL byte: it is binary, not a CSV "
                                              "text file", Location(name, *_position(data, nul)))])
    if undecodable < len(data):
        raise SourceError([Diagnostic("S001", f"the recipients file is not UTF-8 text (byte 0x{data[undecodable]:02x})",
                                      Location(name, *_position(data, undecodable)),
                                      hint="save it as CSV UTF-8")])
    return text.removeprefix("\ufeff")


@dataclass(frozen=True)
class Subscriber:
    """One row of a recipients file: an address, its locale, and where the locale is written."""

    email: str
    locale: str
    where: Location


@dataclass(frozen=True)
class Recipients:
    """A recipients file as read: each address once per brand (the brand ``None`` in a file
    without the column ``brand``), in the order of the file. Locales are matched against a
    site by :meth:`by_locale`, since each brand has its own."""

    subscribers: dict[str | None, list[Subscriber]]

    def locale_problems(self, locales: Collection[str], brand: str | None = None) -> list[Diagnostic]:
        """S003 for each row of ``brand`` in a locale the site lacks."""
        return [Diagnostic("S003", f"locale {row.locale!r} is not one of {', '.join(locales)}"
                                   + (f" (the languages of brand {brand})" if brand else ""), row.where)
                for row in self.subscribers.get(brand, []) if row.locale not in locales]

    def by_locale(self, locales: Collection[str], brand: str | None = None) -> dict[str, list[str]]:
        """The addresses of ``brand`` by locale; S003 for a row whose locale the site lacks."""
        problems = self.locale_problems(locales, brand)
        if problems:
            raise SourceError(problems)
        by_locale: dict[str, list[str]] = {locale: [] for locale in locales}
        for row in self.subscribers.get(brand, []):
            by_locale[row.locale].append(row.email)
        return by_locale


def _header_hint(brands: Collection[str] | None) -> str:
    """The header line a recipients file needs."""
    return f"first line: email,locale{',brand' if brands is not None else ''} (separated by a comma)"


def _parse_recipients(path: Path, brands: Collection[str] | None) -> tuple[Recipients, list[Diagnostic]]:
    """Every row that reads well, and the problems of the others (see :func:`load_recipients`)."""
    name = display_path(path)
    text = _recipients_text(path, name)
    problems: list[Diagnostic] = []
    subscribers: dict[str | None, list[Subscriber]] = {}
    first: dict[tuple[str | None, str], Subscriber] = {}
    columns: dict[str, int] | None = None
    width = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        bad = CONTROL.search(line)
        if bad:
            problems.append(Diagnostic("S003", f"the line contains {describe(bad.group())}; each row must be one "
                                               "line of text", Location(name, number, bad.start() + 1)))
            continue
        if not line.strip():
            continue
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error as error:
            problems.append(Diagnostic("S003", f"not a valid CSV row ({error}); a quoted field must end on its line",
                                       Location(name, number, 1)))
            continue
        starts = _field_columns(line)
        if columns is None:
            names = [field.strip().lower() for field in fields]
            columns, width = {n: i for i, n in enumerate(names)}, len(names)
            header = _header_problem(names, starts, brands, Location(name, number, 1))
            if header:
                raise SourceError([header])
            continue
        if len(fields) != width:
            problems.append(Diagnostic("S003", f"the row has {len(fields)} field(s), the header {width}",
                                       Location(name, number, 1)))
            continue
        # each value with its place (a stray quote can hide later fields' starts: then column 1)
        field = {column: (fields[index].strip(" \t"),
                          Location(name, number, starts[index] if index < len(starts) else 1))
                 for column, index in columns.items()}
        (email, email_at), (locale, locale_at) = field["email"], field["locale"]
        reason = address_problem(email)
        if reason:
            problems.append(Diagnostic("S003", f"not a plain e-mail address: {email!r}: {reason}", email_at))
            continue
        brand: str | None = None
        if brands is not None:
            brand, brand_at = field["brand"]
            if brand not in brands:
                close = difflib.get_close_matches(brand, list(brands), n=1)
                problems.append(Diagnostic("S003", f"no brand named {brand!r}" if brand else "the brand is empty",
                                           brand_at, hint=f"did you mean {close[0]}?" if close else None))
                continue
        row = Subscriber(email, locale, locale_at)
        earlier = first.get((brand, email.lower()))
        if earlier is None:
            first[brand, email.lower()] = row
            subscribers.setdefault(brand, []).append(row)
        elif earlier.locale != locale:
            problems.append(Diagnostic("S006", f"{email} is listed with locale {earlier.locale} on line "
                                               f"{earlier.where.line} and {locale} here"
                                               + (f" for brand {brand}" if brand else ""), locale_at))
    if columns is None and not problems:
        problems.append(Diagnostic("S009", "the recipients file is empty; it needs the columns email and locale"
                                           + (" and brand" if brands is not None else ""),
                                   Location(name, 1, 1), hint=_header_hint(brands)))
    return Recipients(subscribers), problems


def _header_problem(names: list[str], starts: list[int], brands: Collection[str] | None,
                    where: Location) -> Diagnostic | None:
    """Why the header row cannot be read, or None."""
    needed = {"email", "locale"} | ({"brand"} if brands is not None else set())
    if not needed <= set(names):
        if brands is not None and {"email", "locale"} <= set(names):
            return Diagnostic("S009", "with brands, the recipients file needs the column brand (the brand each "
                                      "address subscribed to)", where,
                              hint=f"{_header_hint(brands)}, or give a folder holding <brand>.csv")
        return Diagnostic("S009", "the recipients file needs the columns email and locale", where,
                          hint=_header_hint(None))
    duplicate = next((i for i, n in enumerate(names) if n in names[:i]), None)
    if duplicate is not None:
        return Diagnostic("S003", f"the column {names[duplicate]} is there twice",
                          Location(where.file, where.line, starts[duplicate]))
    if brands is None and "brand" in names:  # notices of one site must not reach every brand's subscribers
        return Diagnostic("S003", "the recipients file has a column brand, but no brand was chosen",
                          Location(where.file, where.line, starts[names.index("brand")]),
                          hint="give --brand NAME or --brands, or leave the column out")
    return None


def load_recipients(path: Path, brands: Collection[str] | None = None) -> Recipients:
    """The subscribers in a CSV file with the columns ``email``, ``locale`` and, when
    ``brands`` names the brands of the repository, ``brand``.

    One row per line (no line breaks inside fields); each address must be a plain
    ``local@domain.tld``. An address listed twice (for one brand) is kept once; listed with
    two different locales, it is an error (S006). Problems raise :class:`SourceError` with
    the file, line and column: S001 for a file that is not UTF-8 text, S009 for missing
    columns, S003 for a bad row, an unknown brand, or a column ``brand`` where no brands
    were chosen (notices of one site must not reach every brand's subscribers).
    """
    recipients, problems = _parse_recipients(path, brands)
    if problems:
        raise SourceError(problems)
    return recipients


def read_recipients(path: Path, locales: list[str]) -> dict[str, list[str]]:
    """Recipients by locale from a CSV file with the columns ``email`` and ``locale`` (see
    :func:`load_recipients`); a locale the site lacks is S003 at its row."""
    recipients, problems = _parse_recipients(path, None)
    if problems:  # with the rows in a locale the site lacks, so that every problem is told at once
        raise SourceError(problems + recipients.locale_problems(locales))
    return recipients.by_locale(locales)
