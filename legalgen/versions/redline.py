"""Word-level redlines between two rendered versions of a document.

Lines are aligned first (difflib), then changed lines are compared word by word.
Insertions become ``<ins>`` and deletions ``<del>``; Markdown structure at the start of a
line (list markers, heading hashes, quote markers) and table pipes stay outside the marks,
so the redline renders as the same document with its changes marked.

>>> redline("- Storage: 30 days\\n", "- Storage: 60 days\\n")
'- Storage: <del>30</del><ins>60</ins> days\\n'
>>> redline("- **Données du compte**: x ; y\\n", "- **Données du compte**\\u00a0: x\\u202f; y\\n")
'- **Données du compte**\\xa0: x\\u202f; y\\n'
>>> redline("a **b c** d\\n", "a **b e** d\\n")
'a **b <del>c</del><ins>e</ins>** d\\n'
"""

from __future__ import annotations

import difflib
import re

from legalgen import cache

_PREFIX = re.compile(r"^(\s*(?:[-*+]|\d+\.|#{1,6}|>)\s+|\s*>\s*)")
_ATTRS = re.compile(r"\s*\{\s*#[^}]*\}\s*$")
_TOKENS = re.compile(r"\s+|\|+|\*\*|[^\s|*]+|\*")
#: Kept outside the marks: table pipes and bold markers (a mark must not cut a **bold** span).
_OUTSIDE = re.compile(r"(\s*\|+\s*|\*\*)")


def _mark(tag: str, tokens: list[str]) -> str:
    """Wrap the words of ``tokens`` in ``<tag>``, leaving pipes, bold markers and outer spaces unmarked."""
    text = "".join(tokens)
    parts = _OUTSIDE.split(text)
    out = []
    for part in parts:
        if not part.strip() or set(part.strip()) == {"|"} or part == "**":
            out.append(part)
            continue
        lead = part[: len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()):]
        out.append(f"{lead}<{tag}>{part.strip()}</{tag}>{trail}")
    return "".join(out)


def _whole_line(tag: str, line: str) -> str:
    """Mark a whole line, keeping its block prefix and a trailing ``{ #id }`` unmarked."""
    if not line.strip():
        return line
    prefix = _prefix(line)
    suffix_match = _ATTRS.search(line, len(prefix))
    suffix = suffix_match.group(0) if suffix_match else ""
    return prefix + _mark(tag, [line[len(prefix):len(line) - len(suffix)]]) + suffix


def _words(old: str, new: str) -> str:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append("".join(b[j1:j2]))
            continue
        if not "".join(a[i1:i2]).strip() and not "".join(b[j1:j2]).strip():
            out.append("".join(b[j1:j2]))  # only spacing changed (e.g. a non-breaking space): the new spacing
            continue
        if op in ("delete", "replace"):
            out.append(_mark("del", a[i1:i2]))
        if op in ("insert", "replace"):
            out.append(_mark("ins", b[j1:j2]))
    return "".join(out)


def redline(old: str, new: str) -> str:
    """The text of ``new`` with the changes from ``old`` marked word by word."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    out: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += b[j1:j2]
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            before, after = a[i1 + k], b[j1 + k]
            ending = "\n" if after.endswith("\n") else ""
            old_prefix, prefix = _prefix(before), _prefix(after)
            if old_prefix == prefix:
                out.append(prefix + _words(before[len(prefix):].rstrip("\n"), after[len(prefix):].rstrip("\n")) + ending)
            else:
                out.append(_whole_line("del", before.rstrip("\n")) + "\n")
                out.append(_whole_line("ins", after.rstrip("\n")) + ending)
        for line in a[i1 + pairs:i2]:
            out.append(_whole_line("del", line.rstrip("\n")) + "\n")
        for line in b[j1 + pairs:j2]:
            out.append(_whole_line("ins", line.rstrip("\n")) + ("\n" if line.endswith("\n") else ""))
    return "".join(out)


def released_redline(old: str, new: str) -> str:
    """:func:`redline` of two released texts, which never change: kept in the legalgen cache
    (``redline/``) under a hash of both texts and of this module, so a build marks each pair once."""
    return cache.text("redline", cache.key(__file__, old, new), lambda: redline(old, new))


def _prefix(line: str) -> str:
    """The Markdown block prefix of a line: list marker, heading hashes or quote marker."""
    match = _PREFIX.match(line)
    return match.group(0) if match else ""

