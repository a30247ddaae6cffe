"""Change notices: which are open on a date, which messages are due, and the feeds.

A notice is open while a released version is published but not yet in effect
(``published <= as_of < effective``). Material ones get the site banner; all of them are
listed in ``notices.json`` and the Atom feeds. E-mail goes out for material versions on
three days: when published (announcement), ``site.notices.reminder`` before the effective
date (reminder), and on the effective date (now in effect). A version that reaches the site
by a push on or after its publication date is announced by that push (:func:`pushed_messages`).
With a ledger of what was sent (:mod:`legalgen.notices.ledger`), every run sends what is due
and not yet recorded instead (:func:`unrecorded_messages`), so a failed run is caught up by the
next and no run sends a message twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import importlib.util
import json
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from legalgen.render.i18n import Formatter
from legalgen.render.typography import typeset
from legalgen.source.load import LoadedPolicy
from legalgen.source.periods import Period
from legalgen.versions.history import History, Release
from legalgen.versions.snapshot import Notice, Snapshot, take_snapshot


class NoticeKind(enum.StrEnum):
    """Why a message is due."""

    ANNOUNCEMENT = "announcement"
    REMINDER = "reminder"
    IN_EFFECT = "in_effect"


@dataclass(frozen=True)
class DueMessage:
    """A message due on a date: which notice and why."""

    notice: Notice
    reason: NoticeKind


def _order(message: DueMessage) -> tuple[str, int, str]:
    return message.notice.kind, message.notice.version.number, message.reason.value


def due_messages(loaded: LoadedPolicy, history: History, as_of: dt.date) -> list[DueMessage]:
    """The messages to send on ``as_of`` (material versions only)."""
    reminder = loaded.policy.site.notices.reminder
    due = []
    for state in take_snapshot(loaded, history, as_of).documents:
        for version in state.selection.published if state.selection else ():
            if not version.material:
                continue
            release = version.release
            notice = Notice(state.key, state.slug, version)
            if release.published == as_of:
                due.append(DueMessage(notice, NoticeKind.ANNOUNCEMENT))
            elif _reminder_day(release.effective, reminder) == as_of and release.published < as_of:
                due.append(DueMessage(notice, NoticeKind.REMINDER))
            if release.effective == as_of:
                due.append(DueMessage(notice, NoticeKind.IN_EFFECT))
    return sorted(due, key=_order)


def pushed_messages(loaded: LoadedPolicy, history: History, as_of: dt.date,
                    known: set[tuple[str, int]] | None) -> tuple[list[DueMessage], list[str]]:
    """The announcements of the material versions a push brings (those not in ``known``, the
    versions before it; ``None`` for a push that creates the branch) that are published by
    ``as_of`` and not yet in effect, and what is wrong with their notice: a publication date
    before the push shortens it; a version in effect before it was on the site had none. A
    version whose publication date is still ahead is announced on that day by the daily run."""
    due, late = [], []
    for state in take_snapshot(loaded, history, as_of).documents:
        for version in state.selection.published if state.selection else ():
            if not version.material or (known is not None and (state.key, version.number) in known):
                continue
            release, name = version.release, f"{state.key} version {version.number}"
            if as_of < release.effective:
                due.append(DueMessage(Notice(state.key, state.slug, version), NoticeKind.ANNOUNCEMENT))
            if known is None:
                continue
            if release.effective <= as_of:
                late.append(f"{name} reaches the site on {as_of}, when it has been in effect since "
                            f"{release.effective}: nobody was given notice of it")
            elif release.published < as_of:
                late.append(f"{name} reaches the site on {as_of}, after its recorded publication date "
                            f"{release.published}: {_shorter_notice(release, as_of)}")
    return sorted(due, key=_order), late


def _shorter_notice(release: Release, day: dt.date) -> str:
    """How long the notice of ``release`` runs when it is announced on ``day``, after its publication date."""
    return (f"its notice runs {(release.effective - day).days} day(s), not the "
            f"{(release.effective - release.published).days} the release records")


#: A message the ledger records: document, version number, the start of the release's hash, reason.
Record = tuple[str, int, str, NoticeKind]


def record(notice: Notice, reason: NoticeKind) -> Record:
    """The ledger's key of a message: bound to the text released (a version of the same number
    with another text, say on another branch, is another message)."""
    return notice.kind, notice.version.number, notice.version.release.sha256[:16], reason


@dataclass(frozen=True)
class Unrecorded:
    """What a run with a ledger does: send ``due`` and record each; record ``covered`` without
    sending it (a reminder whose day came before its version's announcement went out: the
    announcement says all it would); ``warnings`` name the notices that run shorter than
    recorded and the versions in effect that nobody was told of; ``assumed`` are the messages
    still of use that count as sent because their day came before the ledger's first day, each
    with that day."""

    due: list[DueMessage]
    covered: list[DueMessage]
    warnings: list[str]
    assumed: list[tuple[DueMessage, dt.date]] = field(default_factory=list)


def unrecorded_messages(loaded: LoadedPolicy, history: History, as_of: dt.date, recorded: Container[Record],
                        start: dt.date) -> Unrecorded:
    """The messages due by ``as_of`` that the ledger has not recorded (material versions only).

    A message is due from its day until it has no use left: the announcement from the
    publication date until the effective date, the reminder from its day until the effective
    date (a reminder due on or before the publication date has none), the in-effect notice from
    the effective date until a later material version takes effect. A message whose day is
    before ``start``, the ledger's first day, was the business of whatever sent notices before
    it and counts as sent. An announcement sent after its publication date gets a warning (its
    notice runs shorter than recorded), and so does an in-effect notice of a version nobody was
    told of.
    """
    reminder = loaded.policy.site.notices.reminder
    due: list[DueMessage] = []
    covered: list[DueMessage] = []
    warnings: list[str] = []
    assumed: list[tuple[DueMessage, dt.date]] = []

    def sent(notice: Notice, reason: NoticeKind, day: dt.date | None) -> bool:
        return day is None or day < start or record(notice, reason) in recorded

    def assume(notice: Notice, reason: NoticeKind, day: dt.date | None) -> None:
        """Note a message of use that counts as sent only because of the ledger's first day."""
        if day is not None and day < start and record(notice, reason) not in recorded:
            assumed.append((DueMessage(notice, reason), day))

    for state in take_snapshot(loaded, history, as_of).documents:
        published = [version for version in (state.selection.published if state.selection else ())
                     if version.material]
        in_effect = [version for version in published if version.release.effective <= as_of]
        for version in published:
            release, name = version.release, f"{state.key} version {version.number}"
            notice = Notice(state.key, state.slug, version)
            remind = _reminder_day(release.effective, reminder)
            announced = sent(notice, NoticeKind.ANNOUNCEMENT, release.published)
            if as_of < release.effective:
                assume(notice, NoticeKind.ANNOUNCEMENT, release.published)
                if not announced:
                    due.append(DueMessage(notice, NoticeKind.ANNOUNCEMENT))
                    if release.published < as_of:
                        warnings.append(f"{name} is announced on {as_of}, after its recorded publication date "
                                        f"{release.published}: {_shorter_notice(release, as_of)}")
                if remind is not None and release.published < remind <= as_of:
                    assume(notice, NoticeKind.REMINDER, remind)
                    if not sent(notice, NoticeKind.REMINDER, remind):
                        (due if announced else covered).append(DueMessage(notice, NoticeKind.REMINDER))
            elif version is in_effect[-1]:
                assume(notice, NoticeKind.IN_EFFECT, release.effective)
                if not sent(notice, NoticeKind.IN_EFFECT, release.effective):
                    due.append(DueMessage(notice, NoticeKind.IN_EFFECT))
                    if not announced:
                        warnings.append(f"{name} has been in effect since {release.effective} and was never "
                                        "announced: nobody was given notice of it before it took effect")
    return Unrecorded(sorted(due, key=_order), sorted(covered, key=_order), warnings,
                      sorted(assumed, key=lambda item: (_order(item[0]), item[1])))


