"""Delivering the change notices through SMTP, configured by environment variables:

=========================  ==============================================
LEGALGEN_SMTP_HOST         server name (required for --send)
LEGALGEN_SMTP_PORT         port 1-65535 (default 587 with STARTTLS, else 25)
LEGALGEN_SMTP_STARTTLS     1/true/yes or 0/false/no (default: yes)
LEGALGEN_SMTP_USER         login name, if the server needs one
LEGALGEN_SMTP_PASSWORD     password for LEGALGEN_SMTP_USER
=========================  ==============================================

Each read and each step of the conversation is bounded, so a server that stalls cannot keep
a run going; a failure names how many messages were sent.
"""

from __future__ import annotations

import copy
import re
import smtplib
import socket
import ssl
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.headerregistry import Address

from legalgen.diagnostics import LegalgenError
from legalgen.notices.mail import BLANKS, CONTROL, Composed, address_problem, header_addresses

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Refused(LegalgenError):
    """The server refused some recipients and took the others' messages: ``sent`` of them."""

    def __init__(self, message: str, sent: int) -> None:
        super().__init__(message)
        self.sent = sent


class PartlySent(Refused):
    """Sending stopped after ``sent`` messages went out (a broken connection, a cancelled run);
    the message names the addresses without confirmation. Nothing more should be sent."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to deliver mail.

    ``timeout`` bounds each network operation (connecting, one read); ``step_limit`` bounds
    each step of the conversation as a whole (the greeting, STARTTLS, the login, one
    message, the goodbye), so a server that answers one byte at a time cannot keep a run
    going. Both are in seconds.
    """

    host: str
    port: int
    starttls: bool
    user: str | None
    password: str | None
    timeout: float = 30.0
    step_limit: float = 120.0

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> SmtpSettings:
        """Read the LEGALGEN_SMTP_* variables; raise a clear error when they are unusable."""
        host = environ.get("LEGALGEN_SMTP_HOST", "").strip()
        if not host:
            raise LegalgenError("LEGALGEN_SMTP_HOST is not set; it names the SMTP server for --send")
        if CONTROL.search(host) or any(char.isspace() for char in host):
            raise LegalgenError(f"LEGALGEN_SMTP_HOST must be a host name or address, not {host!r}")
        # An empty variable counts as unset: CI systems pass unset secrets as empty strings.
        flag = (environ.get("LEGALGEN_SMTP_STARTTLS") or "yes").strip().lower()
        if flag not in _TRUE | _FALSE:
            raise LegalgenError(f"LEGALGEN_SMTP_STARTTLS must be yes or no, not {flag!r}")
        starttls = flag in _TRUE
        port_text = (environ.get("LEGALGEN_SMTP_PORT") or ("587" if starttls else "25")).strip()
        if not re.fullmatch(r"[0-9]{1,5}", port_text) or not 1 <= int(port_text) <= 65535:
            raise LegalgenError(f"LEGALGEN_SMTP_PORT must be a port number from 1 to 65535, not {port_text!r}")
        user, password = environ.get("LEGALGEN_SMTP_USER") or None, environ.get("LEGALGEN_SMTP_PASSWORD") or None
        for variable, value in (("LEGALGEN_SMTP_USER", user), ("LEGALGEN_SMTP_PASSWORD", password)):
            if value is not None and (not value.isascii() or CONTROL.search(value)):
                raise LegalgenError(f"{variable} must be printable ASCII (SMTP sends it that way)")
        return cls(host, int(port_text), starttls, user, password)


def _server_text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return BLANKS.sub(" ", CONTROL.sub(" ", text)).strip()


def _envelope_sender(composed: Composed) -> str:
    if composed.sender:
        return composed.sender
    addresses = header_addresses(composed.message, "From")
    return addresses[0].addr_spec if addresses else ""


