"""Source formats, and the migrations that carry a source from one format to the next.

``site.yaml`` states the format its source is written for (``format: 2``). When a change of
the model would make an existing source mean something else, or no longer load, the
format number goes up and a migration here says, field by field, how a source of the
previous format says the same thing in the new one.

- The current source must be written for the current format; ``legalgen migrate``
  rewrites it (comments and layout kept) and prints every change with its ``file:line``.
- Frozen sources under ``versions/`` are immutable (their hash covers them): they are
  migrated in memory each time they are read, so an old release keeps loading and keeps
  meaning what it meant when it was released.

Format 1 (no ``format`` key) is the model in which defaults made commitments: a privacy
notice without ``rights.response_time`` promised an answer within one month, a ``breach``
section promised to notify the authority within 72 hours and the people affected, a data
category without ``source`` was collected from the person, and a cookie policy explained
browser controls unless told not to. Format 2 states only what the source states, so the
migration writes those values out.

Format 2 still said three things no field stated: a withdrawal without ``contract`` got the
statutory information for services, an answer within one month reserved the extension of
Art. 12(3), and a minimum age for children said the service is not directed at younger
ones. Format 3 states each only with its field (``withdrawal.contract``,
``rights.extension``, ``children.not_directed``), and the migration writes them out.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from legalgen.diagnostics import Diagnostic, LegalgenError, Location, SourceError, display_path
from legalgen.source.reader import Limits, NodePath, SourceFile, read_yaml_inside, yaml_files

#: The format this version of legalgen reads and writes.
FORMAT = 3
SITE_FILE = "site.yaml"


@dataclass(frozen=True)
class Edit:
    """One value a migration sets: in which file, where, to what, and why."""

    file: str
    path: NodePath
    value: Any
    reason: str


Migration = Callable[[Mapping[str, Any]], Iterator[Edit]]


def _documents(files: Mapping[str, Any]) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """Each file that holds a mapping, by name: its name, its ``kind`` and its data."""
    for name, data in sorted(files.items()):
        if isinstance(data, dict):
            yield name, data.get("kind"), data


def _to_2(files: Mapping[str, Any]) -> Iterator[Edit]:
    """Format 1 -> 2: the commitments format 1 made by default become explicit values."""
    for name, kind, data in _documents(files):
        if kind == "privacy":
            rights = data.get("rights")
            if isinstance(rights, dict) and "response_time" not in rights:
                yield Edit(name, ("rights", "response_time"), "P1M",
                           "format 1 promised an answer within one month unless told otherwise")
            breach = data.get("breach")
            if isinstance(breach, dict):
                if "authority_within" not in breach:
                    yield Edit(name, ("breach", "authority_within"), "PT72H",
                               "format 1 promised to notify the authority within 72 hours")
                if "notify_data_subjects" not in breach:
                    yield Edit(name, ("breach", "notify_data_subjects"), True,
                               "format 1 promised to inform the people affected by a high-risk breach")
            categories = data.get("data_categories")
            for index, category in enumerate(categories if isinstance(categories, list) else []):
                if isinstance(category, dict) and "source" not in category:
                    yield Edit(name, ("data_categories", index, "source"), "data_subject",
                               "format 1 took data as collected from the person unless told otherwise")
            children = data.get("children")
            if isinstance(children, dict) and "no_knowing_collection" not in children:
                yield Edit(name, ("children", "no_knowing_collection"), True,
                           "format 1 stated that children's data is not knowingly collected")
        elif kind == "cookies" and "browser_controls" not in data:
            yield Edit(name, ("browser_controls",), True,
                       "format 1 explained browser controls unless told otherwise")
    yield Edit(SITE_FILE, ("format",), 2, "the source is now written for format 2")


def _to_3(files: Mapping[str, Any]) -> Iterator[Edit]:
    """Format 2 -> 3: what format 2 said for a value, and no field said, becomes a value."""
    for name, kind, data in _documents(files):
        if kind == "privacy":
            rights = data.get("rights")
            if isinstance(rights, dict) and rights.get("response_time") == "P1M" and "extension" not in rights:
                yield Edit(name, ("rights", "extension"), True,
                           "format 2 reserved the extension by two further months with an answer within one month")
            children = data.get("children")
            if isinstance(children, dict) and "not_directed" not in children:
                yield Edit(name, ("children", "not_directed"), True,
                           "format 2 stated that the service is not directed at children under the minimum age")
        elif kind == "refund":
            withdrawal = data.get("withdrawal")
            if isinstance(withdrawal, dict) and "contract" not in withdrawal:
                yield Edit(name, ("withdrawal", "contract"), "services",
                           "format 2 wrote the withdrawal information for services when the contract was not stated")
    yield Edit(SITE_FILE, ("format",), 3, "the source is now written for format 3")


#: Each migration by the format it leads to, from the one before.
MIGRATIONS: dict[int, Migration] = {2: _to_2, 3: _to_3}


def source_format(site: Any) -> int | None:
    """The format ``site.yaml``'s plain data states: 1 when it states none, ``None`` when it is not a number
    (or the file is not a mapping at all, which validation reports)."""
    if not isinstance(site, dict):
        return None
    if "format" not in site:
        return 1
    value = site["format"]
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def _migrate(files: Mapping[str, Any], start: int) -> tuple[list[Edit], dict[str, Any]]:
    """The edits that carry ``files`` (plain data by file name) from format ``start`` to :data:`FORMAT`,
    and a migrated copy; each migration sees the data as the previous ones left it."""
    data = copy.deepcopy(dict(files))
    edits: list[Edit] = []
    for target in range(start + 1, FORMAT + 1):
        step = [edit for edit in MIGRATIONS[target](data) if isinstance(data.get(edit.file, {}), dict)]
        for edit in step:
            apply(data, edit)
        edits += step
    return edits, data


def pending(files: Mapping[str, Any], start: int) -> list[Edit]:
    """Every edit that carries ``files`` from format ``start`` to :data:`FORMAT`."""
    return _migrate(files, start)[0]


def migrated(files: Mapping[str, Any], start: int) -> dict[str, Any]:
    """A migrated copy of ``files``; the originals stay as they are."""
    return _migrate(files, start)[1]


def apply(files: dict[str, Any], edit: Edit) -> None:
    """Set ``edit.value`` at ``edit.path`` in ``files[edit.file]``, creating mappings on the way."""
    _parent(files.setdefault(edit.file, {}), edit.path)[edit.path[-1]] = edit.value


def _parent(data: Any, path: NodePath) -> Any:
    """The mapping in ``data`` that holds the last step of ``path``."""
    for step in path[:-1]:
        data = data[step]
    return data


# --------------------------------------------------------------------------- rewriting a source


@dataclass(frozen=True)
class Located:
    """An edit with where it lands in its file (the value it replaces, or the mapping it joins)."""

    edit: Edit
    where: Location

    def __str__(self) -> str:
        path = ".".join(str(step) for step in self.edit.path)
        value = json.dumps(self.edit.value, ensure_ascii=False)
        return f"{self.where}: {path}: {value} ({self.edit.reason})"


def plan(root: Path, limits: Limits | None = None) -> tuple[int, list[Located]]:
    """The format the source in ``root`` is written for, and the located edits that bring it to :data:`FORMAT`.

    Raises :class:`~legalgen.diagnostics.SourceError` when a file cannot be read or the
    source is written for a newer format.
    """
    sources: dict[str, SourceFile] = {}
    problems: list[Diagnostic] = []
    for path in yaml_files(root):
        source, found = read_yaml_inside(path, root, limits or Limits())
        problems += found
        if source is not None:
            sources[path.name] = source
    if SITE_FILE not in sources and not problems:
        problems.append(Diagnostic("S010", f"no {SITE_FILE} in the source directory", Location(display_path(root))))
    if problems:
        raise SourceError(problems)
    site = sources[SITE_FILE]
    if not isinstance(site.data, dict):
        raise SourceError([Diagnostic("S003", "site.yaml must be a mapping with 'site' and 'company'",
                                      site.locate(()))])
    written = source_format(site.data)
    where = site.locate(("format",))
    if written is None:
        raise SourceError([Diagnostic("S003", "format: must be a whole number", where)])
    if written > FORMAT:
        raise SourceError([Diagnostic("S012", f"the source is written for format {written}; this legalgen reads "
                                              f"format {FORMAT}", where, hint="upgrade legalgen")])
    edits = pending({name: source.data for name, source in sources.items()}, written)
    located = [Located(edit, sources[edit.file].locate(edit.path)) for edit in edits]
    return written, sorted(located, key=lambda change: (change.where.file, change.where.line, change.where.col))


def rewrite(root: Path, edits: list[Edit]) -> list[str]:
    """Apply ``edits`` to the files in ``root``, keeping comments, quotes and layout; return the files changed.

    A file is rewritten only if it reads back the same without the edits (so its layout
    can be kept); otherwise nothing is written and :class:`~legalgen.diagnostics.LegalgenError`
    names the file, so the edits can be made by hand.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    from legalgen.writer import write_file

    by_file: dict[str, list[Edit]] = {}
    for edit in edits:
        by_file.setdefault(edit.file, []).append(edit)
    texts: dict[str, str] = {}
    linked = [root / name for name in by_file if (root / name).is_symlink()]
    if linked:
        raise LegalgenError(f"{', '.join(map(display_path, linked))}: a link, which migrate does not rewrite (the "
                            "file it leads to may serve others); nothing was written. Make the changes listed above "
                            "by hand, or put the file itself in the source folder.")
    for name, changes in by_file.items():
        path = root / name
        # the file's own line ends (Windows' CRLF) are kept, so that its diff shows only the edits
        text = path.read_bytes().decode("utf-8")
        newline = "\r\n" if "\r\n" in text else "\n"
        text = text.replace(newline, "\n")
        _, indent, offset = load_yaml_guess_indent(text)
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = 4096
        yaml.indent(mapping=2 if offset else indent, sequence=indent, offset=offset or 0)
        data = yaml.load(text)
        if "\r" in text or _dump(yaml, data) != text:  # "\r": line ends of two kinds
            raise LegalgenError(f"{display_path(path)}: its layout cannot be kept by an automatic rewrite; nothing "
                                "was written. Make the changes listed above by hand.")
        for edit in changes:
            if edit.path == ("format",):
                data.insert(0, "format", edit.value)
            else:
                _append(data, edit)
        texts[name] = _dump(yaml, data).replace("\n", newline)
    for name, text in texts.items():
        write_file(root / name, text)
    return sorted(texts)


