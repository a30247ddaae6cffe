"""Read YAML files while keeping where every key and value stands.

ruamel.yaml's round-trip loader records line and column for each mapping key, mapping
value and sequence item. :class:`SourceFile` keeps the parsed tree and answers "where is
the node at this path?", which turns validation errors into ``file:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from legalgen.diagnostics import Diagnostic, Location

#: A path into a parsed YAML document: mapping keys and sequence indexes.
NodePath = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceFile:
    """A parsed YAML file: its display name, plain data, and the tree with positions."""

    name: str
    tree: Any

    @property
    def data(self) -> Any:
        """The document as plain dicts, lists and scalars (what the model validates)."""
        return _plain(self.tree)

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


class _Constructor(RoundTripConstructor):
    """Keeps timestamps as text: the model parses dates, so a bad one is reported in place."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


def read_yaml(path: Path, name: str) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Parse one YAML file; a syntax error becomes an ``S001`` diagnostic at its position."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Diagnostic("S001", f"cannot read file: {error}", Location(name))]
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        return None, [Diagnostic("S001", f"YAML syntax: {problem}", location)]
    except YAMLError as error:
        return None, [Diagnostic("S001", f"YAML: {error}", Location(name))]
    return SourceFile(name, tree if tree is not None else CommentedMap()), []


def _plain(node: Any) -> Any:
    """Convert ruamel's commented containers and scalars to plain Python values."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node
