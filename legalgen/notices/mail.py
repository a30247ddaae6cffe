"""Change-notice e-mails: compose them per due notice and locale, and write them.

Messages are RFC 5322, multipart (plain text and HTML), with a localized subject, a
``List-Unsubscribe`` header and nothing but the notice in them (REQUIREMENTS C04). Who
receives them is :mod:`legalgen.notices.recipients`; delivering them, :mod:`legalgen.notices.smtp`.

Header values come from data (site.yaml, document titles, the recipients file, and old
frozen sources that were never validated by today's loader), so this module does not
trust them:

- a line break or control character in any value that ends up in a header is an S003
  diagnostic at the value's place in the source, never an exception from :mod:`email`;
- the company name is only ever a display name (an :class:`~email.headerregistry.Address`),
  never parsed as an address list; text that looks like an RFC 2047 encoded word
  (``=?utf-8?q?...?=``) is written so that mail programs show it literally instead of
  decoding it (Python's own folding would decode it, which can add addresses or headers);
- addresses (sender, recipients) must be plain ``local@domain`` addr-specs, the
  ``List-Unsubscribe`` target a ``mailto:`` or ``https:`` URL;
- every composed message is parsed back and must show exactly the headers that were meant;
- bodies are always quoted-printable, so no line of data can imitate the MIME boundary.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.headerregistry import Address, AddressHeader
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.policy import SMTP, default
from email.utils import format_datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from legalgen.diagnostics import Diagnostic, Location, SourceError, display_path
from legalgen.notices.announcements import DueMessage, NoticeKind, page_url, version_path
from legalgen.render.renderer import LocaleRenderer
from legalgen.render.typography import typeset
from legalgen.source import model as m
from legalgen.source.load import LoadedPolicy

#: What no header value may contain: C0 and C1 controls but the tab, DEL, and the Unicode
#: line and paragraph separators (``str.splitlines`` and mail programs break lines there).
CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
BLANKS = re.compile("[ \t]+")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_ADDR_SPEC = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")
#: Characters RFC 3986 allows in a URI; anything else must be percent-encoded.
_URI = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_SPECIALS = '<>,;:"()[]\\'
#: The longest line a mail server must accept, without its CR LF (RFC 5322, section 2.1.1).
_MAX_LINE = 998
#: The longest List-Unsubscribe URL: a header line must stay under 998 characters (RFC 5322).
_MAX_URL = 900
#: UTF-8 bytes per RFC 2047 encoded word: 56 base64 characters, 68 in all, so each fits a
#: 78-character line even after ``Subject: `` (and under the limit of 75 per word).
_WORD_BYTES = 42


@dataclass(frozen=True)
class Composed:
    """One message for one locale, the file name it is written under, and its envelope sender."""

    locale: str
    filename: str
    message: EmailMessage
    sender: str = ""


@dataclass(frozen=True)
class _Fields:
    """The site-wide header values, checked: display name, sender, unsubscribe, host."""

    company: str
    sender: str
    unsubscribe: str
    host: str


# --------------------------------------------------------------------------- checking values


def describe(char: str) -> str:
    kind = "a line break" if char in _LINE_BREAKS else "a control character"
    return f"{kind} (U+{ord(char):04X})"


def _where(loaded: LoadedPolicy, part: str, path: tuple[str | int, ...]) -> Location:
    """The place of a value in the source; the start of its file when the path is not there."""
    try:
        return loaded.locate(part, path)
    except KeyError:
        return Location(display_path(loaded.root), 1, 1)


def _text(value: str, field: str, where: Location, problems: list[Diagnostic]) -> str:
    """Text for a header (display name, subject): one line, runs of blanks as one space."""
    bad = CONTROL.search(value)
    if bad:
        problems.append(Diagnostic("S003", f"{field} contains {describe(bad.group())}; a mail header takes "
                                           "one line of text", where))
    return BLANKS.sub(" ", value).strip()


def address_problem(value: str) -> str | None:
    """Why ``value`` is not a plain addr-spec (``local@domain.tld``, ASCII), or ``None`` if it is one."""
    if not value:
        return "it is empty"
    bad = CONTROL.search(value)
    if bad:
        return f"it contains {describe(bad.group())}"
    if any(char.isspace() for char in value):
        return "it contains a space"
    special = next((char for char in value if char in _SPECIALS), None)
    if special is not None:
        return f"it contains {special!r}; write the bare address, without a name, quotes or a second address"
    if value.count("@") != 1:
        return "it needs exactly one @"
    if not value.isascii():
        return "it contains non-ASCII characters (write the domain in its xn-- form)"
    if "=?" in value:
        return "it contains '=?', which mail programs read as an encoded word"
    local = value.partition("@")[0]
    if len(local) > 64 or len(value) > 254:
        return "it is too long (64 characters before the @, 254 in all)"
    if not _ADDR_SPEC.fullmatch(value):
        return "it is not of the form name@domain.tld"
    return None


def _address(value: str, field: str, where: Location, problems: list[Diagnostic]) -> str:
    problem = address_problem(value)
    if problem:
        problems.append(Diagnostic("S003", f"{field} {value!r} is not a plain e-mail address: {problem}", where))
    return value


def _unsubscribe(value: str, where: Location, problems: list[Diagnostic]) -> str:
    """A List-Unsubscribe target: ``mailto:address[?query]`` or ``https://host/...``, plain ASCII."""
    problem = None
    bad = CONTROL.search(value)
    if bad:
        problem = f"it contains {describe(bad.group())}"
    elif not _URI.fullmatch(value):
        char = next((c for c in value if not _URI.fullmatch(c)), value[:1])
        problem = f"it contains {char!r} (percent-encode it)" if value else "it is empty"
    elif "=?" in value:
        problem = "it contains '=?', which mail programs read as an encoded word (write = as %3D)"
    elif len(value) > _MAX_URL:
        problem = f"it is longer than {_MAX_URL} characters"
    elif value[:7].lower() == "mailto:":
        target = value[7:].partition("?")[0]
        reason = address_problem(target)
        if reason:
            problem = f"{target!r} is not a plain e-mail address: {reason}"
    elif value[:8].lower() == "https://":
        try:
            host = urlsplit(value).hostname
        except ValueError:
            host = None
        if not host or not _HOSTNAME.fullmatch(host):
            problem = "it has no valid host name"
    else:
        problem = "it must start with mailto: or https://"
    if problem:
        problems.append(Diagnostic("S003", f"site.notices.unsubscribe {value!r} is not a usable List-Unsubscribe "
                                           f"target: {problem}", where,
                                   hint="use a mailto: address or an https:// URL"))
    return value