def _reminder_day(effective: dt.date, reminder: Period) -> dt.date | None:
    """The day the reminder is due: ``reminder`` before the effective date (None before year 1)."""
    try:
        return reminder.add_to(effective, -1)
    except OverflowError:
        return None


def page_url(loaded: LoadedPolicy, locale: str, path: str) -> str:
    """The absolute URL of a page of the site, e.g. ``https://legal.example/de/privacy/``."""
    return f"{loaded.policy.site.base_url}{locale}/{path}"


def version_path(slug: str, number: int) -> str:
    """The path of a version's permalink page within a locale, ``privacy/v2/`` (a directory URL,
    like every URL of the site); its redline, JSON-LD and PDF lie in that folder."""
    return f"{slug}/v{number}/"


def notices_json(snapshot: Snapshot) -> str:
    """``notices.json``: the open notices for apps, with summaries and URLs in every locale."""
    loaded, as_of = snapshot.loaded, snapshot.as_of
    assert as_of is not None  # no date, no released document, no notice
    locales = loaded.policy.site.locales
    entries = []
    for notice in snapshot.notices:
        release = notice.version.release
        entries.append({
            "document": notice.kind,
            "version": release.version,
            "published": release.published.isoformat(),
            "effective": release.effective.isoformat(),
            "material": notice.material,
            "summary": {locale: release.summary.get(locale) for locale in locales},
            "urls": {
                "upcoming": {locale: page_url(loaded, locale, f"{notice.slug}/upcoming/") for locale in locales},
                "version": {locale: page_url(loaded, locale, version_path(notice.slug, release.version))
                            for locale in locales},
                "current": {locale: page_url(loaded, locale, f"{notice.slug}/") for locale in locales},
            },
        })
    data = {"as_of": as_of.isoformat(), "site": loaded.policy.site.base_url, "notices": entries}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


