"""French typography: the scanning implementation against the rules written as plain regexes.

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

from legalgen.render.typography import french

_PROTECTED = re.compile(
    r"""
      \A---\n.*?\n---\n                       # front matter
    | \ue000                                  # the placeholders' mark
    | `[^`\n]*`                               # code
    | <[^>\n]*>                               # HTML tags and autolinks
    | &(?:\#\d+|\#[xX][0-9a-fA-F]+|\w+);        # character references
    | \]\([^)\n]*\)                           # link targets
    | ^[ ]{0,3}\[[^\]\n]+\]:                  # link reference and footnote definitions
    | \{[^}\n]*\}                             # attribute lists and heading anchors
    | (?:(?<=https)|(?<=http)|(?<=mailto)):[^\s<>)\]]+   # bare URLs, from their colon
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
    (re.compile(r"\b([dD]e|[qQ]ue) (une?|ans?|heures?)\b"), lambda m: f"{m.group(1)[0]}'{m.group(2)}"),
]


def reference(text: str) -> str:
    spans: list[str] = []

    def hold(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\ue000{len(spans) - 1}\ue001"

    held = _ADDRESS.sub(hold, _PROTECTED.sub(hold, text))
    for pattern, replacement in _RULES:
        held = pattern.sub(replacement, held)  # type: ignore[arg-type]
    return re.sub("\ue000(\\d+)\ue001", lambda match: spans[int(match.group(1))], held)


#: Characters the rules and the protected spans turn on, and some ordinary ones.
ALPHABET = list("aeéqudDQhtpsmilo@.+-_:;?!«»()[]{}|<>&#`*\n\t 0123\u00a0\u202f\ue000\ue001") + ["de un", "que an",
    "https:", "http:", "mailto:", "!!! note", "---\n", "](", "x@y.fr", "&amp;", "12:30", "\n[r]:"]
TEXTS = st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(TEXTS)
@example("---\ntitle: a : b\n---\nDurée : 1 an; voir <https://a.example/x?y=1> ou «test» !")
@example("Contact: dpo@a.example, 12:30, dans un délai de un mois.")
@example("[ref]: https://a.example/x\nVoir [ici][ref] !\n  [n]: x\n!!! warning \"A : b\"")
@example("x@y@z.com ; a@b.cd@e.fg ; mailto:a@b.c ; (https://x.fr/a:b) !")
@example("x \ue0000\ue001 y ; Attention!! Quoi?! ![image](a.png)")
def test_french_follows_the_rules_as_written(text: str) -> None:
    assert french(text) == reference(text)


@settings(max_examples=1000, deadline=None)
@given(TEXTS)
def test_french_is_idempotent(text: str) -> None:
    once = french(text)
    assert french(once) == once
