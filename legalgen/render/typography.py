"""Typography of rendered text: French spacing, apostrophes and elision, German no-break spaces.

French sets a non-breaking space before the high punctuation marks: a narrow one
(U+202F) before ``;``, ``!`` and ``?``, a normal one (U+00A0) before ``:``, and one inside
guillemets « »; a number and its ``%`` are joined by a narrow one ("100 %"). Its apostrophe
is the typographic one (U+2019) wherever a straight one stands between two letters
("l’heure"). It also elides ``de``/``que`` before a vowel, which a sentence with a number
in it cannot always foresee ("dans un délai de un mois" -> "d’un mois").
:func:`french` applies them to Markdown, HTML or plain text without touching what must
stay as written: front matter, code, URLs, e-mail addresses, HTML tags, link targets,
attribute lists, admonition markers and times such as 12:30.

>>> french("Durée : 1 an; voir <https://a.example/x?y=1> ou «test» !")
'Durée\\xa0: 1\\xa0an\\u202f; voir <https://a.example/x?y=1> ou «\\xa0test\\xa0»\\u202f!'
>>> french("Contact: o'hara@a.example, 12:30, dans un délai de un mois.")
"Contact\\xa0: o'hara@a.example, 12:30, dans un délai d\\u2019un mois."
>>> french("l'heure d'été, `l'abc`, <a title='x'>aujourd'hui</a>, 'cité'")
"l\\u2019heure d\\u2019été, `l'abc`, <a title='x'>aujourd\\u2019hui</a>, 'cité'"
>>> french("l'[historique](h.md), l'**offre**, 'x'")
"l\\u2019[historique](h.md), l\\u2019**offre**, 'x'"
>>> french("[ref]: https://a.example/x\\nVoir [ici][ref] !")
'[ref]: https://a.example/x\\nVoir [ici][ref]\\u202f!'
>>> french("&lt;b&gt; &amp; &#39;x&#39; !")
'&lt;b&gt; &amp; &#39;x&#39;\\u202f!'
>>> french("remboursé à 100 %, puis à 50% ; voir <a.example/x%20y>")
'remboursé à 100\\u202f%, puis à 50\\u202f%\\u202f; voir <a.example/x%20y>'
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Spans the rules must not change. Every branch starts with a character the regex engine
#: can scan for (a branch that starts with a look-behind or at a line start is tried at every
#: position): link definitions and admonitions start with the line break before them (the
#: text is given one), URLs and times match from their colon, front matter and e-mail
#: addresses are found apart (see :func:`french`).
_PROTECTED = re.compile(
    r"""
      \ue000                                  # the placeholders' own mark, should a text hold it
    | \n[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n[\s\S]*?\n[ ]{0,3}(?P=fence)[ \t]*(?=\n|\Z)   # fenced code blocks
    | (?P<ticks>`{2,})[^\n]*?(?P=ticks)           # code spans of two or more backticks
    | `[^`\n]*`                               # code
    | <[^>\n]*>                               # HTML tags and autolinks
    | &(?:\#\d+|\#[xX][0-9a-fA-F]+|\w+);        # character references
    | \]\((?:[^()\n]|\([^()\n]*\))*\)            # link targets, with balanced parentheses
    | \n[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*(?=\n|\Z)   # table delimiter rows
    | \n[ ]{0,3}\[(?!\^)[^\]\n]+\]:[^\n]*        # link reference definitions, with their titles
    | \n[ ]{0,3}\[\^[^\]\n]+\]:               # footnote definitions (their text is typeset)
    | \{[^}\n]*\}                             # attribute lists and heading anchors
    | :(?:(?<=https:)|(?<=http:)|(?<=mailto:))(?:[^\s<>()\]]|\([^\s<>()\]]*\))+   # bare URLs, from their colon
    | \n[ \t]*!!!\ \w+                        # admonition markers
    | :(?<=\d:)\d                              # times and ratios, from their colon
    """,
    re.VERBOSE,
)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
#: The domain of an e-mail address; its local part is found from the ``@`` backwards.
_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+")
_SPACES = " \u00a0\u202f"
#: ``;``, ``?`` and ``!``; a run of ``?`` and ``!`` takes its space before the first
#: (``?!``, ``!!``), and ``![`` opens a Markdown image.
_NARROW = re.compile(r";|\?(?<![?!]\?)|!(?<![?!]!)(?!\[)")
_COLON = re.compile(":")
_CLOSE = re.compile(r"[ \u00a0\u202f]?»")
_OPEN = re.compile(r"«[ \u00a0\u202f]?")
_HELD = re.compile("\ue000(\\d+)\ue001")
#: A percent sign after a number, with or without one space between them.
_PERCENT = re.compile(r"(?<=\d)[ \u00a0]?%")
_ELISION = re.compile(r"\b([dD]e|[qQ]ue) (une?|ans?|heures?)\b")
_ELISION_HINTS = ("e un", "e an", "e heure")
#: A straight apostrophe between two letters (not a quotation mark, not in a number).
#: A straight apostrophe between two letters, the second perhaps opening a link or emphasis ("l'[historique]").
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[\[*_]{0,3}[^\W\d_])")


def _elide(match: re.Match[str]) -> str:
    return f"{match.group(1)[0]}\u2019{match.group(2)}"


def _space_before(text: str, marks: re.Pattern[str], space: str) -> str:
    """``text`` with ``space`` before each mark that follows a word: instead of the one space
    (any of U+0020, U+00A0, U+202F) before it, or inserted. A mark after a space, an opening
    bracket, « or a table pipe, or at the start, is left as it is."""
    out: list[str] = []
    last = 0
    for match in marks.finditer(text):
        at = match.start()
        start = at - 1 if at and text[at - 1] in _SPACES else at
        if start == 0 or text[start - 1].isspace() or text[start - 1] in "([«|":
            continue
        out += (text[last:start], space)
        last = at
    out.append(text[last:])
    return "".join(out)


def _plain(text: str) -> str:
    text = _space_before(text, _NARROW, "\u202f")
    text = _space_before(text, _COLON, "\u00a0")
    if "%" in text:
        text = _PERCENT.sub("\u202f%", text)
    if "«" in text:
        text = _OPEN.sub("«\u00a0", text)
    if "»" in text:
        text = _CLOSE.sub("\u00a0»", text)
    if any(hint in text for hint in _ELISION_HINTS):
        text = _ELISION.sub(_elide, text)
    return text


def _apostrophes(text: str) -> str:
    return _APOSTROPHE.sub("\u2019", text) if "'" in text else text


#: A number and the unit of time after it, which a line must not separate.
_FRENCH_UNITS = re.compile(r"(?<=\d) (?=(?:jours?|mois|ans?|années?|heures?|semaines?|minutes?|secondes?|trimestres?)\b)")
#: A provision's sign or name before its number (``§ 147``, ``article 15``).
_FRENCH_REFERENCES = re.compile(r"(?<![\w.])(§§?|[aA]rticles?|paragraphes?) (?=\d)")
_GERMAN_UNITS = re.compile(r"(?<=\d) (?=(?:Tage?n?|Tages|Werktage?n?|Arbeitstage?n?|Kalendertage?n?|Wochen?|Monate?n?|"
                           r"Monats|Jahre?n?|Jahres|Stunden?|Minuten?|Sekunden?|Uhr)\b)")
#: A reference to a provision (``§ 147``, ``Art. 6 Abs. 1 lit. b``), which a line must not separate.
_GERMAN_REFERENCES = re.compile(r"(?<![\w.])(?:(§§?|Art\.|Artikel|Abs\.|Absatz|UAbs\.|Nr\.|Satz|S\.) (?=\d)"
                                r"|(lit\.|Buchstabe) (?=[a-z]\b))")
#: Abbreviations of single letters, each with its full stop: ``z. B.``, ``i. V. m.`` (DIN 5008
#: sets a small space within).
_GERMAN_ABBREVIATIONS = re.compile(r"(?<![\w.])([A-Za-zÄÖÜäöü])\. (?=[A-Za-zÄÖÜäöü]\.)")


def _french(text: str) -> str:
    text = _apostrophes(_plain(text))
    if any(c.isdigit() for c in text):
        text = _FRENCH_UNITS.sub("\u00a0", text)
        text = _FRENCH_REFERENCES.sub("\\1\u00a0", text)
    return text


def _german(text: str) -> str:
    if any(c.isdigit() for c in text):
        text = _GERMAN_UNITS.sub("\u00a0", text)
    text = _GERMAN_REFERENCES.sub(lambda match: f"{match.group(1) or match.group(2)}\u00a0", text)
    return _GERMAN_ABBREVIATIONS.sub("\\1.\u202f", text) if ". " in text else text


def french(text: str) -> str:
    """``text`` with French spacing, apostrophes and elision, and a number held to its unit of time ("14 jours"),
    protected spans left as they are; idempotent.

    Protected spans stand in as placeholders while the rules run, so that a rule still
    sees the character before a mark (``&#39;x&#39; !``) but never changes the span.
    """
    return _protected(text, _french)


def german(text: str) -> str:
    """``text`` with German no-break spaces, protected spans left as they are; idempotent: a
    number held to its unit of time ("14\u00a0Tage"), a provision's sign to its number
    ("§\u00a0147", "Art.\u00a06 Abs.\u00a01 lit.\u00a0b") and a narrow one within "z.\u202fB.", "d.\u202fh."

    >>> german("z. B. nach § 147 AO binnen 14 Tagen; siehe <https://a.example/§ 1>")
    'z.\u202fB. nach §\xa0147 AO binnen 14\xa0Tagen; siehe <https://a.example/§ 1>'
    """
    return _protected(text, _german)


def _protected(text: str, rules: Callable[[str], str]) -> str:
    """``text`` with ``rules`` applied outside its protected spans (see :data:`_PROTECTED`)."""
    spans: list[str] = []

    def hold(span: str) -> str:
        spans.append(span)
        return f"\ue000{len(spans) - 1}\ue001"

    front = _FRONT_MATTER.match(text)
    held = hold(front.group(0)) if front else ""
    held += _PROTECTED.sub(_holding(hold), "\n" + text[front.end() if front else 0:])[1:]
    if "@" in held:
        held = _held_addresses(held, hold)
    return _HELD.sub(lambda match: spans[int(match.group(1))], rules(held))


def _in_address(char: str) -> bool:
    """Whether ``char`` may stand in the local part of an e-mail address (``[\\w.+-]``)."""
    return char.isalnum() or char in "_.+-"


def _holding(hold: Callable[[str], str]) -> Callable[[re.Match[str]], str]:
    """The replacement of a protected span: its placeholder, after the line break a span
    starts with (which stays in the text)."""
    def replace(match: re.Match[str]) -> str:
        span = match.group(0)
        return "\n" + hold(span[1:]) if span.startswith("\n") else hold(span)
    return replace


def _held_addresses(text: str, hold: Callable[[str], str]) -> str:
    """``text`` with each e-mail address (a local part of word characters, ``.``, ``+`` and
    ``-`` that starts a word, ``@`` and a dotted domain) replaced by ``hold(address)``."""
    out: list[str] = []
    last = 0
    for match in _DOMAIN.finditer(text):
        start = match.start()
        while start > last and _in_address(text[start - 1]):
            start -= 1
        if start == match.start() or (start > 0 and _in_address(text[start - 1])):
            continue  # no local part, or one that does not start a word
        out += (text[last:start], hold(text[start:match.end()]))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def typeset(text: str, locale: str) -> str:
    """``text`` with the typography of ``locale`` (French spacing, German no-break spaces;
    English as written)."""
    if locale == "fr":
        return french(text)
    return german(text) if locale == "de" else text