@dataclass(frozen=True)
class FeedEntry:
    """One published version as a feed entry, in one locale."""

    url: str
    title: str
    text: str
    published: dt.datetime


@dataclass(frozen=True)
class FeedContent:
    """What the feeds of one locale say, whatever their format; entries oldest first."""

    locale: str
    title: str
    home: str
    author: str
    email: str | None
    updated: dt.datetime
    entries: list[FeedEntry]


def feed_content(snapshot: Snapshot, formatter: Formatter, titles: dict[tuple[str, int], str], feed_title: str,
                 entry_title: str, entry_text: str) -> FeedContent:
    """The feed of one locale: an entry per published version of every document.

    ``titles`` are the localized titles by (document kind, version number); ``entry_title`` and ``entry_text`` are
    localized %-templates (keys: title, number; summary, published, effective).
    """
    loaded = snapshot.loaded
    policy = loaded.policy
    locale = formatter.locale
    zone = ZoneInfo(policy.site.timezone)
    versions = snapshot.published()
    assert snapshot.as_of is not None  # a build always has its date
    newest = versions[-1].release.published if versions else snapshot.as_of
    entries = []
    for version in versions:
        release = version.release
        slug = snapshot.state(version.kind).slug
        entries.append(FeedEntry(
            url=page_url(loaded, locale, version_path(slug, release.version)),
            title=typeset(entry_title % {"title": titles[version.kind, version.number], "number": release.version},
                          locale),
            text=typeset(entry_text % {
                "summary": release.summary.get(locale),
                "published": formatter.date(release.published),
                "effective": formatter.date(release.effective),
            }, locale),
            published=dt.datetime.combine(release.published, dt.time(), zone),
        ))
    return FeedContent(locale, typeset(feed_title, locale), page_url(loaded, locale, ""), policy.company.name,
                       policy.company.email, dt.datetime.combine(newest, dt.time(), zone), entries)


def atom_feed(content: FeedContent) -> bytes:
    """The Atom feed of one locale (``<locale>/feed.xml``); kept in the cache (``feeds/``)
    under its content (its times with their offsets), this code and the versions of feedgen
    and lxml, so that an unchanged feed is written without importing them (about 30 ms)."""
    from legalgen import cache

    times = " ".join(moment.isoformat() for moment in [content.updated, *(item.published for item in content.entries)])
    key = cache.key(__file__, repr(content), times, _package_file("feedgen", "version.py"),
                    _package_file("lxml", "__init__.py"))
    return cache.value("feeds", key, lambda: _atom_feed(content), bytes)


@functools.cache
def _package_file(package: str, name: str) -> bytes:
    """A file of an installed package (where it states its version), read without importing
    the package; empty when it is not installed (and making a feed then fails on the import)."""
    spec = importlib.util.find_spec(package)
    folder = spec.submodule_search_locations if spec is not None else None
    if folder:
        with contextlib.suppress(OSError):
            return (Path(next(iter(folder))) / name).read_bytes()
    return b""


def _atom_feed(content: FeedContent) -> bytes:
    from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

    base = content.home
    feed = FeedGenerator()
    feed.id(f"{base}feed.xml")
    feed.title(content.title)
    feed.author({"name": content.author, **({"email": content.email} if content.email else {})})
    feed.link(href=f"{base}feed.xml", rel="self")
    feed.link(href=base, rel="alternate")
    feed.language(content.locale)
    feed.generator("legalgen")
    feed.updated(content.updated)
    for item in content.entries:
        entry = feed.add_entry(order="prepend")
        entry.id(item.url)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate")
        entry.published(item.published)
        entry.updated(item.published)
        entry.summary(item.text)
    return bytes(feed.atom_str(pretty=True))
