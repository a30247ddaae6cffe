"""French and German typography: the scanning implementation against the rules written as plain regexes.

``legalgen.render.typography`` scans for the marks it changes instead of trying every rule at every
position (3x faster on a page). The reference below states the rules as they read: one
regex for the protected spans, one for e-mail addresses in what they left, one per rule,
each applied to the whole text. Both must agree on any text, and typesetting twice must
change nothing.
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from legalgen.render.typography import french, german

_PROTECTED = re.compile(
    r"""
      \A---\n.*?\n---\n                       # front matter
    | \ue000                                  # the placeholders' mark
    | ^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n.*?\n[ ]{0,3}(?P=fence)[ \t]*$   # fenced code blocks
    | (?P<ticks>`{2,})[^\n]*?(?P=ticks)           # code spans of two or more backticks
    | `[^`\n]*`                               # code
    | <[^>\n]*>                               # HTML tags and autolinks
    | &(?:\#\d+|\#[xX][0-9a-fA-F]+|\w+);        # character references
    | \]\((?:[^()\n]|\([^()\n]*\))*\)            # link targets, with balanced parentheses
    | ^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$   # table delimiter rows
    | ^[ ]{0,3}\[(?!\^)[^\]\n]+\]:[^\n]*         # link reference definitions, with their titles
    | ^[ ]{0,3}\[\^[^\]\n]+\]:                # footnote definitions
    | \{[^}\n]*\}                             # attribute lists and heading anchors
    | (?:(?<=https)|(?<=http)|(?<=mailto)):(?:[^\s<>()\]]|\([^\s<>()\]]*\))+   # bare URLs, from their colon
    | ^[ \t]*!!!\ \w+                         # admonition markers
    | (?<=\d):\d                              # times and ratios, from their colon
    """,
    re.MULTILINE | re.DOTALL | re.VERBOSE,
)
#: E-mail addresses, protected in what the spans above left.
_ADDRESS = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_RULES = [
    (re.compile(r"(?<=[^\s(\[«|])[ \u00a0\u202f]?(;|(?<![?!])\?|(?<![?!])!(?!\[))"), "\u202f\\1"),
    (re.compile(r"(?<=[^\s(\[«|])[ \u00a0\u202f]?:"), "\u00a0:"),
    (re.compile(r"«[ \u00a0\u202f]?"), "«\u00a0"),
    (re.compile(r"[ \u00a0\u202f]?»"), "\u00a0»"),
    (re.compile(r"\b([dD]e|[qQ]ue) (une?|ans?|heures?)\b"), lambda m: f"{m.group(1)[0]}\u2019{m.group(2)}"),
    # an apostrophe between letters, the second perhaps opening a link or emphasis: l'[historique]
    (re.compile(r"(?<=[^\W\d_])'(?=[\[*_]{0,3}[^\W\d_])"), "\u2019"),
    (re.compile(r"(?<=\d) (?=(?:jours?|mois|ans?|années?|heures?|semaines?|minutes?|secondes?|trimestres?)\b)"),
     "\u00a0"),
    (re.compile(r"(?<![\w.])(§§?|[aA]rticles?|paragraphes?) (?=\d)"), "\\1\u00a0"),
]
_GERMAN_RULES = [
    (re.compile(r"(?<=\d) (?=(?:Tage?n?|Tages|Werktage?n?|Arbeitstage?n?|Kalendertage?n?|Wochen?|Monate?n?|Monats|"
                r"Jahre?n?|Jahres|Stunden?|Minuten?|Sekunden?|Uhr)\b)"), "\u00a0"),
    (re.compile(r"(?<![\w.])(§§?|Art\.|Artikel|Abs\.|Absatz|UAbs\.|Nr\.|Satz|S\.) (?=\d)"), "\\1\u00a0"),
    (re.compile(r"(?<![\w.])(lit\.|Buchstabe) (?=[a-z]\b)"), "\\1\u00a0"),
    (re.compile(r"(?<![\w.])([A-Za-zÄÖÜäöü])\. (?=[A-Za-zÄÖÜäöü]\.)"), "\\1.\u202f"),
]


def reference(text: str, rules: list = _RULES) -> str:  # type: ignore[type-arg]
    spans: list[str] = []

    def hold(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\ue000{len(spans) - 1}\ue001"

    held = _ADDRESS.sub(hold, _PROTECTED.sub(hold, text))
    for pattern, replacement in rules:
        held = pattern.sub(replacement, held)  # type: ignore[arg-type]
    return re.sub("\ue000(\\d+)\ue001", lambda match: spans[int(match.group(1))], held)


#: Characters the rules and the protected spans turn on, and some ordinary ones.
ALPHABET = list("aeéqudDQhtpsmilo@.+-_:;?!«»()[]{}|<>&#`*'\n\t 0123\u00a0\u202f\ue000\ue001") + ["de un", "que an",
    "```", "~~~", "``", "\n[^1]:", "\n[r]: x \"t : u\"",
    "https:", "http:", "mailto:", "!!! note", "---\n", "](", "x@y.fr", "&amp;", "12:30", "\n[r]:"]
TEXTS = st.lists(st.sampled_from(ALPHABET + ["1 an", "14 jours", "6 mois", "|:---|---:|", "\n|--:|", "](a_(b)?c)",
                                             "§ 147", "article 15", "30 secondes",
                                             "https://x.fr/a_(b)?c"]), max_size=40).map("".join)
GERMAN = list("aeBhATUdzus.§:;()[]{}<>&#`*\n 0123\u00a0\u202f\ue000\ue001") + [
    "z. B.", "d. h.", "Art. 6", "Abs. 1", "lit. b", "§ 147", "14 Tage", "1 Monat", "x. B.", "https:", "x@y.de", "---\n",
    "Art. Ihre", "Satz gilt", "|:---|---:|", "](a_(b)?c)", "i. V. m.", "S. 1", "Artikel 6", "17 Uhr", "Z. B."]
GERMAN_TEXTS = st.lists(st.sampled_from(GERMAN), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(TEXTS)
@example("---\ntitle: a : b\n---\nDurée : 1 an; voir <https://a.example/x?y=1> ou «test» !")
@example("Contact: dpo@a.example, 12:30, dans un délai de un mois.")
@example("[ref]: https://a.example/x\nVoir [ici][ref] !\n  [n]: x\n!!! warning \"A : b\"")
@example("x@y@z.com ; a@b.cd@e.fg ; mailto:a@b.c ; (https://x.fr/a:b) !")
@example("x \ue0000\ue001 y ; Attention!! Quoi?! ![image](a.png)")
@example("Voir [RGPD](https://fr.example/RGPD_(UE)?s=2) !\n| a | b |\n|:---|---:|\n| x : y | 1 |")
@example("a\n```\nkey: value; x?\n```\n``a ` b : c`` ; [r]: https://a.example \"Titre : a ; b\"\n[^1]: Note : x")
def test_french_follows_the_rules_as_written(text: str) -> None:
    assert french(text) == reference(text)


@settings(max_examples=1000, deadline=None)
@given(TEXTS)
def test_french_is_idempotent(text: str) -> None:
    once = french(text)
    assert french(once) == once


@settings(max_examples=2000, deadline=None)
@given(GERMAN_TEXTS)
@example("z. B. nach § 147 AO binnen 14 Tagen; siehe <https://a.example/§ 1> und `Art. 6`")
@example("Daten dieser Art. Ihre Rechte; dieser Satz gilt nach Art. 6 Abs. 1 Satz 2 lit. b.")
def test_german_follows_the_rules_as_written(text: str) -> None:
    assert german(text) == reference(text, _GERMAN_RULES)


@settings(max_examples=1000, deadline=None)
@given(GERMAN_TEXTS)
def test_german_is_idempotent(text: str) -> None:
    once = german(text)
    assert german(once) == once


def test_references_and_tables_are_kept_whole() -> None:
    """A provision's number stays with its sign, but two sentences are not joined; a link
    target with parentheses and a table's delimiter row are never typeset."""
    assert german("Daten dieser Art. Ihre Rechte; dieser Satz gilt") == "Daten dieser Art. Ihre Rechte; dieser Satz gilt"
    assert german("Art. 6 Abs. 1 lit. b") == "Art.\u00a06 Abs.\u00a01 lit.\u00a0b"
    assert french("[RGPD](https://fr.example/RGPD_(UE)?s=2)") == "[RGPD](https://fr.example/RGPD_(UE)?s=2)"
    assert french("|:---|---:|\n") == "|:---|---:|\n"
