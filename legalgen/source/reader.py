"""Read YAML files while keeping where every key and value stands.

The files are parsed with libyaml's event parser (PyYAML's C extension, pure Python where
it is missing) and composed here into nodes that carry their line and column; the nodes
become plain data under the YAML 1.2 core schema (``yes``, ``no`` and ``NO`` stay text,
``010`` is ten, dates stay text so the model reports a bad one in place).
:class:`SourceFile` keeps both and answers "where is the node at this path?", which turns
validation errors into ``file:line:col``.

Reading is bounded (:class:`Limits`): a file that is too large, nested too deeply or whose
aliases would expand beyond the node budget ("billion laughs") is refused with ``S011``
before it can use unbounded time or memory. Text that is not UTF-8, characters YAML does
not allow, duplicate keys, keys that are not text (``null:``, ``true:``, ``1:``) and integers
too long to convert are ``S001`` at their position.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import MarkedYAMLError, YAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError
from yaml.resolver import BaseResolver

from legalgen.diagnostics import Diagnostic, Location, display_path
from legalgen.files import read_bounded

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # PyYAML without libyaml: the same events, parsed in Python
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)

#: A path into a parsed YAML document: mapping keys and sequence indexes.
NodePath = tuple[str | int, ...]


@dataclass(frozen=True)
class Limits:
    """Bounds on one source file; each can be raised by an environment variable.

    =========================  =========  ==============================================
    LEGALGEN_MAX_FILE_BYTES    3000000    size of one YAML file (about 10,000 purposes)
    LEGALGEN_MAX_DEPTH         40         nesting of mappings and sequences
    LEGALGEN_MAX_VALUES        200000     keys, values and list items written in one file
                                          (10,000 purposes of a dozen values each)
    LEGALGEN_MAX_ALIAS_VALUES  100000     values YAML aliases may add to a file by
                                          repeating what an anchor names
    =========================  =========  ==============================================

    The number of values bounds the work a file can cause (every later step is linear in
    it); the alias budget keeps a small file from expanding into a large one ("billion
    laughs").
    """

    max_bytes: int = 3_000_000
    max_depth: int = 40
    max_values: int = 200_000
    max_alias_values: int = 100_000

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The limits with any ``LEGALGEN_MAX_*`` override; a bad value is a ``ValueError``."""
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for field, variable in (("max_bytes", "LEGALGEN_MAX_FILE_BYTES"), ("max_depth", "LEGALGEN_MAX_DEPTH"),
                                ("max_values", "LEGALGEN_MAX_VALUES"),
                                ("max_alias_values", "LEGALGEN_MAX_ALIAS_VALUES")):
            text = environ.get(variable, "").strip()
            if text:
                if not text.isdigit() or int(text) < 1 or len(text) > 12:
                    raise ValueError(f"{variable} must be a positive whole number, not {text!r}")
                values[field] = int(text)
        return cls(**values)


@dataclass(frozen=True)
class SourceFile:
    """A parsed YAML file: its display name, the node tree with positions, and its plain data."""

    name: str
    tree: Node | None
    data: Any

    def locate(self, path: NodePath, *, key: bool = False) -> Location:
        """Where the node at ``path`` stands; with ``key``, where its mapping key stands.

        A path that goes further than the tree (a missing key) resolves to the deepest
        node that exists, which is where the missing value belongs.
        """
        node = self.tree
        if node is None:
            return Location(self.name, 1, 1)
        mark = node.start_mark
        for index, step in enumerate(path):
            last = index == len(path) - 1
            if isinstance(node, MappingNode):
                pair = next((pair for pair in reversed(node.value)
                             if isinstance(pair[0], ScalarNode) and pair[0].value == str(step)), None)
                if pair is None:
                    break
                mark = pair[0].start_mark if (key and last) else pair[1].start_mark
                node = pair[1]
            elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
                mark = node.start_mark
            else:
                break
        return Location(getattr(mark, "file", None) or self.name, mark.line + 1, mark.column + 1)

    def node(self, path: NodePath) -> Any:
        """The plain value at ``path``, or ``None`` when the path does not exist."""
        value = self.data
        for step in path:
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                return None
        return value


@dataclass(frozen=True)
class _FileMark:
    """The position of a node that an override brought in from another file."""

    file: str
    line: int
    column: int


def overlay(base: SourceFile, override: SourceFile, languages: Collection[str]) -> tuple[SourceFile, list[Diagnostic]]:
    """``base`` with the values of ``override`` put over it, every node keeping its own file and line.

    Mappings merge key by key (a key the base lacks is added, and the schema then judges
    it); lists of items with an ``id`` merge item by item (an id the base lacks matches
    nothing: ``S013``; an id given twice is ``S006``); any other value is replaced whole, and
    so is a localized text (a mapping of the base whose keys are all in ``languages``), so
    that an override never keeps a translation of the base. An override must be a mapping.
    """
    for node in _nodes(override.tree):
        node.start_mark = _FileMark(override.name, node.start_mark.line, node.start_mark.column)
    if override.tree is None:
        return base, []
    if not isinstance(override.data, dict) or not isinstance(override.tree, MappingNode):
        return base, [Diagnostic("S003", "a brand file holds a mapping of what it overrides in the base file",
                                 override.locate(()))]
    if base.tree is None:
        return override, []
    diagnostics: list[Diagnostic] = []
    tree, data = _overlay(base.tree, base.data, override.tree, override.data, override, (), frozenset(languages),
                          diagnostics)
    return SourceFile(base.name, tree, data), diagnostics


def _overlay(base_node: Node, base: Any, node: Node, value: Any, override: SourceFile, path: NodePath,
             languages: frozenset[str], diagnostics: list[Diagnostic]) -> tuple[Node, Any]:
    """The node and data of ``value`` put over ``base`` (see :func:`overlay`)."""
    if isinstance(base_node, MappingNode) and isinstance(base, dict) and isinstance(node, MappingNode) \
            and isinstance(value, dict) and not (base and set(base) <= languages):
        pairs = _pairs(base_node)
        written = _pairs(node)
        merged = dict(base)
        for name, item in value.items():
            pair = written.get(name)
            if name in merged and name in pairs and pair is not None:
                merged_child, merged[name] = _overlay(pairs[name][1], merged[name], pair[1], item, override,
                                                      (*path, name), languages, diagnostics)
                pairs[name] = (pairs[name][0], merged_child)
            else:
                if pair is not None:
                    pairs[name] = pair
                merged[name] = item
        return MappingNode(base_node.tag, list(pairs.values()), base_node.start_mark, base_node.end_mark), merged
    if _is_items(base_node, base) and _is_items(node, value) and value:
        index = {item["id"]: position for position, item in enumerate(base)}
        items, nodes = list(base), list(base_node.value)
        seen: set[Any] = set()
        for position, (item, child) in enumerate(zip(value, node.value, strict=True)):
            ident, at = item["id"], index.get(item["id"])
            where = override.locate((*path, position, "id"))
            if ident in seen:
                diagnostics.append(Diagnostic("S006", f"{'.'.join(map(str, path))}: the id {ident!r} is overridden "
                                                      "twice", where))
                continue
            seen.add(ident)
            if at is None:
                close = difflib.get_close_matches(str(ident), [str(known) for known in index], n=1)
                diagnostics.append(Diagnostic(
                    "S013", f"{'.'.join(map(str, path))}: the base has no item with the id {ident!r}"
                            + (f" (did you mean {close[0]!r}?)" if close else ""), where,
                    hint="an override changes what the base states; add a new item to the base source"))
                continue
            nodes[at], items[at] = _overlay(nodes[at], items[at], child, item, override, (*path, position),
                                            languages, diagnostics)
        return SequenceNode(base_node.tag, nodes, base_node.start_mark, base_node.end_mark), items
    return node, value


def _pairs(node: MappingNode) -> dict[str, tuple[Node, Node]]:
    """The key and value nodes of a mapping by key; a later pair wins, as it does when YAML
    merge keys are resolved."""
    return {_key_text(key): (key, child) for key, child in node.value}


def _key_text(node: Node) -> str:
    """A mapping key as the plain data has it: its text, as :func:`read_yaml` refuses keys that are not text."""
    if not isinstance(node, ScalarNode):
        return f"\0{id(node)}"  # not a key the data can have (mappings refuse unhashable keys)
    return str(node.value)


def _is_items(node: Node, data: Any) -> bool:
    """A list of mappings that all have an ``id``, as written (no aliases or merge keys in between)."""
    return isinstance(node, SequenceNode) and isinstance(data, list) and len(node.value) == len(data) \
        and all(isinstance(item, dict) and isinstance(item.get("id"), (str, int)) for item in data)


def _nodes(node: Node | None) -> Iterator[Node]:
    """Every node of a tree, keys included, each once."""
    seen: set[int] = set()
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, MappingNode):
            for key, child in current.value:
                stack += [key, child]
        elif isinstance(current, SequenceNode):
            stack += current.value