def _site_name(loaded: LoadedPolicy, locale: str, problems: list[Diagnostic]) -> str:
    """The site's name in ``locale``, checked for a mail header."""
    site = loaded.policy.site
    path = ("site", "name", locale) if isinstance(site.name, m.Text) else ("site", "name")
    return _text(site.name_in(locale), "site.name", _where(loaded, "site", path), problems)


def _site_fields(loaded: LoadedPolicy) -> tuple[_Fields, list[Diagnostic]]:
    """The header values every message of the site shares, and what is wrong with them."""
    policy = loaded.policy
    problems: list[Diagnostic] = []
    company = _text(policy.company.name, "company.name", _where(loaded, "site", ("company", "name")), problems)
    settings = policy.site.notices
    if settings.sender:
        sender = _address(settings.sender, "site.notices.sender",
                          _where(loaded, "site", ("site", "notices", "sender")), problems)
    elif policy.company.email:
        sender = _address(policy.company.email, "company.email", _where(loaded, "site", ("company", "email")),
                          problems)
    else:
        sender = ""
        problems.append(Diagnostic("S009", "notice e-mails need a sender: set site.notices.sender or company.email",
                                   _where(loaded, "site", ("site", "notices")),
                                   hint="add `notices: {sender: legal@example.com}` to site"))
    if settings.unsubscribe is not None:
        unsubscribe = _unsubscribe(settings.unsubscribe, _where(loaded, "site", ("site", "notices", "unsubscribe")),
                                   problems)
    else:
        unsubscribe = f"mailto:{sender}?subject=unsubscribe"
    base_where = _where(loaded, "site", ("site", "base_url"))
    host = "localhost"
    bad = CONTROL.search(policy.site.base_url)
    if bad:  # urlsplit would quietly drop tabs and line breaks
        problems.append(Diagnostic("S003", f"site.base_url contains {describe(bad.group())}", base_where))
    else:
        try:
            host = urlsplit(policy.site.base_url).hostname or "localhost"
        except ValueError as error:
            problems.append(Diagnostic("S003", f"site.base_url is not a valid URL: {error}", base_where))
    if not _HOSTNAME.fullmatch(host):
        problems.append(Diagnostic("S003", f"site.base_url has the host {host!r}, which cannot name a Message-ID; "
                                           "use a plain DNS name", base_where))
    return _Fields(company, sender, unsubscribe, host), problems


