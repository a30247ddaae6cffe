"""Read YAML files while keeping where every key and value stands.

ruamel.yaml's round-trip loader records line and column for each mapping key, mapping
value and sequence item. :class:`SourceFile` keeps the parsed tree and answers "where is
the node at this path?", which turns validation errors into ``file:line:col``.

Reading is bounded (:class:`Limits`): a file that is too large, nested too deeply or whose
aliases would expand beyond the node budget ("billion laughs") is refused with ``S011``
before it can use unbounded time or memory. Text that is not UTF-8, control characters the
YAML reader refuses and integers too long to convert are ``S001`` at their position.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from legalgen.diagnostics import Diagnostic, Location

#: A path into a parsed YAML document: mapping keys and sequence indexes.
NodePath = tuple[str | int, ...]


@dataclass(frozen=True)
class Limits:
    """Bounds on one source file; each can be raised by an environment variable.

    =========================  =========  ==============================================
    LEGALGEN_MAX_FILE_BYTES    5000000    size of one YAML file
    LEGALGEN_MAX_DEPTH         40         nesting of mappings and sequences
    LEGALGEN_MAX_NODES         1000000    values in one file, counting every alias
                                          expansion (a source has a few thousand)
    =========================  =========  ==============================================
    """

    max_bytes: int = 5_000_000
    max_depth: int = 40
    max_nodes: int = 1_000_000

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The limits with any ``LEGALGEN_MAX_*`` override; a bad value is a ``ValueError``."""
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for field, variable in (("max_bytes", "LEGALGEN_MAX_FILE_BYTES"), ("max_depth", "LEGALGEN_MAX_DEPTH"),
                                ("max_nodes", "LEGALGEN_MAX_NODES")):
            text = environ.get(variable, "").strip()
            if text:
                if not text.isdigit() or int(text) < 1 or len(text) > 12:
                    raise ValueError(f"{variable} must be a positive whole number, not {text!r}")
                values[field] = int(text)
        return cls(**values)


@dataclass(frozen=True)
class SourceFile:
    """A parsed YAML file: its display name, the tree with positions, and its plain data."""

    name: str
    tree: Any
    data: Any

    def locate(self, path: NodePath, *, key: bool = False) -> Location:
        """Where the node at ``path`` stands; with ``key``, where its mapping key stands.

        A path that goes further than the tree (a missing key) resolves to the deepest
        node that exists, which is where the missing value belongs.
        """
        node = self.tree
        line, col = 0, 0
        if isinstance(node, (CommentedMap, CommentedSeq)):
            line, col = node.lc.line, node.lc.col
        for index, step in enumerate(path):
            last = index == len(path) - 1
            if isinstance(node, CommentedMap) and step in node:
                line, col = node.lc.key(step) if (key and last) else node.lc.value(step)
                node = node[step]
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
                line, col = node.lc.item(step)
                node = node[step]
            else:
                break
        return Location(self.name, line + 1, col + 1)

    def node(self, path: NodePath) -> Any:
        """The node at ``path``, or ``None`` when the path does not exist."""
        node = self.tree
        for step in path:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return None
        return node


class _TooDeep(MarkedYAMLError):
    """Raised by the composer when nesting exceeds the limit."""


class _Composer(Composer):
    """Counts nesting while composing, so deep input stops with a position, not RecursionError."""

    max_depth = Limits.max_depth
    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                event = self.parser.peek_event()
                raise _TooDeep(None, None, f"nesting deeper than {self.max_depth} levels", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Constructor(RoundTripConstructor):
    """Keeps timestamps as text (the model parses dates, so a bad one is reported in place)
    and turns integers too long to convert into a positioned error."""

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise ConstructorError(None, None, "integer too long", node.start_mark) from None


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)


class _Budget(Exception):
    """The plain data would exceed the node budget, or an alias contains itself."""


def read_yaml(path: Path, name: str, limits: Limits | None = None) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Parse one YAML file; every way it can fail is one positioned diagnostic.

    ``S001`` for a file that cannot be read, is not UTF-8 or is not valid YAML, ``S011``
    for one beyond :class:`Limits`.
    """
    limits = limits or Limits()
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return None, [Diagnostic("S011", f"file of {size} bytes is larger than the limit of {limits.max_bytes}",
                                     Location(name, 1, 1), hint="raise LEGALGEN_MAX_FILE_BYTES if it is genuine")]
        raw = path.read_bytes()
    except OSError as error:
        return None, [Diagnostic("S001", f"cannot read file: {error.strerror or error}", Location(name, 1, 1))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [Diagnostic("S001", f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8",
                                 _offset_location(name, raw, error.start))]
    yaml = YAML(typ="rt")
    yaml.Composer = _Composer
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    yaml.composer.max_depth = limits.max_depth
    try:
        tree = yaml.load(text)
    except _TooDeep as error:
        return None, [Diagnostic("S011", f"{error.problem}", _mark(name, error),
                                 hint="raise LEGALGEN_MAX_DEPTH if it is genuine")]
    except MarkedYAMLError as error:
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        return None, [Diagnostic("S001", f"YAML syntax: {problem}", _mark(name, error))]
    except ReaderError as error:
        where = _offset_location(name, text, error.position)
        return None, [Diagnostic("S001", f"YAML: character {error.character!r} is not allowed in YAML text", where)]
    except (YAMLError, RecursionError) as error:
        return None, [Diagnostic("S001", f"YAML: {' '.join(str(error).split())}", Location(name, 1, 1))]
    if tree is None:
        tree = CommentedMap()
    try:
        data = _plain(tree, [0], limits.max_nodes, set())
    except _Budget as error:
        return None, [Diagnostic("S011", str(error), Location(name, 1, 1),
                                 hint="avoid YAML aliases that repeat large parts; raise LEGALGEN_MAX_NODES "
                                      "if it is genuine")]
    return SourceFile(name, tree, data), []


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
    """Convert ruamel's commented containers and scalars to plain Python values.

    Aliases share one object in the tree; here each is expanded, so ``count`` (every value
    made) is held to ``budget``, and a container that contains itself is refused.
    """
    count[0] += 1
    if count[0] > budget:
        raise _Budget(f"the file expands to more than {budget} values (YAML aliases count each time they are used)")
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
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node
