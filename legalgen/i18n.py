"""Catalogs, dates and periods in the reader's language.

- Catalogs are the ``.po`` files under ``locales/``; they are compiled in memory when
  loaded, so a checkout needs no separate compile step.
- A translation that is missing, empty or fuzzy is an error
  (:class:`~legalgen.diagnostics.TranslationError`), never an English fallback.
- Dates use Babel's CLDR ``long`` format; periods are exact and plural-aware through
  gettext (``P7Y`` is "7 years" / "7 Jahre" / "7 ans"), never ``format_timedelta``.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import gettext
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from legalgen.diagnostics import TranslationError
from legalgen.labels import LABELS
from legalgen.periods import Period

SOURCE_LOCALE = "en"
DOMAIN = "messages"
Case = Literal["nominative", "dative"]


def catalog_dir() -> Path:
    """The ``locales`` directory: inside the installed package, or at the repository root."""
    packaged = Path(__file__).parent / "locales"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "locales"


class StrictTranslations(Translations):
    """Translations that raise instead of falling back to the English message."""

    locale_name = "?"

    def _lookup(self, key: Any, shown: str) -> str:
        try:
            return str(self._catalog[key])
        except KeyError:
            raise TranslationError(f"no {self.locale_name} translation for {shown!r}") from None

    def gettext(self, message: str) -> str:
        return self._lookup(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._lookup((singular, self.plural(n)), singular)

    def pgettext(self, context: str, message: str) -> str:
        return self._lookup(f"{context}\x04{message}", message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._lookup((f"{context}\x04{singular}", self.plural(n)), singular)

    # Jinja's i18n extension prefers the Python 2 names, which babel keeps as the lenient
    # GNUTranslations methods: point them at the strict ones.
    ugettext = gettext
    ungettext = ngettext  # type: ignore[assignment]
    upgettext = pgettext
    unpgettext = npgettext  # type: ignore[assignment]


def catalog_problems(po_path: Path) -> list[str]:
    """Empty or fuzzy entries of a ``.po`` file, as readable lines (empty list when complete)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"{po_path}:{message.lineno}: fuzzy entry {message.id!r}")
        elif not all(strings):
            problems.append(f"{po_path}:{message.lineno}: untranslated entry {message.id!r}")
    return problems


@functools.cache
def load_translations(locale: str) -> gettext.NullTranslations:
    """The translations for ``locale``; English is the source language and needs none."""
    if locale == SOURCE_LOCALE:
        return gettext.NullTranslations()
    po_path = catalog_dir() / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.is_file():
        raise TranslationError(f"no catalog for locale {locale!r} at {po_path}")
    problems = catalog_problems(po_path)
    if problems:
        raise TranslationError("incomplete catalog:\n" + "\n".join(problems))
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    translations = StrictTranslations(buffer, domain=DOMAIN)
    translations.locale_name = locale
    return translations


def _unit(t: gettext.NullTranslations, unit: str, n: int, case: Case) -> str:
    """One unit of a period, e.g. "7 years"; German needs the dative after some prepositions."""
    if case == "dative":
        forms = {
            "years": lambda: t.npgettext("dative", "%(num)d year", "%(num)d years", n),
            "months": lambda: t.npgettext("dative", "%(num)d month", "%(num)d months", n),
            "weeks": lambda: t.npgettext("dative", "%(num)d week", "%(num)d weeks", n),
            "days": lambda: t.npgettext("dative", "%(num)d day", "%(num)d days", n),
            "hours": lambda: t.npgettext("dative", "%(num)d hour", "%(num)d hours", n),
        }
    else:
        forms = {
            "years": lambda: t.ngettext("%(num)d year", "%(num)d years", n),
            "months": lambda: t.ngettext("%(num)d month", "%(num)d months", n),
            "weeks": lambda: t.ngettext("%(num)d week", "%(num)d weeks", n),
            "days": lambda: t.ngettext("%(num)d day", "%(num)d days", n),
            "hours": lambda: t.ngettext("%(num)d hour", "%(num)d hours", n),
        }
    return forms[unit]() % {"num": n}


def _business_days(t: gettext.NullTranslations, n: int, case: Case) -> str:
    if case == "dative":
        text = t.npgettext("dative", "%(num)d business day", "%(num)d business days", n)
    else:
        text = t.ngettext("%(num)d business day", "%(num)d business days", n)
    return text % {"num": n}


@dataclass(frozen=True)
class Formatter:
    """Everything locale-dependent a template needs: gettext, dates, periods, labels."""

    locale: str
    date_locale: str
    translations: gettext.NullTranslations

    @classmethod
    def for_locale(cls, locale: str, date_locale: str | None = None) -> Formatter:
        """A formatter for ``locale``; dates may use a regional variant such as ``en_GB``."""
        return cls(locale, date_locale or locale, load_translations(locale))

    def gettext(self, message: str) -> str:
        """Translate a message."""
        return self.translations.gettext(message)

    def date(self, value: dt.date) -> str:
        """A date in CLDR long form: "16 February 2024", "16. Februar 2024", "16 février 2024"."""
        return format_date(value, "long", locale=self.date_locale)

    def period(self, value: Period, case: Case = "nominative", *, business_days: bool = False) -> str:
        """An exact period: "1 year and 6 months", "48 Stunden", "14 jours"."""
        if business_days:
            if value.parts() != [("days", value.days)]:
                raise ValueError(f"business days are counted in days only, not {value}")
            return _business_days(self.translations, value.days, case)
        parts = [_unit(self.translations, unit, n, case) for unit, n in value.parts()]
        if not parts:
            parts = [_unit(self.translations, "days", 0, case)]
        return format_list(parts, locale=self.locale)

    def label(self, value: enum.Enum, form: str = "label") -> str:
        """The localized label of an enum value (``form`` picks e.g. its description)."""
        try:
            message = LABELS[(type(value).__name__, str(value.value), form)]
        except KeyError:
            raise TranslationError(f"no {form} for {type(value).__name__}.{value.name}") from None
        return self.gettext(message)

    def country(self, code: str) -> str:
        """A country's name in this locale, from CLDR."""
        return str(Locale.parse(self.locale).territories.get(code, code))

    def join(self, items: list[str]) -> str:
        """A list in running text: "a, b and c" / "a, b und c" / "a, b et c"."""
        return format_list(items, locale=self.locale) if items else ""
