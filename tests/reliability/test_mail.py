"""Mail headers from data are safe: display names, line breaks, recipients, List-Unsubscribe, SMTP.

Values are put into the loaded model with ``model_copy`` so that these tests exercise
legalgen.notices.mail's own defences, whatever the loader accepts; the CLI tests go through the
loader as a user would.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from click.testing import CliRunner

from legalgen.cli import main
from legalgen.diagnostics import LegalgenError, SourceError
from legalgen.notices.announcements import DueMessage, due_messages
from legalgen.notices.mail import Composed, compose_all, message_files
from legalgen.notices.recipients import load_recipients, read_recipients
from legalgen.notices.smtp import SmtpSettings, send
from legalgen.source import model as m
from legalgen.source.load import LoadedPolicy, load_policy
from legalgen.versions.history import History, load_history

from ..conftest import SITE_NAME_LINE, copy_project

ANNOUNCED = dt.date(2026, 11, 10)
SENDER = "hello@lumenstream.example"
LOCALES = ["en", "de", "fr"]
HEADERS = ["From", "Subject", "Date", "Message-ID", "List-Unsubscribe", "Auto-Submitted", "MIME-Version",
           "Content-Type", "Content-Language"]


def _with(loaded: LoadedPolicy, *, company: dict[str, Any] | None = None, site: dict[str, Any] | None = None,
          notices: dict[str, Any] | None = None, privacy: dict[str, Any] | None = None) -> LoadedPolicy:
    """``loaded`` with values replaced behind the loader's back (the models are frozen)."""
    policy = loaded.policy
    site_config = policy.site
    if notices:
        site_config = site_config.model_copy(update={"notices": site_config.notices.model_copy(update=notices)})
    if site:
        site_config = site_config.model_copy(update=site)
    documents = dict(policy.documents)
    if privacy:
        documents["privacy"] = documents["privacy"].model_copy(update=privacy)
    policy = policy.model_copy(update={
        "site": site_config, "documents": documents,
        "company": policy.company.model_copy(update=company or {}),
    })
    return dataclasses.replace(loaded, policy=policy)


def _announce(loaded: LoadedPolicy, history: History) -> list[Composed]:
    return compose_all(loaded, due_messages(loaded, history, ANNOUNCED), ANNOUNCED)