class _Resolver(BaseResolver):
    """The YAML 1.2 core schema: ``true``/``false`` only, decimal, ``0o`` and ``0x`` integers, no dates."""


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", (r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
               r"|\.(?:nan|NaN|NAN))$"), "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
):
    _Resolver.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))


#: Plain scalars YAML reads as something other than text, and what it reads them as.
_NOT_TEXT = {"tag:yaml.org,2002:null": "null (nothing)", "tag:yaml.org,2002:bool": "true or false",
             "tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number"}


#: What a value with an explicit tag (``!!bool``) is read as.
_TAGGED = {"timestamp": "a date", "bool": "true or false", "float": "a number", "int": "a number"}


class _KeyNotText(MarkedYAMLError):
    """A mapping key that YAML reads as null, a boolean or a number: no key of the source is
    one; or a value that its explicit tag cannot read."""


#: How deep libyaml (PyYAML 6.0.4 and later) lets YAML nest before it stops with its own error.
_LIBYAML_DEPTH = 1000


class _TooLarge(MarkedYAMLError):
    """Raised while composing when nesting or the number of values exceeds its limit."""


class _Loader(Composer, SafeConstructor, _Resolver, _Parser):
    """libyaml's parser, a composer that counts nesting, the safe constructor with 1.2 scalars."""

    def __init__(self, text: str, limits: Limits) -> None:
        _Parser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self.limits = limits
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self.depth += 1
        self.nodes += 1
        try:
            if self.depth > self.limits.max_depth:
                event: Any = self.peek_event()
                raise _TooLarge(None, None, f"nesting deeper than {self.limits.max_depth} levels", event.start_mark,
                                "LEGALGEN_MAX_DEPTH")
            if self.nodes > self.limits.max_values:
                event = self.peek_event()
                raise _TooLarge(None, None, f"more than {self.limits.max_values} values in one file",
                                event.start_mark, "LEGALGEN_MAX_VALUES")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag in _NOT_TEXT:
                shown = f"the key {key_node.value!r}" if key_node.value else "an empty key"
                raise _KeyNotText(None, None, f"{shown} is read as {_NOT_TEXT[key_node.tag]}, not as a name "
                                              "(put it in quotes if it is one)",
                                  key_node.start_mark)
            if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise ConstructorError("while reading a mapping", node.start_mark,
                                           f"duplicate key {key_node.value!r}", key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """A node's value; a value its explicit tag cannot read (``!!timestamp 2026-02-30``,
        ``!!bool maybe``) is an error at the value, as YAML's own are."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as error:
            kind = str(node.tag).rsplit(":", 1)[-1]
            detail = f": {error}" if isinstance(error, ValueError) and str(error) else ""
            raise _KeyNotText(None, None, f"{str(node.value)[:60]!r} cannot be read as {_TAGGED.get(kind, kind)}, as "
                                          f"its tag !!{kind} asks{detail}", node.start_mark) from None

    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        try:
            if text.startswith(("0o", "0x")):
                return int(text[2:], 8 if text[1] == "o" else 16)
            return int(text)
        except ValueError:
            raise ConstructorError(None, None, "integer too long", node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)  # type: ignore[type-var]


class _Budget(Exception):
    """The plain data would exceed the node budget, or an alias contains itself."""


def read_yaml(path: Path, name: str, limits: Limits | None = None) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Parse one YAML file; every way it can fail is one positioned diagnostic.

    ``S001`` for a file that cannot be read, is not UTF-8 or is not valid YAML, ``S011``
    for one beyond :class:`Limits`.
    """
    limits = limits or Limits()
    not_regular = "not a regular file (a pipe, device or folder)"
    try:
        raw, status = read_bounded(path, limits.max_bytes + 1)
    except IsADirectoryError:
        return None, [Diagnostic("S001", not_regular, Location(name, 1, 1))]
    except OSError as error:
        return None, [Diagnostic("S001", f"cannot read file: {error.strerror or error}", Location(name, 1, 1))]
    if raw is None:
        problem = "cannot read file: it waits for data (a device or kernel file)" \
            if stat.S_ISREG(status.st_mode) else not_regular
        return None, [Diagnostic("S001", problem, Location(name, 1, 1))]
    return parse_yaml(raw, name, limits, size=max(status.st_size, len(raw)))


def parse_yaml(raw: bytes, name: str, limits: Limits | None = None, *,
               size: int | None = None) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Parse YAML that was read already (``git show``), within the same :class:`Limits` as
    :func:`read_yaml`; ``size`` is the file's, if larger than what was read."""
    limits = limits or Limits()
    size = max(size or 0, len(raw))
    if size > limits.max_bytes:
        return None, [Diagnostic("S011", f"file of {size} bytes is larger than the limit of {limits.max_bytes}",
                                 Location(name, 1, 1), hint="raise LEGALGEN_MAX_FILE_BYTES if it is genuine")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [Diagnostic("S001", f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8",
                                 _offset_location(name, raw, error.start))]
    loader = _Loader(text.removeprefix("\ufeff"), limits)
    try:
        tree = loader.get_single_node()
        value = loader.construct_document(tree) if tree is not None else {}
    except _TooLarge as error:
        return None, [Diagnostic("S011", f"{error.problem}", _mark(name, error),
                                 hint=f"raise {error.note} if it is genuine")]
    except _KeyNotText as error:
        return None, [Diagnostic("S001", f"YAML: {error.problem}", _mark(name, error))]
    except MarkedYAMLError as error:
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        if "maximum nesting depth" in problem:  # libyaml's own bound (PyYAML 6.0.4), met before legalgen's
            if limits.max_depth < _LIBYAML_DEPTH:
                problem, hint = f"nesting deeper than {limits.max_depth} levels", "raise LEGALGEN_MAX_DEPTH if it is genuine"
            else:
                problem, hint = "nesting deeper than the YAML parser allows", "nest less deeply"
            return None, [Diagnostic("S011", problem, _mark(name, error), hint=hint)]
        start, end = error.context_mark, error.problem_mark
        if error.problem and str(error.context or "").startswith(("while scanning", "while parsing")) and \
                start is not None and end is not None and start.line < end.line:
            # the parser noticed on a later line what went wrong earlier (a key without its colon,
            # a bracket never closed): the place is where it started
            context = " ".join(str(error.context).split())
            return None, [Diagnostic("S001", f"YAML syntax: {problem} ({context}, noticed on line {end.line + 1})",
                                     Location(name, start.line + 1, start.column + 1))]
        return None, [Diagnostic("S001", f"YAML syntax: {problem}", _mark(name, error))]
    except ReaderError as error:
        where = _offset_location(name, text, error.position)
        return None, [Diagnostic("S001", f"YAML: character {error.character!r} is not allowed in YAML text", where)]
    except (YAMLError, RecursionError) as error:
        return None, [Diagnostic("S001", f"YAML: {' '.join(str(error).split())}", Location(name, 1, 1))]
    finally:
        loader.dispose()
    try:
        data = _plain(value, [0], loader.nodes + limits.max_alias_values, set())
    except _Budget as error:
        return None, [Diagnostic("S011", str(error), Location(name, 1, 1),
                                 hint="avoid YAML aliases that repeat large parts; raise LEGALGEN_MAX_ALIAS_VALUES "
                                      "if it is genuine")]
    return SourceFile(name, tree, data), []


def read_yaml_inside(path: Path, folder: Path, limits: Limits) -> tuple[SourceFile | None, list[Diagnostic]]:
    """:func:`read_yaml`, for a file that is, or links to, a file inside ``folder``: a link out of
    it is S001 and not read, so that a source (say, of a pull request) cannot make legalgen read,
    print or publish a file elsewhere on the machine."""
    if path.is_symlink():
        try:
            target = path.resolve()
        except RuntimeError:  # a link that leads back to itself
            return None, [Diagnostic("S001", "a link that cannot be followed (a loop?)",
                                     Location(display_path(path), 1, 1), hint="remove the link")]
        if not target.is_relative_to(folder.resolve()):
            return None, [Diagnostic("S001", f"a link to {target}, outside the source folder; legalgen reads no "
                                             "file outside it", Location(display_path(path), 1, 1),
                                     hint="copy the file into the source folder instead of linking it")]
    return read_yaml(path, display_path(path), limits)


def yaml_files(folder: Path) -> list[Path]:
    """The YAML files of a source folder (``*.yaml`` and ``*.yml``), by name."""
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def _mark(name: str, error: MarkedYAMLError) -> Location:
    mark = error.problem_mark or error.context_mark
    return Location(name, mark.line + 1, mark.column + 1) if mark else Location(name, 1, 1)


def _offset_location(name: str, text: str | bytes, offset: int) -> Location:
    """The 1-based line and column of a character (or byte) offset."""
    newline = "\n" if isinstance(text, str) else b"\n"
    before = text[:offset]
    line_start = before.rfind(newline) + 1  # type: ignore[arg-type]
    return Location(name, before.count(newline) + 1, offset - line_start + 1)  # type: ignore[arg-type]


def _plain(node: Any, count: list[int], budget: int, parents: set[int]) -> Any:
    """Copy the constructed value into fresh dicts and lists, keys as text.

    Aliases share one object; here each is expanded, so ``count`` (every value made) is
    held to ``budget``, and a container that contains itself is refused.
    """
    count[0] += 1
    if count[0] > budget:
        raise _Budget(f"YAML aliases expand the file to more than {budget} values")
    if isinstance(node, (dict, list)):
        if id(node) in parents:
            raise _Budget("a YAML alias refers to a value that contains it")
        parents.add(id(node))
        try:
            if isinstance(node, dict):
                return {str(key): _plain(value, count, budget, parents) for key, value in node.items()}
            return [_plain(item, count, budget, parents) for item in node]
        finally:
            parents.discard(id(node))
    return node