def _append(data: Any, edit: Edit) -> None:
    """:func:`apply` on a round-trip mapping: a key added at the end of a mapping takes over the
    blank lines that followed the mapping's last entry (kept with its innermost last value), so
    that they still separate the mapping from what comes next."""
    node, key = _parent(data, edit.path), edit.path[-1]
    last = next(reversed(node), None) if key not in node else None
    node[key] = edit.value
    if last is None or not hasattr(node, "ca"):
        return
    container, inner = node, last
    while isinstance(container[inner], (dict, list)) and container[inner]:
        value = container[inner]
        container, inner = value, (next(reversed(value)) if isinstance(value, dict) else len(value) - 1)
    entry: Any = container.ca.items.get(inner) if hasattr(container, "ca") else None
    at = 2 if isinstance(container, dict) else 0  # where ruamel keeps what follows a key's value, or an item
    token = entry[at] if entry and len(entry) > at else None
    # what follows the entry's own line (blank lines, and comments on lines of their own, which
    # belong to what comes next); a comment on the entry's line stays with it, and so does what
    # follows a block scalar, whose text holds its own line end
    if token is not None and token.value.startswith("\n") and token.value.count("\n") >= 2:
        entry[at] = None
        node.ca.items[key] = [None, None, token, None]


def _dump(yaml: Any, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
