"""Change-notice e-mails: compose them per due notice and locale, write them, send them.

Messages are RFC 5322, multipart (plain text and HTML), with a localized subject, a
``List-Unsubscribe`` header and nothing but the notice in them (REQUIREMENTS C04).
Sending uses SMTP configured by environment variables:

=========================  ==============================================
LEGALGEN_SMTP_HOST         server name (required for --send)
LEGALGEN_SMTP_PORT         port (default 587 with STARTTLS, else 25)
LEGALGEN_SMTP_STARTTLS     1/true/yes or 0/false/no (default: yes)
LEGALGEN_SMTP_USER         login name, if the server needs one
LEGALGEN_SMTP_PASSWORD     password for LEGALGEN_SMTP_USER
=========================  ==============================================
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from legalgen.diagnostics import Diagnostic, LegalgenError, Location, SourceError, display_path
from legalgen.load import LoadedPolicy
from legalgen.notices import DueMessage, NoticeKind, page_url
from legalgen.render import LocaleRenderer

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Composed:
    """One message for one locale, and the file name it is written under."""

    locale: str
    filename: str
    message: EmailMessage


def _address(loaded: LoadedPolicy) -> str:
    address = loaded.policy.company.address
    if address is None:
        return ""
    return f"{address.street}, {address.postal_code} {address.city}"


def compose(loaded: LoadedPolicy, due: DueMessage, locale: str, as_of: dt.date) -> Composed:
    """The notice e-mail for one due message in one locale."""
    policy = loaded.policy
    renderer = LocaleRenderer(loaded, locale)
    release = due.notice.version.release
    document = policy.documents[due.notice.kind]
    title = renderer.title(document)
    date = renderer.formatter.date
    subjects = {
        NoticeKind.ANNOUNCEMENT: renderer.gettext("%(title)s: changes from %(date)s"),
        NoticeKind.REMINDER: renderer.gettext("Reminder: %(title)s changes on %(date)s"),
        NoticeKind.IN_EFFECT: renderer.gettext("%(title)s: new version in effect since %(date)s"),
    }
    subject = f"{policy.site.name}: " + subjects[due.reason] % {"title": title, "date": date(release.effective)}
    slug = due.notice.slug
    context = {
        "reason": due.reason.value, "title": title, "number": release.version,
        "effective": date(release.effective), "published": date(release.published),
        "summary": release.summary.get(locale), "address": _address(loaded),
        "upcoming_url": page_url(loaded, locale, f"{slug}/upcoming/"),
        "version_url": page_url(loaded, locale, f"{slug}/v{release.version}/"),
    }
    text = renderer.render("email.txt.j2", **context)
    paragraphs = [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]
    html = renderer.render("email.html.j2", subject=subject, paragraphs=paragraphs)

    settings = policy.site.notices
    sender = settings.sender or policy.company.email
    host = urlsplit(policy.site.base_url).hostname or "localhost"
    message = EmailMessage(policy=SMTP)
    message["From"] = formataddr((policy.company.name, sender))
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.combine(as_of, dt.time(9), ZoneInfo(policy.site.timezone)))
    key = f"{due.notice.kind}-v{release.version}-{due.reason.value}-{locale}"
    message["Message-ID"] = f"<{key}@{host}>"
    message["List-Unsubscribe"] = f"<{settings.unsubscribe or f'mailto:{sender}?subject=unsubscribe'}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.set_boundary(f"=_legalgen_{key}")
    message["Content-Language"] = locale  # after add_alternative, which moves Content-* headers into the parts
    return Composed(locale, f"{key}.eml", message)


def compose_all(loaded: LoadedPolicy, due: list[DueMessage], as_of: dt.date) -> list[Composed]:
    """Every due message in every locale of the site."""
    return [compose(loaded, item, locale, as_of) for item in due for locale in loaded.policy.site.locales]


def message_files(messages: list[Composed]) -> dict[PurePosixPath, bytes]:
    """The messages as ``.eml`` files (CRLF line ends), ready for the writer."""
    return {PurePosixPath(m.filename): m.message.as_bytes() for m in messages}


def read_recipients(path: Path, locales: list[str]) -> dict[str, list[str]]:
    """Recipients by locale from a CSV file with the columns ``email`` and ``locale``."""
    name = display_path(path)
    problems = []
    by_locale: dict[str, list[str]] = {locale: [] for locale in locales}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"email", "locale"} <= set(reader.fieldnames):
            raise SourceError([Diagnostic("S009", "the recipients file needs the columns email and locale",
                                          Location(name, 1, 1))])
        for row in reader:
            line = reader.line_num
            email, locale = (row.get("email") or "").strip(), (row.get("locale") or "").strip()
            if "@" not in email:
                problems.append(Diagnostic("S003", f"not an e-mail address: {email!r}", Location(name, line, 1)))
            elif locale not in by_locale:
                problems.append(Diagnostic("S003", f"locale {locale!r} is not one of {', '.join(locales)}",
                                           Location(name, line, 1)))
            else:
                by_locale[locale].append(email)
    if problems:
        raise SourceError(problems)
    return by_locale


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to deliver mail."""

    host: str
    port: int
    starttls: bool
    user: str | None
    password: str | None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> SmtpSettings:
        """Read the LEGALGEN_SMTP_* variables; raise a clear error when they are unusable."""
        host = environ.get("LEGALGEN_SMTP_HOST", "").strip()
        if not host:
            raise LegalgenError("LEGALGEN_SMTP_HOST is not set; it names the SMTP server for --send")
        flag = environ.get("LEGALGEN_SMTP_STARTTLS", "yes").strip().lower()
        if flag not in _TRUE | _FALSE:
            raise LegalgenError(f"LEGALGEN_SMTP_STARTTLS must be yes or no, not {flag!r}")
        starttls = flag in _TRUE
        port_text = environ.get("LEGALGEN_SMTP_PORT", "587" if starttls else "25").strip()
        if not port_text.isdigit():
            raise LegalgenError(f"LEGALGEN_SMTP_PORT must be a number, not {port_text!r}")
        return cls(host, int(port_text), starttls, environ.get("LEGALGEN_SMTP_USER") or None,
                   environ.get("LEGALGEN_SMTP_PASSWORD") or None)


def send(messages: list[Composed], recipients: Mapping[str, list[str]], settings: SmtpSettings) -> int:
    """Deliver each message to the recipients of its locale, one envelope each; return the count."""
    sent = 0
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=30) as server:
            if settings.starttls:
                server.starttls()
            if settings.user:
                server.login(settings.user, settings.password or "")
            for composed in messages:
                for address in recipients.get(composed.locale, []):
                    message = copy.deepcopy(composed.message)
                    message["To"] = address
                    server.send_message(message, to_addrs=[address])
                    sent += 1
    except (OSError, smtplib.SMTPException) as error:
        raise LegalgenError(f"sending through {settings.host}:{settings.port} failed after {sent} message(s): "
                            f"{error}") from error
    return sent