def _parsed(messages: list[Composed], locale: str = "en") -> EmailMessage:
    """The written .eml of one locale, parsed back as a mail program would."""
    files = message_files(messages)
    data = files[next(path for path in files if path.name.endswith(f"-{locale}.eml"))]
    parsed = message_from_bytes(data, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _codes(error: SourceError) -> list[tuple[str, int, int]]:
    return [(d.code, d.location.line, d.location.col) for d in error.diagnostics]


def _line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


# --------------------------------------------------------------------------- display names


@pytest.mark.parametrize("name", [
    "Name <a@x>, b@y",
    'Evil "Corp" \\ Ltd <ceo@evil.example>',
    "A; B, C: D@E",
    "=?utf-8?q?a=3Cevil=40x=3E=2C?=",
    "=?utf-8?b?QUJD?= <x@y>",
    "Müller, Hans <a@x>, b@y",
    "Ω =?utf-8?q?x?= <e@x>",
    "Lumenstream GmbH",
])
def test_company_name_is_only_a_display_name(example: LoadedPolicy, example_history: History, name: str) -> None:
    parsed = _parsed(_announce(_with(example, company={"name": name}), example_history))
    [address] = parsed["From"].addresses
    assert (address.addr_spec, address.display_name) == (SENDER, name)
    assert list(parsed.keys()) == HEADERS


def test_long_non_ascii_name_still_names_the_sender_alone(example: LoadedPolicy, example_history: History) -> None:
    # Python reads the adjacent encoded words of a long name with spaces between them (RFC 2047
    # says to drop them), so only the letters are compared; the address must be exact.
    name = "Société d'Exploitation des Œuvres Cinématographiques Indépendantes, <a@x>, b@y"
    [address] = _parsed(_announce(_with(example, company={"name": name}), example_history))["From"].addresses
    assert address.addr_spec == SENDER
    assert address.display_name.replace(" ", "") == name.replace(" ", "")


def test_a_header_line_no_server_accepts_is_s003(example: LoadedPolicy, example_history: History) -> None:
    """Today's loader limits a name to 500 characters; a longer one that got past it (an older
    source) must not make a From line over 998 characters, which servers refuse mid-run."""
    with pytest.raises(SourceError) as caught:
        _announce(_with(example, company={"name": "A" * 2000}), example_history)
    [problem] = {d.message for d in caught.value.diagnostics}
    assert problem.startswith("a header line of the message would be 2") and "over the 998" in problem
    assert {d.location for d in caught.value.diagnostics} == {example.locate("site", ("company", "name"))}


def test_encoded_word_lookalike_stays_literal_in_the_from_line(example: LoadedPolicy,
                                                                example_history: History) -> None:
    # Python's folding would decode it into `From: a<evil@x>, <hello@...>`, a second address.
    messages = _announce(_with(example, company={"name": "=?utf-8?q?a=3Cevil=40x=3E=2C?="}), example_history)
    data = message_files(messages)[PurePosixPath("privacy-v3-announcement-en.eml")]
    assert data.startswith(b'From: "\\=?utf-8?q?a\\=3Cevil\\=40x\\=3E\\=2C?\\=" <hello@lumenstream.example>\r\n')
    assert messages[0].sender == SENDER


# --------------------------------------------------------------------------- subjects


@pytest.mark.parametrize(("site_name", "title"), [
    ("=?utf-8?q?x=0D=0ABcc:_evil@example.org?=", None),
    ("Lumenstream Legal", "=?utf-8?q?Privacy=0ABcc:_evil@example.org?="),
    ("Site =?utf-8?b?QmNjOiBldmlsQGV4YW1wbGUub3Jn?= end", None),
])
def test_encoded_word_lookalike_cannot_add_headers(example: LoadedPolicy, example_history: History,
                                                   site_name: str, title: str | None) -> None:
    privacy = {"title": m.Title({"en": title, "de": title, "fr": title})} if title else None
    parsed = _parsed(_announce(_with(example, site={"name": site_name}, privacy=privacy), example_history))
    assert list(parsed.keys()) == HEADERS
    assert parsed["Subject"] == f"{site_name}: {title or 'Privacy policy'}: changes from 15 December 2026"


def test_blanks_in_a_title_fold_to_single_spaces(example: LoadedPolicy, example_history: History) -> None:
    title = m.Title.model_construct({"en": "Privacy \t  policy", "de": "Datenschutz",
                                     "fr": "Confidentialité"})
    parsed = _parsed(_announce(_with(example, privacy={"title": title}), example_history))
    assert parsed["Subject"] == "Lumenstream Legal: Privacy policy: changes from 15 December 2026"


# --------------------------------------------------------------------------- line breaks and controls


@pytest.fixture
def located(tmp_path: Path) -> tuple[LoadedPolicy, History, Path]:
    """A copy of the example whose site.yaml sets notices.sender and .unsubscribe and whose privacy
    policy has its own title, so that every header value has a line in the source."""
    project = copy_project(tmp_path)
    site = project.source / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace(
        "  audience: consumers\n",
        "  audience: consumers\n  notices:\n    sender: notices@lumenstream.example\n"
        "    unsubscribe: https://www.lumenstream.example/unsubscribe\n"), encoding="utf-8")
    privacy = project.source / "privacy.yaml"
    privacy.write_text(privacy.read_text(encoding="utf-8")
                       + "title:\n  en: Privacy notice\n  de: Datenschutzhinweise\n  fr: Avis de confidentialité\n",
                       encoding="utf-8")
    loaded = load_policy(project.source)
    return loaded, load_history(loaded), project.source


