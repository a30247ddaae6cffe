"""Why does the page say this? Each rendered block with its template sentences and source values.

:func:`trace_document` renders a document's body the way a release would freeze it, in
one locale, while recording where every piece comes from:

- every source value that passes through a template filter (``md``, ``text``,
  ``period``, ``label``, ...) is tagged with its path in the model, which the parsed
  files turn into ``file:line:col``;
- every template sentence (a ``{% trans %}`` block) is tagged with its message id, the
  English text the catalogs translate.

The tags are invisible control characters woven into the rendered text and taken out
again block by block (paragraph, list item, table row, heading), so the text of each
traced block is exactly the text of the page. A value is found by following the model
through a thin proxy: attribute access on a model or list keeps the path, and a leaf
(text, number, enum, period) is remembered by the path it was last read from, which is
the one the filter right after it receives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from jinja2.filters import FILTERS as JINJA_FILTERS
from pydantic import BaseModel

from legalgen.diagnostics import Location
from legalgen.render.renderer import LocaleRenderer, make_environment, single_stops
from legalgen.source import model as m
from legalgen.source.load import LoadedPolicy
from legalgen.source.reader import NodePath

#: Filters whose output is a source value (the front-matter filters stay untagged: they
#: serialise their input as JSON, which would escape the tags). Every other filter of
#: legalgen's receives the values themselves, never the proxies that carry their paths.
TRACED_FILTERS = ("md", "text", "inline", "one_line", "money", "date", "period", "label", "country", "email", "link",
                  "category_label", "category_in_sentence", "purpose_label", "lifetime", "recipient_name",
                  "recipient_in_sentence", "recipient_after_to")
_VALUE, _SENTENCE, _END = "\x02", "\x05", "\x03"
_TAG = re.compile(f"([{_VALUE}{_SENTENCE}])(\\d+)\x04|{_END}")


@dataclass(frozen=True)
class Value:
    """A source value shown in a block: its text on the page and where it stands."""

    text: str
    path: str
    location: Location


@dataclass
class Block:
    """One paragraph, list item, table row or heading of the page, and what it is made of."""

    text: str
    sentences: list[str] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)


class _Proxy:
    """A model, list or mapping seen from a template, carrying its source path."""

    __slots__ = ("_path", "_target", "_tracer")

    def __init__(self, target: Any, path: tuple[str, NodePath], tracer: _Tracer) -> None:
        self._target, self._path, self._tracer = target, path, tracer

    def _wrap(self, value: Any, step: str | int) -> Any:
        part, path = self._path
        return self._tracer.wrap(value, (part, (*path, step)))

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if isinstance(self._target, BaseModel) and name in type(self._target).model_fields:
            return self._wrap(value, name)
        return value

    def __getitem__(self, key: Any) -> Any:
        return self._wrap(self._target[key], key)

    def __iter__(self) -> Iterator[Any]:
        for index, item in enumerate(self._target):
            yield self._wrap(item, index)

    def __len__(self) -> int:
        return len(self._target)

    def __add__(self, other: Any) -> list[Any]:
        return [*self, *other]

    def __radd__(self, other: Any) -> list[Any]:
        return [*other, *self]

    def __bool__(self) -> bool:
        return bool(self._target)

    def __contains__(self, item: Any) -> bool:
        return item in self._target

    def __eq__(self, other: object) -> bool:
        return bool(self._target == (other._target if isinstance(other, _Proxy) else other))

    def __hash__(self) -> int:
        return hash(self._target)

    def __str__(self) -> str:
        return str(self._target)


class _Tracer:
    """Hands out proxies, remembers where leaves were read, and numbers the tags."""

    def __init__(self, loaded: LoadedPolicy) -> None:
        self.loaded = loaded
        self.read_from: dict[int, tuple[str, NodePath]] = {}
        self.values: list[tuple[str, NodePath]] = []
        self.sentences: list[str] = []

    def wrap(self, value: Any, path: tuple[str, NodePath]) -> Any:
        if isinstance(value, (BaseModel, list, dict)):
            return _Proxy(value, path, self)
        self.read_from[id(value)] = path
        return value

    def source_of(self, value: Any) -> tuple[Any, tuple[str, NodePath] | None]:
        if isinstance(value, _Proxy):
            return value._target, value._path
        return value, self.read_from.get(id(value))

    def tag_value(self, text: str, path: tuple[str, NodePath]) -> str:
        self.values.append(path)
        return f"{_VALUE}{len(self.values) - 1}\x04{text}{_END}"

    def tag_sentence(self, message: str, text: str) -> str:
        self.sentences.append(message)
        return f"{_SENTENCE}{len(self.sentences) - 1}\x04{text}{_END}"


def _unwrap(value: Any) -> Any:
    """A value as the template would have it without tracing (lists of proxies included)."""
    if isinstance(value, _Proxy):
        return value._target
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(item) for item in value)
    return value


_OPENING_TAGS = re.compile(f"(?:[{_VALUE}{_SENTENCE}]\\d+\x04)*")


def _plain_filter(original: Any) -> Any:
    def run(value: Any, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = tuple(map(_unwrap, args)), {key: _unwrap(v) for key, v in kwargs.items()}
        if isinstance(value, str):  # a traced text: the filter sees it after the tags that open it
            opening = _OPENING_TAGS.match(value).group()  # type: ignore[union-attr]
            if opening:
                return opening + original(value[len(opening):], *args, **kwargs)
        return original(_unwrap(value), *args, **kwargs)

    return run


def _traced_filter(tracer: _Tracer, original: Any, locale: str) -> Any:
    def run(value: Any, *args: Any, **kwargs: Any) -> Any:
        raw, path = tracer.source_of(value)
        text = original(raw, *args, **kwargs)
        if path is None:
            return text
        if isinstance(raw, m.Text):  # the text of one language: point at its own key
            path = (path[0], (*path[1], locale))
        return tracer.tag_value(str(text), path)

    return run


def trace_document(loaded: LoadedPolicy, kind: str, locale: str) -> list[Block]:
    """The blocks of the document's body in ``locale``, each with its sentences and values."""
    renderer = LocaleRenderer(loaded, locale)
    tracer = _Tracer(loaded)
    # a private environment: the shared one of the locale must not see the tracing filters
    env = renderer.env = make_environment(renderer.formatter)
    for name in set(env.filters) - set(JINJA_FILTERS):  # legalgen's own filters
        original = env.filters[name]
        env.filters[name] = (_traced_filter(tracer, original, locale) if name in TRACED_FILTERS
                             else _plain_filter(original))
    translations = renderer.formatter.translations

    def gettext(message: str) -> str:
        return tracer.tag_sentence(message, translations.gettext(message))

    def ngettext(singular: str, plural: str, n: int) -> str:
        return tracer.tag_sentence(singular, translations.ngettext(singular, plural, n))

    def pgettext(context: str, message: str) -> str:
        return tracer.tag_sentence(message, translations.pgettext(context, message))

    def npgettext(context: str, singular: str, plural: str, n: int) -> str:
        return tracer.tag_sentence(singular, translations.npgettext(context, singular, plural, n))

    env.install_gettext_callables(gettext, ngettext, newstyle=True,  # type: ignore[attr-defined]
                                  pgettext=pgettext, npgettext=npgettext)
    single_stops(env)
    policy = loaded.policy
    renderer.context.update(site=tracer.wrap(policy.site, ("site", ("site",))),
                            company=tracer.wrap(policy.company, ("site", ("company",))))
    document = tracer.wrap(policy.documents[kind], (kind, ()))
    text = renderer.render(f"{policy.documents[kind].kind}.md.j2", doc=document)
    return [block for block in _blocks(text, tracer) if block.text]


