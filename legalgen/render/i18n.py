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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import babel
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_currency
from babel.support import Translations

from legalgen import cache, catalog_dir
from legalgen.diagnostics import TranslationError
from legalgen.render.labels import CONTEXTS, LABELS
from legalgen.source.periods import Period

SOURCE_LOCALE = "en"
DOMAIN = "messages"
#: The grammatical form a period takes in a sentence (see :meth:`Formatter.period`).
Form = Literal["nominative", "accusative", "dative", "within"]


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
    from babel.messages.pofile import read_po

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
    """The translations for ``locale``; English is the source language and needs none.

    A catalog with an empty or fuzzy entry is refused (:class:`TranslationError`). A complete
    one is compiled once and kept in the legalgen cache (``catalogs/``) under a hash of its
    ``.po`` file, so later runs do not parse it again.
    """
    if locale == SOURCE_LOCALE:
        return gettext.NullTranslations()
    po_path = catalog_dir() / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.is_file():
        raise TranslationError(f"no catalog for locale {locale!r} at {po_path}")
    try:
        po = po_path.read_bytes()
    except OSError as error:
        raise TranslationError(f"cannot read the catalog {po_path}: {error.strerror}") from None
    # this module decides what a complete catalog is; Babel compiles it
    key = cache.key(__file__, locale, babel.__version__, po)
    translations = StrictTranslations(io.BytesIO(cache.value("catalogs", key, lambda: _compiled(po_path, locale), bytes)),
                                      domain=DOMAIN)
    translations.locale_name = locale
    return translations