@pytest.mark.parametrize(("field", "value", "line_text", "col"), [
    ("company.name", "Lumenstream\r\nBcc: evil@example.org", "  name: Lumenstream GmbH", 9),
    ("company.name", "Lumenstream\x00GmbH", "  name: Lumenstream GmbH", 9),
    ("company.name", "Lumenstream\u2028GmbH", "  name: Lumenstream GmbH", 9),
    ("site.name", "Lumenstream\nLegal", SITE_NAME_LINE, 9),
    ("site.name", "Lumenstream\x1b[31mLegal", SITE_NAME_LINE, 9),
    ("site.notices.sender", "notices@lumenstream.example\r\nBcc: evil@example.org",
     "    sender: notices@lumenstream.example", 13),
    ("site.notices.sender", "Evil <evil@example.org>", "    sender: notices@lumenstream.example", 13),
    ("site.notices.sender", "a@b.example, evil@example.org", "    sender: notices@lumenstream.example", 13),
    ("site.base_url", "https://legal.example\r\nBcc:x/", "  base_url: https://legal.lumenstream.example/", 13),
    ("site.base_url", "https://evil>host/", "  base_url: https://legal.lumenstream.example/", 13),
])
def test_unsafe_site_value_is_located_s003(located: tuple[LoadedPolicy, History, Path], field: str, value: str,
                                           line_text: str, col: int) -> None:
    loaded, history, source = located
    replace: dict[str, dict[str, Any]] = {"company": {}, "site": {}, "notices": {}}
    part, _, key = field.rpartition(".")
    replace[part.rpartition(".")[2]][key] = value
    with pytest.raises(SourceError) as caught:
        _announce(_with(loaded, **replace), history)
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.location.line, diagnostic.location.col) == \
        ("S003", _line_of(source / "site.yaml", line_text), col)
    assert diagnostic.location.file.endswith("site.yaml") and field in diagnostic.message


def test_line_break_in_a_title_is_located_s003(located: tuple[LoadedPolicy, History, Path]) -> None:
    loaded, history, source = located
    title = m.Title.model_construct({"en": "Privacy\r\nBcc: evil@example.org", "de": "Datenschutz",
                                     "fr": "Confidentialité"})
    with pytest.raises(SourceError) as caught:
        _announce(_with(loaded, privacy={"title": title}), history)
    assert _codes(caught.value) == [("S003", _line_of(source / "privacy.yaml", "  en: Privacy notice"), 7)]
    assert caught.value.diagnostics[0].message.startswith("the en title of privacy contains a line break (U+000D)")


def test_every_unsafe_value_is_reported_at_once(example: LoadedPolicy, example_history: History) -> None:
    hostile = _with(example, company={"name": "A\nB", "email": "x@y.example\nBcc: z@w.example"},
                    site={"name": "S\rT"})
    with pytest.raises(SourceError) as caught:
        _announce(hostile, example_history)
    assert [(d.code, d.location) for d in caught.value.diagnostics] == [
        ("S003", example.locate("site", ("site", "name"))),
        ("S003", example.locate("site", ("company", "name"))),
        ("S003", example.locate("site", ("company", "email"))),
    ]


# --------------------------------------------------------------------------- List-Unsubscribe


@pytest.mark.parametrize("target", [
    "javascript:alert(1)",
    "http://www.lumenstream.example/unsubscribe",
    "https://www.lumenstream.example/un subscribe",
    "https://www.lumenstream.example/u>, <https://evil.example/",
    "https://www.lumenstream.example/u\r\nBcc: evil@example.org",
    "mailto:Evil <evil@example.org>",
    "mailto:a@b.example,evil@example.org",
    "https://www.lumenstream.example/?t==?utf-8?q?x?=",
    "https://www.lumenstream.example/désabonner",
    "https:///no-host",
    "",
])
def test_unusable_unsubscribe_is_located_s003(located: tuple[LoadedPolicy, History, Path], target: str) -> None:
    loaded, history, source = located
    with pytest.raises(SourceError) as caught:
        _announce(_with(loaded, notices={"unsubscribe": target}), history)
    line = _line_of(source / "site.yaml", "    unsubscribe: https://www.lumenstream.example/unsubscribe")
    assert _codes(caught.value) == [("S003", line, 18)]
    assert "site.notices.unsubscribe" in caught.value.diagnostics[0].message


@pytest.mark.parametrize("target", [
    "https://www.lumenstream.example/account/notifications/unsubscribe?token=abcdefghijklmnopqrstuvwxyz0123456789",
    "mailto:unsubscribe@lumenstream.example?subject=unsubscribe%20notices",
])
def test_usable_unsubscribe_is_written_as_is(example: LoadedPolicy, example_history: History, target: str) -> None:
    messages = _announce(_with(example, notices={"unsubscribe": target}), example_history)
    data = message_files(messages)[PurePosixPath("privacy-v3-announcement-fr.eml")]
    assert f"\r\nList-Unsubscribe: <{target}>\r\n".encode() in data
    assert _parsed(messages, "fr")["List-Unsubscribe"] == f"<{target}>"