_ANCHOR = re.compile(r"\s*\{ #[\w-]+ \}$")


def _blocks(text: str, tracer: _Tracer) -> Iterator[Block]:
    """Split the tagged text into blocks and resolve each block's tags."""
    lines: list[str] = []
    for line in [*text.split("\n"), ""]:
        plain = _TAG.sub("", line).strip()
        starts_item = bool(re.match(r"(#{1,6} |[-*] |\d+\. |\||> )", plain))
        if (not plain or starts_item) and lines:
            yield _block("\n".join(lines), tracer)
            lines = []
        if plain:
            lines.append(line)
    if lines:
        yield _block("\n".join(lines), tracer)


def _block(tagged: str, tracer: _Tracer) -> Block:
    """A block's plain text, and its sentences and values in the order they start."""
    block = Block(_ANCHOR.sub("", " ".join(_TAG.sub("", tagged).split())))
    found: list[tuple[int, str, int, str]] = []
    stack: list[tuple[str, int, int]] = []
    for match in _TAG.finditer(tagged):
        if match.group(1):
            stack.append((match.group(1), int(match.group(2)), match.end()))
        elif stack:
            marker, index, start = stack.pop()
            found.append((start, marker, index, " ".join(_TAG.sub("", tagged[start:match.start()]).split())))
    for _, marker, index, inner in sorted(found):
        if marker == _SENTENCE:
            block.sentences.append(tracer.sentences[index])
        else:
            part, path = tracer.values[index]
            block.values.append(Value(inner, ".".join(map(str, path)), tracer.loaded.locate(part, path)))
    return block