def _title_where(loaded: LoadedPolicy, kind: str, locale: str) -> Location:
    document = loaded.policy.documents[kind]
    if document.title is not None:
        return _where(loaded, kind, ("title", locale))
    return _where(loaded, kind, ("title",))


def _title_problems(loaded: LoadedPolicy, kind: str, locale: str) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    document = loaded.policy.documents[kind]
    if document.title is not None:
        _text(str(document.title.get(locale)), f"the {locale} title of {kind}", _title_where(loaded, kind, locale),
              problems)
    return problems


# --------------------------------------------------------------------------- writing headers


def _encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 encoded words (UTF-8, base64); no character is split between two."""
    chunks: list[bytes] = []
    chunk = b""
    for char in text:
        data = char.encode("utf-8")
        if chunk and len(chunk) + len(data) > _WORD_BYTES:
            chunks.append(chunk)
            chunk = b""
        chunk += data
    if chunk:
        chunks.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(part).decode('ascii')}?=" for part in chunks]


def _folded(name: str, words: list[str]) -> str:
    """``words`` joined by spaces, with a fold (newline and space) before a word passing column 78."""
    text, width = "", len(name) + 2
    for index, word in enumerate(words):
        if index and width + 1 + len(word) > 78:
            text, width = text + "\n ", 1
        elif index:
            text, width = text + " ", width + 1
        text, width = text + word, width + len(word)
    return text


#: Headers set with ``set_raw`` are written as they are, never refolded (and so never decoded).
_POLICY = SMTP.clone(refold_source="none")
_Setter = Callable[[EmailMessage], None]


def header_addresses(parsed: Message, name: str) -> tuple[Address, ...]:
    header = parsed[name]
    return tuple(header.addresses) if isinstance(header, AddressHeader) else ()


def _read_back(setter: _Setter) -> Message | None:
    """The headers a reader sees after ``setter`` wrote them into a message; ``None`` if it cannot."""
    scratch = EmailMessage(policy=_POLICY)
    try:
        setter(scratch)
        data = scratch.as_bytes()
    except ValueError:  # the email package refuses what it cannot write
        return None
    return BytesHeaderParser(policy=default).parsebytes(data)


def _subject_setter(subject: str) -> _Setter | None:
    """How to write ``subject`` so that it reads back exactly, or ``None`` when nothing does."""

    def library(message: EmailMessage) -> None:
        message["Subject"] = subject

    def encoded(message: EmailMessage) -> None:
        message.set_raw("Subject", _folded("Subject", _encoded_words(subject)))

    # The email package decodes an encoded-word lookalike it is given (CVE-2024-6923 adds
    # headers that way), and its folding may drop a space next to an encoded word; encoded
    # words of our own reach the reader literally.
    for setter in ([encoded] if "=?" in subject else [library, encoded]):
        parsed = _read_back(setter)
        if parsed is not None and parsed.keys() == ["Subject"] and str(parsed["Subject"]).strip() == subject:
            return setter
    return None


def _from_setter(display_name: str, sender: str) -> _Setter | None:
    """How to write ``display_name <sender>``, or ``None``: the From must name the sender alone.

    The first writing that also shows the name exactly wins; Python's parser reads the
    encoded words of a long non-ASCII name with a space between them, so for such a name
    only the address is certain.
    """

    def library(message: EmailMessage) -> None:
        message["From"] = Address(display_name=display_name, addr_spec=sender)

    def literal(message: EmailMessage) -> None:
        if display_name.isascii():  # a quoted string with every = escaped can never read as an encoded word
            phrase = ('"' + re.sub(r'([\\"=])', r"\\\1", display_name) + '"').split(" ")
        else:
            phrase = _encoded_words(display_name)
        message.set_raw("From", _folded("From", [*phrase, f"<{sender}>"]))

    # The email package re-parses an Address's text and would decode a lookalike into
    # whatever it spells, more addresses included.
    usable: list[_Setter] = []
    for setter in ([literal] if "=?" in display_name else [library, literal]):
        parsed = _read_back(setter)
        if parsed is None:
            continue
        addresses = header_addresses(parsed, "From")
        if parsed.keys() == ["From"] and [a.addr_spec for a in addresses] == [sender]:
            if addresses[0].display_name == display_name:
                return setter
            usable.append(setter)
    return usable[0] if usable else None


def _verify(message: EmailMessage, expected: Mapping[str, str], sender: str,
            places: Mapping[str, Location]) -> list[Diagnostic]:
    """Parse the written headers back: exactly the headers meant, From naming only the sender."""
    data = message.as_bytes()
    parsed = BytesHeaderParser(policy=default).parsebytes(data)
    problems: list[Diagnostic] = []
    name = ""
    for line in data.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        if line[:1] not in (b" ", b"\t"):  # a folded line continues the header above it
            name = line.partition(b":")[0].decode("ascii", "replace")
        if len(line) > _MAX_LINE:
            return [Diagnostic("S003", f"a header line of the message would be {len(line)} characters long, over "
                                       f"the {_MAX_LINE} that mail servers accept; shorten the value",
                               places.get(name, places["Subject"]))]
    written = [name.lower() for name in parsed]
    meant = [name.lower() for name in message]
    if written != meant:
        return [Diagnostic("S003", f"the message would carry the headers {', '.join(written)} instead of "
                                   f"{', '.join(meant)}", places["Subject"])]
    if [a.addr_spec for a in header_addresses(parsed, "From")] != [sender]:
        problems.append(Diagnostic("S003", "company.name cannot be written safely as the From display name",
                                   places["From"]))
    for name, value in expected.items():
        if str(parsed[name]).strip() != value:  # a header folded right after its name reads back with a space
            problems.append(Diagnostic("S003", f"the {name} header cannot be written safely: {value!r}",
                                       places[name]))
    return problems


# --------------------------------------------------------------------------- composing


def _postal_address(loaded: LoadedPolicy, renderer: LocaleRenderer) -> str:
    address = loaded.policy.company.address
    if address is None:
        return ""
    return f"{address.street}, {address.postal_code} {address.city}, {renderer.formatter.country(address.country)}"


def compose(loaded: LoadedPolicy, due: DueMessage, locale: str, as_of: dt.date) -> Composed:
    """The notice e-mail for one due message in one locale.

    Raises :class:`SourceError` (S003, at the value's place in the source) when a value
    cannot go into a mail header safely.
    """
    policy = loaded.policy
    fields, problems = _site_fields(loaded)
    problems += _title_problems(loaded, due.notice.kind, locale)
    if problems:
        raise SourceError(problems)
    renderer = LocaleRenderer(loaded, locale)
    release = due.notice.version.release
    document = policy.documents[due.notice.kind]
    title_where = _title_where(loaded, due.notice.kind, locale)
    title = _text(renderer.title(document), f"the {locale} title of {due.notice.kind}", title_where, problems)
    date = renderer.formatter.date
    subjects = {
        NoticeKind.ANNOUNCEMENT: renderer.gettext("%(title)s: changes from %(date)s"),
        NoticeKind.REMINDER: renderer.gettext("Reminder – %(title)s: changes from %(date)s"),
        NoticeKind.IN_EFFECT: renderer.gettext("%(title)s: new version in effect since %(date)s"),
    }
    site_name = _site_name(loaded, locale, problems)
    subject = typeset(f"{site_name}: " + subjects[due.reason] % {"title": title, "date": date(release.effective)},
                      locale)
    subject = _text(subject, "the subject", title_where, problems)
    if problems:
        raise SourceError(problems)
    slug = due.notice.slug
    context = {
        "reason": due.reason.value, "title": title, "number": release.version,
        "effective": date(release.effective), "published": date(release.published),
        "summary": release.summary.get(locale), "address": _postal_address(loaded, renderer),
        "upcoming_url": page_url(loaded, locale, f"{slug}/upcoming/"),
        "version_url": page_url(loaded, locale, version_path(slug, release.version)),
    }
    text = renderer.render("email.txt.j2", **context)
    paragraphs = [[" ".join(line.split()) for line in block.splitlines() if line.strip()]
                  for block in text.split("\n\n") if block.strip()]  # lines of a paragraph stay lines
    html = renderer.render("email.html.j2", subject=subject, paragraphs=paragraphs)

    places = {
        "From": _where(loaded, "site", ("company", "name")), "Subject": title_where,
        "Message-ID": _where(loaded, "site", ("site", "base_url")),
        "List-Unsubscribe": _where(loaded, "site", ("site", "notices", "unsubscribe")),
    }
    set_from = _from_setter(fields.company, fields.sender)
    if set_from is None:
        problems.append(Diagnostic("S003", f"company.name {fields.company!r} cannot be written as the display "
                                           "name of the From header", places["From"]))
    set_subject = _subject_setter(subject)
    if set_subject is None:
        problems.append(Diagnostic("S003", f"the subject {subject!r} cannot be written into a mail header",
                                   places["Subject"]))
    if set_from is None or set_subject is None:
        raise SourceError(problems)
    key = f"{due.notice.kind}-v{release.version}-{due.reason.value}-{locale}"
    expected = {"Subject": subject, "Message-ID": f"<{key}@{fields.host}>",
                "List-Unsubscribe": f"<{fields.unsubscribe}>"}
    message = EmailMessage(policy=_POLICY)
    set_from(message)
    set_subject(message)
    message["Date"] = format_datetime(dt.datetime.combine(as_of, dt.time(9), ZoneInfo(policy.site.timezone)))
    message["Message-ID"] = expected["Message-ID"]
    # Written as is: the email package would turn a URL longer than a line into encoded words.
    message.set_raw("List-Unsubscribe", expected["List-Unsubscribe"])
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable encodes every "=", so no body line can read as the "=_legalgen_" boundary.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    message.set_boundary(f"=_legalgen_{key}")
    message["Content-Language"] = locale  # after add_alternative, which moves Content-* headers into the parts
    problems = _verify(message, expected, fields.sender, places)
    if problems:
        raise SourceError(problems)
    return Composed(locale, f"{key}.eml", message, fields.sender)


def compose_all(loaded: LoadedPolicy, due: list[DueMessage], as_of: dt.date) -> list[Composed]:
    """Every due message in every locale of the site; all unusable header values are reported at once."""
    locales = loaded.policy.site.locales
    _, problems = _site_fields(loaded)
    for locale in locales:
        _site_name(loaded, locale, problems)
        for kind in dict.fromkeys(item.notice.kind for item in due):
            problems += _title_problems(loaded, kind, locale)
    if problems:
        raise SourceError(list(dict.fromkeys(problems)))  # a name used for every locale is reported once
    return [compose(loaded, item, locale, as_of) for item in due for locale in locales]


#: What every message legalgen writes holds: the MIME boundary it names after the message.
_BOUNDARY = b'boundary="=_legalgen_'


def legacy_mail_folder(folder: Path) -> bool:
    """Whether ``folder``, without legalgen's output marker, holds only messages an earlier
    legalgen wrote there (``.eml`` files with its boundary), so a run may replace them."""
    for entry in folder.iterdir():
        if entry.name.startswith("."):
            continue
        if entry.suffix != ".eml" or entry.is_symlink() or not entry.is_file():
            return False
        with entry.open("rb") as file:
            if _BOUNDARY not in file.read(4096):
                return False
    return True


def message_files(messages: list[Composed]) -> dict[PurePosixPath, bytes]:
    """The messages as ``.eml`` files (CRLF line ends), ready for the writer."""
    return {PurePosixPath(m.filename): m.message.as_bytes() for m in messages}
