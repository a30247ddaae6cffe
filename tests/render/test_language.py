"""A language lint over every German and French text legalgen writes for the example and the samples.

It reads what a visitor or subscriber reads: the pages rendered from the current source
(released versions keep the text they were released with), the notice e-mails and the
Atom feeds. Each rule is a class of defect a native legal writer would not let through.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from functools import cache
from pathlib import Path, PurePosixPath

import pytest

from legalgen.notices.announcements import due_messages
from legalgen.notices.mail import compose_all, message_files
from legalgen.render.pages import feeds, render_pages
from legalgen.render.renderer import LocaleRenderer
from legalgen.render.typography import french
from legalgen.source.load import load_policy
from legalgen.versions.history import load_history
from legalgen.versions.snapshot import take_snapshot

REPO = Path(__file__).resolve().parents[2]
SOURCES = ["policy", *sorted(f"examples/{path.name}" for path in (REPO / "examples").iterdir() if path.is_dir())]
#: Days on which the example announces, reminds of and applies a change.
MAIL_DAYS = [dt.date(2026, 11, 10), dt.date(2026, 12, 8), dt.date(2026, 12, 15)]

MONTHS = {
    "de": "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember",
    "fr": "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre",
}
UNITS = {
    "de": "Jahr|Monat|Woche|Tag|Stunde|Arbeitstag|Werktag",
    "fr": "an|année|mois|semaine|jour|heure",
}
#: English that never belongs in a German or French text (theme strings included).
ENGLISH = re.compile(r"\b(the|and|with|within|your|our|from|please|Permanent link|Made with|Not found|"
                     r"Refund|Privacy policy|Table of contents)\b")


def _feed_text(path: PurePosixPath, data: bytes) -> str:
    """The text of a feed; of a JSON Feed, its titles and texts, one per line."""
    if path.suffix != ".json":
        return data.decode("utf-8")
    feed = json.loads(data)
    return "\n".join([feed["title"], *(f"{item['title']}\n{item['content_text']}" for item in feed["items"])])


def _texts_of(source: str) -> list[tuple[str, str, str]]:
    """(where, locale, text) of every DE/FR page, e-mail and feed of one source."""
    loaded = load_policy(REPO / source)
    history = load_history(loaded)
    found = [(f"{source}: {page.locale}/{page.path}", page.locale, page.text)
             for page in render_pages(loaded, locales=[loc for loc in loaded.policy.site.locales if loc != "en"])]
    snapshot = take_snapshot(loaded, history, dt.date(2026, 12, 15))
    for code in loaded.policy.site.locales:
        if code != "en":
            for path, data in feeds(snapshot, LocaleRenderer(loaded, code)).items():
                found.append((f"{source}: {path}", path.parts[0], _feed_text(path, data)))
    for day in MAIL_DAYS:
        for path, data in message_files(compose_all(loaded, due_messages(loaded, history, day), day)).items():
            locale = path.stem.rsplit("-", 1)[-1]
            if locale == "en":
                continue
            message = message_from_bytes(data, policy=default)
            assert isinstance(message, EmailMessage)
            body = message.get_body(("plain",))
            assert body is not None
            found.append((f"{source}: {path.name}", locale, f"{message['Subject']}\n{body.get_content()}"))
    return found


@cache
def _all_texts() -> tuple[tuple[str, str, str], ...]:
    return tuple(text for source in SOURCES for text in _texts_of(source))


def _lines(text: str) -> list[str]:
    """The lines of a text without its front matter."""
    if text.startswith("---\n"):
        text = text[text.index("\n---\n", 4) + 5:]
    return text.splitlines()


def _defects(locale: str, text: str) -> list[str]:
    found = []
    if locale == "fr" and french(text) != text:
        typeset = french(text).splitlines()
        found += [f"French spacing: {line!r}" for line, fixed in zip(text.splitlines(), typeset, strict=True)
                  if line != fixed]
    if locale == "de" and re.search(r"Guten Tag,\s*\n\s*[A-ZÄÖÜ]", text):
        found.append("a capital letter after the salutation 'Guten Tag,'")
    for line in _lines(text):
        line = line.replace("\u00a0", " ").replace("\u202f", " ")  # the rules read no-break spaces as spaces
        if re.search(rf"(?<![\d.])1\.? ({MONTHS[locale]})\b", line) and locale == "fr":
            found.append(f"'1 <month>' instead of '1er': {line!r}")
        if re.search(rf"(?<![\d.,])1 ({UNITS[locale]})\b", line):
            found.append(f"the digit 1 before a unit: {line!r}")
        if locale == "de" and re.search(r"\b(binnen|innerhalb von|nach|vor|mit) \d+ (Tage|Monate|Jahre|Wochen|"
                                        r"Arbeitstage|Werktage)\b", line):
            found.append(f"nominative after a preposition that takes the dative: {line!r}")
        english = ENGLISH.findall(re.sub(r"„[^“]*“|«[^»]*»", "", line))  # a quoted value is cited, not written
        if english:
            found.append(f"English {english}: {line!r}")
        if re.search(r"\S {2,}\S", line):
            found.append(f"doubled space: {line!r}")
        if re.search(r"\(\s*\)", line):
            found.append(f"empty parentheses: {line!r}")
        if re.search(r"[,;:]\s*[,;.]", line.replace("...", "")):
            found.append(f"empty list slot: {line!r}")
    return found


@pytest.mark.parametrize("source", SOURCES)
def test_german_and_french_texts_pass_the_language_lint(source: str) -> None:
    problems = [f"{where}: {defect}" for where, locale, text in _all_texts() if where.startswith(f"{source}:")
                for defect in _defects(locale, text)]
    assert problems == []


def test_the_lint_finds_what_it_looks_for() -> None:
    """Each rule fires on a sentence with its defect."""
    assert _defects("fr", "Durée : un an") and _defects("fr", "le 1 mars 2026") and _defects("fr", "dans 1 mois")
    assert _defects("de", "binnen 14 Tage") and _defects("de", "Wir antworten within one month")
    assert _defects("de", "Kontakt  E-Mail") and _defects("de", "Name ()") and _defects("de", "(Firma, , E-Mail)")
    assert _defects("de", "Guten Tag,\n\nWir haben")
    assert not _defects("fr", "Durée\u00a0: un an, le 1er mars 2026, dans un délai d’un mois.")
    assert not _defects("de", "binnen vierzehn Tagen, innerhalb von 14 Tagen, am 1. März 2026.")