class _Client(smtplib.SMTP):
    """An SMTP client that connects later, within a watched step, and still verifies the
    server's certificate against ``host`` (``smtplib`` takes that name from the constructor)."""

    def __init__(self, host: str, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._host = host


class _Watchdog:
    """Cuts the connection when a step of the SMTP conversation runs past its limit.

    A socket timeout bounds each read, but a server that sends one byte at a time never
    lets a read time out; the watchdog bounds the step as a whole and records what ran late.
    """

    def __init__(self, server: smtplib.SMTP, limit: float) -> None:
        self.server, self.limit = server, limit
        self.late: str | None = None

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        timer = threading.Timer(self.limit, self._cut, args=(what,))
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def _cut(self, what: str) -> None:
        self.late = what
        sock = self.server.sock  # set before the first read: connecting alone is bounded by the timeout
        if sock is not None:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _failure_text(error: BaseException, watchdog: _Watchdog, settings: SmtpSettings) -> str:
    """What went wrong, in words: the step that ran late, the timeout, or the server's answer."""
    if watchdog.late is not None:
        return f"{watchdog.late} took longer than {settings.step_limit:g} s"
    if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
        return f"no answer within {settings.timeout:g} s"  # smtplib reports a read timeout as a disconnect
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"the server closed the connection ({_server_text(str(error))})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"the server answered {error.smtp_code} {_server_text(error.smtp_error)}"
    return _server_text(str(error)) or type(error).__name__


def _close(server: smtplib.SMTP, watchdog: _Watchdog) -> None:
    """Say goodbye if the connection is still usable, within the step limit; then close it."""
    if server.sock is not None and watchdog.late is None:
        with suppress(OSError, smtplib.SMTPException), watchdog.step("the goodbye"):
            server.quit()
    server.close()


def send(messages: list[Composed], recipients: Mapping[str, list[str]], settings: SmtpSettings) -> int:
    """Deliver each message to the recipients of its locale, one envelope each; return the count.

    An address is sent each message once however often it is listed. Recipients the
    server refuses are skipped and reported at the end (:class:`Refused`). A server that
    closes the connection, or answers 4xx, after taking some messages (a limit per
    connection), or answers 4xx for a recipient (greylisting, a rate limit), is connected to
    again for the rest, for as long as each connection takes one; a refused login, a timeout,
    a cancelled run or a connection that takes nothing stops sending. Each
    raises :class:`LegalgenError` saying how many messages went out (:class:`PartlySent`
    when some did, naming the addresses the message did not reach).
    """
    plan = [(composed, address) for composed in messages
            for address in dict.fromkeys(recipients.get(composed.locale, []))]
    for _, address in plan:
        reason = address_problem(address)
        if reason:
            raise LegalgenError(f"not sending: recipient {address!r} is not a plain e-mail address: {reason}")
    total, done = len(plan), 0
    server_name = f"{settings.host}:{settings.port}"
    refused: list[str] = []
    while done < total:
        before = done
        try:
            done = _connection(plan, done, settings, refused)
        except _Stopped as stopped:
            done = stopped.done
            if stopped.again and done > before:
                continue  # the server closed after taking some: the rest on a new connection
            unreached = sorted({address for _, address in plan[done:]})
            text = f"sending through {server_name} failed: {stopped.reason}; {done - len(refused)} of {total} " \
                   "message(s) were sent"
            if refused:
                text += f"; the server refused {len(refused)} recipient(s): {', '.join(refused)}"
            if done - len(refused) > 0:
                raise PartlySent(f"{text}; not confirmed for: {', '.join(unreached)}", done - len(refused)) from None
            raise LegalgenError(text) from None
    sent = total - len(refused)
    if refused:
        raise Refused(f"sent {sent} of {total} message(s) through {server_name}; the server refused "
                      f"{len(refused)} recipient(s): {', '.join(refused)}", sent)
    return sent


class _Stopped(Exception):
    """A connection ended early: after ``done`` of the plan's messages; ``again``: worth a new connection."""

    def __init__(self, reason: str, done: int, again: bool) -> None:
        super().__init__(reason)
        self.reason, self.done, self.again = reason, done, again


def _connection(plan: list[tuple[Composed, str]], done: int, settings: SmtpSettings, refused: list[str]) -> int:
    """Send ``plan[done:]`` over one connection; return how far it got (all of it), or raise
    :class:`_Stopped` with how far it got and why it stopped."""
    server = _Client(settings.host, settings.timeout)
    watchdog = _Watchdog(server, settings.step_limit)
    sending = False
    try:
        with watchdog.step("the greeting"):
            server.connect(settings.host, settings.port)
        if settings.starttls:  # the server's certificate and name are verified before the password goes out
            with watchdog.step("STARTTLS"):
                server.starttls(context=ssl.create_default_context())
        if settings.user:
            with watchdog.step("the login"):
                server.login(settings.user, settings.password or "")
        sending = True
        for composed, address in plan[done:]:
            message = copy.deepcopy(composed.message)
            message["To"] = Address(addr_spec=address)
            try:
                with watchdog.step("a message"):
                    server.send_message(message, from_addr=_envelope_sender(composed), to_addrs=[address])
            except smtplib.SMTPRecipientsRefused as error:
                code, text = error.recipients.get(address, (0, b""))
                if 400 <= code < 500:  # not now (greylisting, a rate limit): not refused, not sent
                    raise _Stopped(f"the server answered {code} {_server_text(text)} for {address}", done,
                                   again=True) from None
                refused.append(f"{address} ({code} {_server_text(text)})")
            done += 1
    except KeyboardInterrupt:  # the run is cancelled (SIGINT; SIGTERM where the caller turns it into one)
        raise _Stopped("the run was cancelled", done, again=False) from None
    except (OSError, smtplib.SMTPException, UnicodeError) as error:
        closed = isinstance(error, smtplib.SMTPServerDisconnected) and not isinstance(error.__context__, TimeoutError)
        busy = isinstance(error, smtplib.SMTPResponseException) and 400 <= error.smtp_code < 500
        again = sending and watchdog.late is None and (closed or busy)
        raise _Stopped(_failure_text(error, watchdog, settings), done, again) from error
    finally:
        _close(server, watchdog)
    return done
