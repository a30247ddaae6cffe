"""Typography of rendered text: French spacing and elision.

French sets a non-breaking space before the high punctuation marks: a narrow one
(U+202F) before ``;``, ``!`` and ``?``, a normal one (U+00A0) before ``:``, and one inside
guillemets « ». It also elides ``de``/``que`` before a vowel, which a sentence with a
number in it cannot always foresee ("dans un délai de un mois" -> "d'un mois").
:func:`french` applies both to Markdown, HTML or plain text without touching what must
stay as written: front matter, code, URLs, e-mail addresses, HTML tags, link targets,
attribute lists, admonition markers and times such as 12:30.

>>> french("Durée : 1 an; voir <https://a.example/x?y=1> ou «test» !")
'Durée\\xa0: 1 an\\u202f; voir <https://a.example/x?y=1> ou «\\xa0test\\xa0»\\u202f!'
>>> french("Contact: dpo@a.example, 12:30, dans un délai de un mois.")
"Contact\\xa0: dpo@a.example, 12:30, dans un délai d'un mois."
>>> french("[ref]: https://a.example/x\\nVoir [ici][ref] !")
'[ref]: https://a.example/x\\nVoir [ici][ref]\\u202f!'
>>> french("&lt;b&gt; &amp; &#39;x&#39; !")
'&lt;b&gt; &amp; &#39;x&#39;\\u202f!'
"""

from __future__ import annotations

import re

_PROTECTED = re.compile(
    r"""
      \A---\n.*?\n---\n                       # front matter
    | `[^`\n]*`                               # code
    | <[^>\n]*>                               # HTML tags and autolinks
    | &(?:\#\d+|\#[xX][0-9a-fA-F]+|\w+);        # character references
    | \]\([^)\n]*\)                           # link targets
    | ^[ ]{0,3}\[[^\]\n]+\]:                  # link reference and footnote definitions
    | \{[^}\n]*\}                             # attribute lists and heading anchors
    | (?:https?|mailto):[^\s<>)\]]+           # bare URLs
    | (?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+  # e-mail addresses (tried where a word starts)
    | ^[ \t]*!!!\ \w+                         # admonition markers
    | \d:\d                                   # times and ratios
    """,
    re.MULTILINE | re.DOTALL | re.VERBOSE,
)
_NARROW = re.compile(r"(?<=[^\s(\[«|])[ \u00a0\u202f]?([;?]|!(?![\[!]))")
_COLON = re.compile(r"(?<=[^\s(\[«|])[ \u00a0\u202f]?:")
_OPEN = re.compile(r"«[ \u00a0\u202f]?")
_CLOSE = re.compile(r"[ \u00a0\u202f]?»")
_HELD = re.compile("\ue000(\\d+)\ue001")
_ELISION = re.compile(r"\b([dD]e|[qQ]ue) (une?|ans?|heures?)\b")


def _elide(match: re.Match[str]) -> str:
    return f"{match.group(1)[0]}'{match.group(2)}"


def _plain(text: str) -> str:
    text = _NARROW.sub("\u202f\\1", text)
    text = _COLON.sub("\u00a0:", text)
    text = _OPEN.sub("«\u00a0", text)
    text = _CLOSE.sub("\u00a0»", text)
    return _ELISION.sub(_elide, text)


def french(text: str) -> str:
    """``text`` with French spacing and elision, protected spans left as they are; idempotent.

    Protected spans stand in as placeholders while the rules run, so that a rule still
    sees the character before a mark (``&#39;x&#39; !``) but never changes the span.
    """
    spans: list[str] = []

    def hold(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\ue000{len(spans) - 1}\ue001"

    held = _PROTECTED.sub(hold, text)
    return _HELD.sub(lambda match: spans[int(match.group(1))], _plain(held))


def typeset(text: str, locale: str) -> str:
    """``text`` with the typography of ``locale`` (French spacing; other languages as written)."""
    return french(text) if locale == "fr" else text