def _compiled(po_path: Path, locale: str) -> bytes:
    """The ``.mo`` form of a complete catalog; :class:`TranslationError` when it is not complete."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    problems = catalog_problems(po_path)
    if problems:
        raise TranslationError("incomplete catalog:\n" + "\n".join(problems))
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _messages(t: gettext.NullTranslations, form: Form) -> dict[str, Callable[[int], str]]:
    """The plural messages of every unit in one grammatical form.

    Written out call by call so that message extraction finds them. The singular is the
    number word ("one month"); German declines it by case ("ein, einen, einem Monat"),
    and the ``within`` form carries the preposition, whose construction differs by
    number ("innerhalb eines Monats", "innerhalb von 14 Tagen"; "dans un délai d'un
    mois", "de 14 jours").
    """
    if form == "within":
        return {
            "years": lambda n: t.npgettext("within", "within one year", "within %(num)s years", n),
            "months": lambda n: t.npgettext("within", "within one month", "within %(num)s months", n),
            "weeks": lambda n: t.npgettext("within", "within one week", "within %(num)s weeks", n),
            "days": lambda n: t.npgettext("within", "within one day", "within %(num)s days", n),
            "hours": lambda n: t.npgettext("within", "within one hour", "within %(num)s hours", n),
            "business_days": lambda n: t.npgettext("within", "within one business day", "within %(num)s business days", n),
            "working_days": lambda n: t.npgettext("within", "within one working day (Monday to Saturday, except public holidays)", "within %(num)s working days (Monday to Saturday, except public holidays)", n),
        }
    if form == "accusative":
        return {
            "years": lambda n: t.npgettext("accusative", "one year", "%(num)s years", n),
            "months": lambda n: t.npgettext("accusative", "one month", "%(num)s months", n),
            "weeks": lambda n: t.npgettext("accusative", "one week", "%(num)s weeks", n),
            "days": lambda n: t.npgettext("accusative", "one day", "%(num)s days", n),
            "hours": lambda n: t.npgettext("accusative", "one hour", "%(num)s hours", n),
            "business_days": lambda n: t.npgettext("accusative", "one business day", "%(num)s business days", n),
            "working_days": lambda n: t.npgettext("accusative", "one working day (Monday to Saturday, except public holidays)", "%(num)s working days (Monday to Saturday, except public holidays)", n),
        }
    if form == "dative":
        return {
            "years": lambda n: t.npgettext("dative", "one year", "%(num)s years", n),
            "months": lambda n: t.npgettext("dative", "one month", "%(num)s months", n),
            "weeks": lambda n: t.npgettext("dative", "one week", "%(num)s weeks", n),
            "days": lambda n: t.npgettext("dative", "one day", "%(num)s days", n),
            "hours": lambda n: t.npgettext("dative", "one hour", "%(num)s hours", n),
            "business_days": lambda n: t.npgettext("dative", "one business day", "%(num)s business days", n),
            "working_days": lambda n: t.npgettext("dative", "one working day (Monday to Saturday, except public holidays)", "%(num)s working days (Monday to Saturday, except public holidays)", n),
        }
    return {
        "years": lambda n: t.ngettext("one year", "%(num)s years", n),
        "months": lambda n: t.ngettext("one month", "%(num)s months", n),
        "weeks": lambda n: t.ngettext("one week", "%(num)s weeks", n),
        "days": lambda n: t.ngettext("one day", "%(num)s days", n),
        "hours": lambda n: t.ngettext("one hour", "%(num)s hours", n),
        "business_days": lambda n: t.ngettext("one business day", "%(num)s business days", n),
        "working_days": lambda n: t.ngettext("one working day (Monday to Saturday, except public holidays)", "%(num)s working days (Monday to Saturday, except public holidays)", n),
    }


def _range_messages(t: gettext.NullTranslations) -> dict[str, Callable[[int], str]]:
    """"20 to 31 business days": a range of one unit, in the plural of its upper end."""
    return {
        "years": lambda n: t.npgettext("range", "%(min)s to one year", "%(min)s to %(num)s years", n),
        "months": lambda n: t.npgettext("range", "%(min)s to one month", "%(min)s to %(num)s months", n),
        "weeks": lambda n: t.npgettext("range", "%(min)s to one week", "%(min)s to %(num)s weeks", n),
        "days": lambda n: t.npgettext("range", "%(min)s to one day", "%(min)s to %(num)s days", n),
        "hours": lambda n: t.npgettext("range", "%(min)s to one hour", "%(min)s to %(num)s hours", n),
        "business_days": lambda n: t.npgettext("range", "%(min)s to one business day", "%(min)s to %(num)s business days", n),
        "working_days": lambda n: t.npgettext("range", "%(min)s to one working day (Monday to Saturday, except public holidays)", "%(min)s to %(num)s working days (Monday to Saturday, except public holidays)", n),
    }


_DE_UNITS = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "elf",
             "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn", "neunzehn"]
_DE_TENS = ["", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig"]
_FR_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
             "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"]
_FR_TENS = ["", "", "vingt", "trente", "quarante", "cinquante", "soixante"]


def spell_out(n: int, locale: str) -> str:
    """A cardinal number from 0 to 99 in German or French words (digits beyond, and in English).

    >>> [spell_out(n, "de") for n in (14, 21, 30)], [spell_out(n, "fr") for n in (14, 21, 71, 80, 90)]
    (['vierzehn', 'einundzwanzig', 'dreißig'], ['quatorze', 'vingt et un', 'soixante et onze', 'quatre-vingts', 'quatre-vingt-dix'])
    """
    if not 0 <= n < 100 or locale not in ("de", "fr"):
        return str(n)
    if locale == "de":
        if n < 20:
            return _DE_UNITS[n]
        tens, unit = divmod(n, 10)
        return _DE_TENS[tens] if not unit else f"{'ein' if unit == 1 else _DE_UNITS[unit]}und{_DE_TENS[tens]}"
    if n < 20:
        return _FR_UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix, quatre-vingt-dix: the teens on top of 60 and 80
        base = "soixante" if tens == 7 else "quatre-vingt"
        joiner = " et " if tens == 7 and unit == 1 else "-"
        return f"{base}{joiner}{_FR_UNITS[10 + unit]}"
    if tens == 8:
        return "quatre-vingts" if not unit else f"quatre-vingt-{_FR_UNITS[unit]}"
    if not unit:
        return _FR_TENS[tens]
    return f"{_FR_TENS[tens]}{' et ' if unit == 1 else '-'}{_FR_UNITS[unit]}"


@functools.cache
def babel_locale(code: str) -> Locale:
    """Babel's locale for ``code``, parsed once (Babel parses a code on every call it is given)."""
    return Locale.parse(code)


def language_name(locale: str, in_language: str | None = None) -> str:
    """The name of a language in itself, as a language switcher shows it (English, Deutsch,
    Français), or as running text in ``in_language`` writes it (German, Deutsch, allemand)."""
    name = babel_locale(locale).get_display_name(in_language or locale) or locale
    return name if in_language else name[:1].upper() + name[1:]


@functools.lru_cache(maxsize=4096)
def _long_date(value: dt.date, locale: str, date_locale: str) -> str:
    """:meth:`Formatter.date`, formatted once per date and locale (a site shows the same few
    dates hundreds of times)."""
    text = format_date(value, "long", locale=babel_locale(date_locale))
    if locale == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er" + text[1:]  # the first of the month is an ordinal in French
    return text


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
        """A date in CLDR long form: "16 February 2024", "16. Februar 2024", "16 février 2024", "1er mars 2026"."""
        # as a plain date: two aware datetimes of the same instant are equal, yet their days may differ
        return _long_date(dt.date(value.year, value.month, value.day), self.locale, self.date_locale)

    def period(self, value: Period, form: Form = "nominative", *, business_days: bool = False,
               working_days: bool = False, words: bool = False) -> str:
        """An exact period in the grammatical ``form`` the sentence needs.

        "one year and 6 months" / "ein Jahr und 6 Monate" / "un an et 6 mois"; ``dative``
        and ``accusative`` decline German ("binnen einem Monat", "für einen Monat"); the
        ``within`` form includes the preposition ("within one month", "innerhalb eines
        Monats", "dans un délai d'un mois"). ``words`` spells out German and French numbers,
        as the statutory withdrawal models do ("vierzehn Tage", "quatorze jours").
        Business days (Mon-Fri: Arbeitstage, jours ouvrés) and working days (Mon-Sat:
        Werktage, jours ouvrables) are counted in days only.
        """
        parts = value.parts()
        if business_days or working_days:
            if parts != [("days", value.days)]:
                raise ValueError(f"business and working days are counted in days only, not {value}")
            parts = [("business_days" if business_days else "working_days", value.days)]
        if not parts:
            parts = [("days", 0)]
        single = len(parts) == 1
        messages = _messages(self.translations, form if single or form != "within" else "dative")
        texts = [self._count(messages[unit], n, words) for unit, n in parts]
        text = format_list(texts, locale=babel_locale(self.locale))
        if not single and form == "within":
            text = self.translations.pgettext("within", "within %(period)s") % {"period": text}
        return text

    def period_range(self, low: Period, high: Period, *, business_days: bool = False,
                     working_days: bool = False) -> str:
        """Two periods as a range: "20 to 31 business days", "20 bis 31 Arbeitstage", "20 à 31 jours ouvrés"."""
        parts_low, parts_high = low.parts(), high.parts()
        if len(parts_low) == 1 and len(parts_high) == 1 and parts_low[0][0] == parts_high[0][0]:
            unit = "business_days" if business_days else "working_days" if working_days else parts_high[0][0]
            if (business_days or working_days) and unit != "business_days" and parts_high[0][0] != "days":
                raise ValueError(f"business and working days are counted in days only, not {high}")
            message = _range_messages(self.translations)[unit]
            return self._count(message, parts_high[0][1], False) % {"min": parts_low[0][1]}
        return self.translations.pgettext("range", "%(min)s to %(max)s") % {
            "min": self.period(low, business_days=business_days, working_days=working_days),
            "max": self.period(high, business_days=business_days, working_days=working_days)}

    def _count(self, message: Callable[[int], str], n: int, words: bool) -> str:
        """One unit's message for ``n``: its plural form, with ``n`` in digits or words (0 takes the plural)."""
        text = message(n if n else 2)
        number = spell_out(n, self.locale) if words and self.locale in ("de", "fr") else str(n)
        return text.replace("%(num)s", number)

    def money(self, value: Any) -> str:
        """An amount with its currency in this language's format: "€25,000.00", "25.000,00 €", "25 000,00 €"."""
        return format_currency(value.amount, value.currency, locale=babel_locale(self.date_locale))

    def label(self, value: enum.Enum, form: str = "label") -> str:
        """The localized label of an enum value (``form`` picks e.g. its description)."""
        try:
            message = LABELS[(type(value).__name__, str(value.value), form)]
        except KeyError:
            raise TranslationError(f"no {form} for {type(value).__name__}.{value.name}") from None
        context = CONTEXTS.get(form)
        return self.translations.pgettext(context, message) if context else self.gettext(message)

    def country(self, code: str) -> str:
        """A country's name in this locale, from CLDR."""
        return str(babel_locale(self.locale).territories.get(code, code))

    def join(self, items: list[str], style: Literal["standard", "or"] = "standard") -> str:
        """A list in running text: "a, b and c" / "a, b und c" / "a, b et c" (``or``: "a, b or c")."""
        return format_list(items, style=style, locale=babel_locale(self.locale)) if items else ""