# --------------------------------------------------------------------------- bodies


def test_summary_cannot_imitate_the_mime_boundary(example: LoadedPolicy, example_history: History) -> None:
    [due] = due_messages(example, example_history, ANNOUNCED)
    fake = "x\n--=_legalgen_privacy-v3-announcement-en\nContent-Type: text/html\n\n<b>fake</b>\n"
    release = due.notice.version.release.model_copy(
        update={"summary": m.Text({"en": fake, "de": "x", "fr": "x"})})
    version = dataclasses.replace(due.notice.version, release=release)
    item = DueMessage(dataclasses.replace(due.notice, version=version), due.reason)
    parsed = _parsed(compose_all(example, [item], ANNOUNCED))
    parts = list(parsed.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert "--=_legalgen_privacy-v3-announcement-en\nContent-Type: text/html\n" in \
        parts[0].get_content().replace("\r\n", "\n")


# --------------------------------------------------------------------------- recipients file


@pytest.mark.parametrize(("data", "expected"), [
    (b"", [("S009", 1, 1)]),
    (b"\n\n", [("S009", 1, 1)]),
    (b"email;locale\na@example.org;de\n", [("S009", 1, 1)]),
    (b"mail,locale\na@example.org,de\n", [("S009", 1, 1)]),
    (b"email,locale,email\na@example.org,de,b@example.org\n", [("S003", 1, 14)]),
    (b"email,locale\na@example.org,de\n\xe9ric@example.org,fr\n", [("S001", 3, 1)]),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", [("S001", 1, 1)]),
    (b"\x1f\x8b\x08\x00binary", [("S001", 1, 2)]),
    (b"email,locale\na@example.org\x00,de\n", [("S001", 2, 14)]),
    (b'email,locale\n"a@example.org\nBcc: x@example.org",de\n', [("S003", 2, 1), ("S003", 3, 1)]),
    (b"email,locale\r\na@example.org\r,de\r\n", [("S003", 2, 14)]),
    (b"email,locale\na@example.org\x1b,de\n", [("S003", 2, 14)]),
    (b"email,locale\nanna @example.org,de\n", [("S003", 2, 1)]),
    (b"email,locale\nAnna <anna@example.org>,de\n", [("S003", 2, 1)]),
    (b"email,locale\n<anna@example.org>,de\n", [("S003", 2, 1)]),
    (b'email,locale\n"a@example.org, b@example.org",de\n', [("S003", 2, 1)]),
    (b"email,locale\na@example.org;b@example.org,de\n", [("S003", 2, 1)]),
    (b'email,locale\n"""a""@example.org",de\n', [("S003", 2, 1)]),
    (b"email,locale\na@b@example.org,de\n", [("S003", 2, 1)]),
    (b"email,locale\n=?utf-8?q?x?=@example.org,de\n", [("S003", 2, 1)]),
    (b"email,locale\nj\xc3\xb6rg@example.org,de\n", [("S003", 2, 1)]),
    (b"locale,email\nde,anna@example\nfr,b@example.org,extra\n", [("S003", 2, 4), ("S003", 3, 1)]),
    (b"email,locale\na@example.org,es\n", [("S003", 2, 15)]),
    (b"email,locale\na@example.org,de\nA@EXAMPLE.org,fr\n", [("S006", 3, 15)]),
])
def test_recipients_file_problems_are_located(tmp_path: Path, data: bytes,
                                              expected: list[tuple[str, int, int]]) -> None:
    path = tmp_path / "recipients.csv"
    path.write_bytes(data)
    with pytest.raises(SourceError) as caught:
        read_recipients(path, LOCALES)
    assert _codes(caught.value) == expected
    assert all(d.location.file.endswith("recipients.csv") for d in caught.value.diagnostics)


def test_recipients_are_deduplicated_and_a_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "recipients.csv"
    path.write_bytes("\ufeffEmail, Locale\r\nanna@example.org, de\r\n\r\nAnna@Example.ORG,de\r\n"
                     "ben@example.org,en\r\nanna@example.org,de\r\n".encode())
    assert read_recipients(path, LOCALES) == {"en": ["ben@example.org"], "de": ["anna@example.org"], "fr": []}


def test_unreadable_recipients_file_is_s001(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        read_recipients(tmp_path, LOCALES)
    assert _codes(caught.value) == [("S001", 1, 1)]


BRANDS = ("acme", "zenith")


def test_one_recipients_file_for_every_brand(tmp_path: Path) -> None:
    path = tmp_path / "recipients.csv"
    path.write_text("email,locale,brand\nanna@example.org,de,acme\nanna@example.org,fr,zenith\n"
                    "ben@example.org,en,zenith\nAnna@example.org,de,acme\n", encoding="utf-8")
    listed = load_recipients(path, BRANDS)
    assert listed.by_locale(["en", "de"], "acme") == {"en": [], "de": ["anna@example.org"]}
    assert listed.by_locale(["en", "fr"], "zenith") == {"en": ["ben@example.org"], "fr": ["anna@example.org"]}
    with pytest.raises(SourceError) as caught:  # zenith's subscriber reads French, a site without French
        listed.by_locale(["en", "de"], "zenith")
    assert _codes(caught.value) == [("S003", 3, 18)]
    assert "(the languages of brand zenith)" in caught.value.diagnostics[0].message


@pytest.mark.parametrize(("data", "brands", "expected", "words"), [
    ("email,locale,brand\na@example.org,de,acm\n", BRANDS, [("S003", 2, 18)], "no brand named 'acm'"),
    ("email,locale,brand\na@example.org,de,\n", BRANDS, [("S003", 2, 18)], "the brand is empty"),
    ("email,locale\na@example.org,de\n", BRANDS, [("S009", 1, 1)], "needs the column brand"),
    ("email,locale,brand\n", BRANDS, [], ""),
    ("email,brand,locale\na@example.org,acme,de\n", None, [("S003", 1, 7)], "no brand was chosen"),
    ("email,locale,brand\na@example.org,de,acme\nA@example.org,en,acme\n", BRANDS, [("S006", 3, 15)],
     "for brand acme"),
])
def test_brand_column_problems_are_located(tmp_path: Path, data: str, brands: tuple[str, ...] | None,
                                           expected: list[tuple[str, int, int]], words: str) -> None:
    path = tmp_path / "recipients.csv"
    path.write_text(data, encoding="utf-8")
    if not expected:  # a header alone: nobody subscribed yet
        assert load_recipients(path, brands).by_locale(["en"], "acme") == {"en": []}
        return
    with pytest.raises(SourceError) as caught:
        load_recipients(path, brands)
    assert _codes(caught.value) == expected
    assert words in caught.value.diagnostics[0].message
    if "acm'" in words:
        assert caught.value.diagnostics[0].hint == "did you mean acme?"


def test_a_brand_column_is_refused_without_brands(tmp_path: Path) -> None:
    """Notices of one site must not go to every brand's subscribers."""
    path = tmp_path / "recipients.csv"
    path.write_text("email,locale,brand\na@example.org,de,acme\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_recipients(path, LOCALES)
    assert _codes(caught.value) == [("S003", 1, 14)]
    assert "no brand was chosen" in caught.value.diagnostics[0].message


# --------------------------------------------------------------------------- SMTP


@pytest.mark.parametrize("port", ["0", "65536", "99999", "-1", "٣", "25a", "100000"])
def test_smtp_port_out_of_range(port: str) -> None:
    with pytest.raises(LegalgenError, match=re.escape(f"LEGALGEN_SMTP_PORT must be a port number from 1 to 65535, "
                                                      f"not {port!r}")):
        SmtpSettings.from_environment({"LEGALGEN_SMTP_HOST": "mail.test", "LEGALGEN_SMTP_PORT": port})
    assert SmtpSettings.from_environment({"LEGALGEN_SMTP_HOST": "m", "LEGALGEN_SMTP_PORT": "65535"}).port == 65535


@pytest.mark.parametrize(("variable", "value"), [
    ("LEGALGEN_SMTP_HOST", "mail.test\r\nRCPT TO:<x@y>"),
    ("LEGALGEN_SMTP_USER", "user\r\nAUTH"),
    ("LEGALGEN_SMTP_PASSWORD", "pässword"),
])
def test_smtp_settings_reject_controls(variable: str, value: str) -> None:
    with pytest.raises(LegalgenError, match=variable):
        SmtpSettings.from_environment({"LEGALGEN_SMTP_HOST": "mail.test", variable: value})


class Recorder:
    """aiosmtpd handler: keeps every envelope; refuses some recipients, drops or stalls on request."""

    def __init__(self, refuse: frozenset[str] = frozenset(), drop_after: int | None = None,
                 stall_after: int | None = None, per_connection: int | None = None) -> None:
        self.refuse, self.drop_after, self.stall_after = refuse, drop_after, stall_after
        self.per_connection = per_connection  # answer 421 after this many messages on one connection
        self.rcpt_limit: int | None = None  # answer 450 at RCPT after this many messages on one connection
        self.received: list[tuple[str, list[str], bytes]] = []
        self.taken: dict[int, int] = {}  # messages per connection (by session)

    @property
    def connections(self) -> int:
        return len(self.taken)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            server.transport.close()
            return "421 4.3.0 going away"
        taken = self.taken.setdefault(id(session), 0)
        if self.per_connection is not None and taken >= self.per_connection:
            return "421 4.7.0 too many messages in this connection"
        self.taken[id(session)] = taken + 1
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user"
        if self.rcpt_limit is not None and self.taken.get(id(session), 0) > self.rcpt_limit:
            return "450 4.7.1 rate limited, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.stall_after is not None and len(self.received) >= self.stall_after:
            await asyncio.sleep(5)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp(handler: Recorder) -> Iterator[SmtpSettings]:
    """A local SMTP server on 127.0.0.1 with ``handler``; yields settings that reach it."""
    from aiosmtpd.controller import Controller

    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpSettings("127.0.0.1", port, starttls=False, user=None, password=None, timeout=1.0)
    finally:
        controller.stop()


@pytest.fixture
def untrusted_tls(tmp_path: Path) -> Iterator[tuple[Recorder, SmtpSettings]]:
    """A local SMTP server that offers STARTTLS with a self-signed certificate for another name."""
    import ssl
    import subprocess

    from aiosmtpd.controller import Controller

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=attacker.invalid", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder, port = Recorder(), _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    try:
        yield recorder, SmtpSettings("127.0.0.1", port, starttls=True, user="legal", password="secret", timeout=5.0)
    finally:
        controller.stop()


def test_starttls_verifies_the_server_certificate(example: LoadedPolicy, example_history: History,
                                                  untrusted_tls: tuple[Recorder, SmtpSettings]) -> None:
    """A server whose certificate no trusted authority signed, for another name, gets neither the
    password nor a message: STARTTLS verifies the certificate and the host name."""
    recorder, settings = untrusted_tls
    with pytest.raises(LegalgenError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed") as caught:
        send(_announce(example, example_history), THREE, settings)
    assert "0 of 3 message(s) were sent" in str(caught.value) and recorder.received == []


@pytest.mark.parametrize("special", ["fifo", "device"])
def test_a_recipients_file_that_is_no_regular_file_is_s001(tmp_path: Path, special: str) -> None:
    """A pipe would block the run and a device like /dev/zero fill the memory: neither is read."""
    import os

    path = tmp_path / "recipients.csv"
    if special == "fifo":
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    with pytest.raises(SourceError) as caught:
        read_recipients(path, LOCALES)
    assert _codes(caught.value) == [("S001", 1, 1)]
    assert "not a regular file" in caught.value.diagnostics[0].message


THREE = {"en": ["ben@example.org"], "de": ["anna@example.org"], "fr": ["chloe@example.org"]}


def test_hostile_display_name_through_smtp(example: LoadedPolicy, example_history: History) -> None:
    name = "=?utf-8?q?a=3Cevil=40x=3E=2C?= Name <a@x>, b@y"
    messages = _announce(_with(example, company={"name": name}), example_history)
    recorder = Recorder()
    with smtp(recorder) as settings:
        assert send(messages, {"en": ["ben@example.org", "ben@example.org"]}, settings) == 1
    [(mail_from, rcpt_tos, data)] = recorder.received
    assert (mail_from, rcpt_tos) == (SENDER, ["ben@example.org"])
    parsed = message_from_bytes(data, policy=default)
    [address] = parsed["From"].addresses
    assert (address.addr_spec, address.display_name) == (SENDER, name)
    assert [a.addr_spec for a in parsed["To"].addresses] == ["ben@example.org"]


def test_refused_recipient_is_reported_and_others_still_sent(example: LoadedPolicy,
                                                             example_history: History) -> None:
    recorder = Recorder(refuse=frozenset({"anna@example.org"}))
    with smtp(recorder) as settings, pytest.raises(LegalgenError) as caught:
        send(_announce(example, example_history), THREE, settings)
    assert str(caught.value) == (f"sent 2 of 3 message(s) through 127.0.0.1:{settings.port}; the server refused "
                                 "1 recipient(s): anna@example.org (550 5.1.1 no such user)")
    assert sorted(rcpt for _, [rcpt], _ in recorder.received) == ["ben@example.org", "chloe@example.org"]


def test_server_that_disconnects(example: LoadedPolicy, example_history: History) -> None:
    recorder = Recorder(drop_after=1)
    with smtp(recorder) as settings, pytest.raises(LegalgenError) as caught:
        send(_announce(example, example_history), THREE, settings)
    message = str(caught.value)
    assert message.startswith(f"sending through 127.0.0.1:{settings.port} failed: ")
    assert message.endswith("; 1 of 3 message(s) were sent; not confirmed for: anna@example.org, chloe@example.org")
    assert len(recorder.received) == 1  # a new connection took nothing either: sending stops


def test_a_rate_limit_at_rcpt_is_no_refusal(example: LoadedPolicy, example_history: History) -> None:
    """450 for a recipient means not now: a new connection delivers it, nothing is reported refused."""
    recorder = Recorder()
    recorder.rcpt_limit = 1
    with smtp(recorder) as settings:
        assert send(_announce(example, example_history), THREE, settings) == 3
    assert len(recorder.received) == 3 and recorder.connections == 3


def test_a_limit_per_connection_is_met_by_connecting_again(example: LoadedPolicy, example_history: History) -> None:
    recorder = Recorder(per_connection=1)
    with smtp(recorder) as settings:
        assert send(_announce(example, example_history), THREE, settings) == 3
    assert len(recorder.received) == 3 and recorder.connections == 3


def test_server_that_stops_answering_times_out(example: LoadedPolicy, example_history: History) -> None:
    recorder = Recorder(stall_after=1)
    with smtp(recorder) as settings, pytest.raises(LegalgenError) as caught:
        send(_announce(example, example_history), THREE, dataclasses.replace(settings, timeout=0.5))
    assert str(caught.value) == (f"sending through 127.0.0.1:{settings.port} failed: no answer within 0.5 s; "
                                 "1 of 3 message(s) were sent; not confirmed for: anna@example.org, chloe@example.org")


@contextmanager
def trickling_server(pause: float, most: int) -> Iterator[tuple[int, dict[str, int]]]:
    """A server whose greeting comes one byte per ``pause`` seconds, up to ``most`` bytes, so no
    single read ever times out; yields its port and how many bytes it got out before being cut off."""
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    seen = {"sent": 0}

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            try:
                for _ in range(most):
                    connection.sendall(b"2" if seen["sent"] == 0 else b"0")
                    seen["sent"] += 1
                    time.sleep(pause)
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1]), seen
    finally:
        thread.join(timeout=most * pause + 5)
        listener.close()


def test_a_server_that_answers_byte_by_byte_is_cut_off(example: LoadedPolicy, example_history: History) -> None:
    """Each read gets a byte well within the timeout; the step limit ends the conversation anyway."""
    settings = SmtpSettings("127.0.0.1", 0, starttls=False, user=None, password=None, timeout=1.0, step_limit=0.5)
    with trickling_server(pause=0.05, most=400) as (port, seen), pytest.raises(LegalgenError) as caught:
        send(_announce(example, example_history), THREE, dataclasses.replace(settings, port=port))
    assert str(caught.value) == (f"sending through 127.0.0.1:{port} failed: the greeting took longer than 0.5 s; "
                                 "0 of 3 message(s) were sent")
    assert 0 < seen["sent"] < 400  # the connection was closed while the greeting was still trickling in


def test_no_server_listening(example: LoadedPolicy, example_history: History) -> None:
    settings = SmtpSettings("127.0.0.1", _free_port(), starttls=False, user=None, password=None, timeout=1.0)
    with pytest.raises(LegalgenError, match=r"failed: .*; 0 of 3 message\(s\) were sent$"):
        send(_announce(example, example_history), THREE, settings)


def test_unchecked_recipient_is_refused_before_connecting(example: LoadedPolicy,
                                                          example_history: History) -> None:
    recorder = Recorder()
    with smtp(recorder) as settings, pytest.raises(LegalgenError, match="not a plain e-mail address"):
        send(_announce(example, example_history), {"en": ["ben@example.org\r\nBcc: evil@example.org"]}, settings)
    assert recorder.received == []


# --------------------------------------------------------------------------- the CLI


def _site_edited(tmp_path: Path, old: str, new: str) -> tuple[Path, Path]:
    project = copy_project(tmp_path)
    site = project.source / "site.yaml"
    text = site.read_text(encoding="utf-8")
    assert old in text
    site.write_text(text.replace(old, new), encoding="utf-8")
    return project.root, site


@pytest.mark.parametrize(("old", "new", "line_text", "col"), [
    ("  name: Lumenstream GmbH\n", '  name: "Lumenstream\\r\\nBcc: evil@example.org"\n',
     '  name: "Lumenstream\\r\\nBcc: evil@example.org"', 9),
    (SITE_NAME_LINE + "\n", '  name: "Lumenstream\\nLegal"\n', '  name: "Lumenstream\\nLegal"', 9),
    ("  audience: consumers\n", "  audience: consumers\n  notices:\n    unsubscribe: javascript:alert(1)\n",
     "    unsubscribe: javascript:alert(1)", 18),
])
def test_cli_reports_unsafe_header_values(tmp_path: Path, old: str, new: str, line_text: str, col: int) -> None:
    root, site = _site_edited(tmp_path, old, new)
    result = CliRunner().invoke(main, ["notices", "--root", str(root), "--as-of", "2026-11-10"])
    assert result.exit_code == 1, result.output
    assert re.search(rf"site\.yaml:{_line_of(site, line_text)}:{col}: error S003 ", result.output), result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not (root / "notices").exists()


def test_cli_reports_a_binary_recipients_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(tmp_path)
    recipients = tmp_path / "recipients.csv"
    recipients.write_bytes(b"email,locale\nanna@example.org,de\n\x00\x01\x02")
    monkeypatch.setenv("LEGALGEN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEGALGEN_SMTP_PORT", str(_free_port()))
    monkeypatch.setenv("LEGALGEN_SMTP_STARTTLS", "no")
    result = CliRunner().invoke(main, ["notices", "--root", str(project.root), "--as-of", "2026-11-10",
                                       "--send", "--recipients", str(recipients)])
    assert result.exit_code == 1
    assert "recipients.csv:3:1: error S001 the recipients file contains a NUL byte" in result.output
    assert "Traceback" not in result.output
    assert not (project.root / "notices").exists()  # nothing is written before sending can start


def test_cli_reports_smtp_port_out_of_range(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(tmp_path)
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("email,locale\nanna@example.org,de\n", encoding="utf-8")
    monkeypatch.setenv("LEGALGEN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEGALGEN_SMTP_PORT", "70000")
    result = CliRunner().invoke(main, ["notices", "--root", str(project.root), "--as-of", "2026-11-10",
                                       "--send", "--recipients", str(recipients)])
    assert result.exit_code == 1
    assert "error: LEGALGEN_SMTP_PORT must be a port number from 1 to 65535, not '70000'" in result.output
    assert not (project.root / "notices").exists()



def test_a_site_name_per_language_is_checked_in_each_language(located: tuple[LoadedPolicy, History, Path]) -> None:
    """All header problems come at once: the German site name is found before any message is composed."""
    loaded, history, source = located
    name = m.Title.model_construct({"en": "Lumenstream Legal", "de": "Lumenstream\nRechtliches",
                                    "fr": "Lumenstream – Informations juridiques"})
    with pytest.raises(SourceError) as caught:
        _announce(_with(loaded, site={"name": name}), history)
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.code == "S003" and "site.name" in diagnostic.message
    assert diagnostic.location.line == _line_of(source / "site.yaml", SITE_NAME_LINE)
