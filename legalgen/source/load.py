"""Load a policy source directory into a :class:`~legalgen.source.model.Policy`.

A source directory holds ``site.yaml`` (the site and the company) and one YAML file per
document, each naming its ``kind``. Loading never stops at the first problem: it collects
every problem as a :class:`~legalgen.diagnostics.Diagnostic` with the ``file:line:col`` of
the YAML node, and raises :class:`~legalgen.diagnostics.SourceError` with all of them.

Source error codes (the compliance rules use the G/C/K/R/I codes of REQUIREMENTS.md):

====  ===========================================================
S001  the file cannot be read or is not valid YAML
S002  unknown key (with a did-you-mean)
S003  wrong type or value
S004  invalid date
S005  invalid ISO 8601 period
S006  duplicate id, document kind or custom document id
S007  reference to an unknown id
S008  localized text missing a locale the site publishes
S009  required key missing
S010  the source directory lacks site.yaml or documents
S011  a file beyond the reading limits (size, nesting, alias expansion)
S012  the source is written for another format (``legalgen migrate`` updates an older one)
S013  a brand's override that matches nothing in the base source (a file or a list item id)
====  ===========================================================

A source that loaded without problems is kept in the legalgen cache (:mod:`legalgen.cache`)
under a hash of its files (names, order and parsed data), so the same source is not validated again.

Schema, reference and locale problems are found in one pass: the cross-checks read the
plain data of every file, so a type error in one place does not hide a missing
translation or an unknown id in another.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from legalgen import cache
from legalgen.diagnostics import Diagnostic, Location, SourceError, display_path
from legalgen.source import model as m
from legalgen.source.migrate import FORMAT, SITE_FILE, migrated, source_format
from legalgen.source.reader import (
    Limits,
    NodePath,
    SourceFile,
    overlay,
    read_yaml_inside,
    yaml_files,
)

_DOCUMENT_MODELS: dict[str, type[BaseModel]] = {
    "privacy": m.PrivacyDocument,
    "cookies": m.CookiesDocument,
    "refund": m.RefundDocument,
    "imprint": m.ImprintDocument,
    "custom": m.CustomDocument,
}
#: In a custom document: the block type, its list of items and what they are, for ids and references.
_BLOCK_LISTS = {"data": ("categories", "data category"), "purposes": ("purposes", "purpose"),
                "recipients": ("recipients", "recipient")}
#: Folders the site engine writes into every locale: no document may take them.
_THEME_PATHS = {"assets": "theme files", "search": "search index", "stylesheets": "style sheets",
                "javascripts": "scripts"}
_DATE_ERRORS = {"date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type"}
_PREFERENCE = {"S005": 0, "S004": 1, "S002": 2, "S009": 3, "S003": 4}


@dataclass(frozen=True)
class LoadedPolicy:
    """A validated policy with the parsed files, so every value can be located."""

    policy: m.Policy
    root: Path
    files: Mapping[str, SourceFile]
    limits: Limits = field(default_factory=Limits)
    #: The shared base source, when ``root`` is a brand folder that overrides it.
    base: Path | None = None

    def locate(self, part: str, path: NodePath = (), *, key: bool = False) -> Location:
        """Where the node at ``path`` stands in ``part`` (``"site"`` or a document's key)."""
        return self.files[part].locate(path, key=key)

    def source_files(self) -> dict[str, bytes]:
        """The source as a release freezes it, by file name: the files themselves, or for a
        brand the base with the brand's overrides, written out as YAML."""
        if self.base is None:
            return {path.name: path.read_bytes() for path in yaml_files(self.root)}
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = False
        yaml.allow_unicode = True
        yaml.representer.sort_base_mapping_type_on_output = False  # keep the order as written
        files = {}
        for source in self.files.values():
            stream = io.StringIO()
            yaml.dump(source.data, stream)
            files[Path(source.name).name] = stream.getvalue().encode("utf-8")
        return dict(sorted(files.items()))


def load_policy(root: Path, limits: Limits | None = None, *, frozen: bool = False,
                base: Path | None = None) -> LoadedPolicy:
    """Read, validate and cross-check the source in ``root``; raise ``SourceError`` on problems.

    Every problem of every file is collected before raising: the cross-checks (S006-S008)
    run on the plain data, so they do not wait for the schema errors to be fixed. A
    ``frozen`` source (the copy a release keeps) written for an older format is migrated
    in memory; the current source must be written for the current format (S012). With a
    ``base``, ``root`` is a brand folder that overrides the base source (see
    :mod:`legalgen.site.brands`); its released versions live in ``root``.
    """
    limits = limits or Limits()
    files, diagnostics = _read_files(root, limits, base)
    files = _in_format(files, diagnostics, frozen=frozen)
    data_key = None if diagnostics or frozen else _data_key(files)  # frozen: cached by release hash
    cached = cache.kept("source", data_key, m.Policy) if data_key else None
    if cached is not None:
        return LoadedPolicy(cached, root, files, limits, base)
    site_file = files.get("site")
    site = _validate(site_file, m.SiteFile, diagnostics) if site_file else None
    documents: dict[str, Any] = {}
    for key, source, cls in _models(files):
        if key != "site":
            document = _validate(source, cls, diagnostics)
            if document is not None:
                documents[key] = document
    unread = any(d.code in _UNREAD for d in diagnostics)  # a file that may be the privacy document
    diagnostics += [*_missing_locales(files), *_duplicate_ids(files), *_unknown_references(files, unread),
                    *_custom_ids(files)]
    diagnostics += _shared_slugs(files, documents)
    if site is None or diagnostics:
        raise SourceError(diagnostics)
    policy = m.Policy(site=site.site, company=site.company, documents=documents)
    if data_key:
        cache.keep("source", data_key, policy)
    return LoadedPolicy(policy, root, files, limits, base)


def _data_key(files: Mapping[str, SourceFile]) -> str:
    """A hash of what a validated policy is made of: the files in the order they were read
    (which orders the documents), each with its key, name and parsed data (plain dicts, lists,
    strings, numbers and booleans, whose ``repr`` tells each type apart)."""
    text = repr([(key, source.name, source.data) for key, source in files.items()])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _in_format(files: dict[str, SourceFile], diagnostics: list[Diagnostic], *, frozen: bool) -> dict[str, SourceFile]:
    """``files`` in the current format: a frozen source migrated in memory, else S012 for another format."""
    site = files.get("site")
    if site is None:
        return files
    written = source_format(site.data)
    if written is None or written == FORMAT:
        return files  # a format that is not a number is reported by validation
    stated = "format" in site.data  # a dict: source_format gave a number
    where = site.locate(("format",) if stated else ())
    if written > FORMAT:
        diagnostics.append(Diagnostic("S012", f"the source is written for format {written}; this legalgen reads "
                                              f"format {FORMAT}", where, hint="upgrade legalgen"))
        return files
    if not frozen:
        diagnostics.append(Diagnostic(
            "S012", f"the source is written for format {written}" if stated else
                    "site.yaml does not state its format", where,
            hint=f"a source for an older legalgen: `legalgen migrate` rewrites it for format {FORMAT} and prints "
                 f"every change; a new source: add `format: {FORMAT}` at the top of site.yaml"))
        return files
    names = {Path(source.name).name: key for key, source in files.items()}
    data = migrated({name: files[key].data for name, key in names.items()}, written)
    return {key: replace(files[key], data=data[name]) for name, key in names.items()}


def _read_files(root: Path, limits: Limits, base: Path | None = None) -> tuple[dict[str, SourceFile], list[Diagnostic]]:
    """Parse site.yaml and every document file; key them by ``site`` or the document's key.

    A built-in document is known by its kind, a custom document by its ``id``; a custom
    document whose id cannot be read is kept under its file name, so that validation
    reports what is wrong with it. With a ``base``, ``root`` is a brand folder whose files
    are put over the base's files of the same name (:func:`~legalgen.source.reader.overlay`).
    """
    diagnostics: list[Diagnostic] = []
    files: dict[str, SourceFile] = {}
    folder = base or root
    for where in dict.fromkeys([folder, root]):
        if not where.is_dir():
            what = "policy source directory" if where == folder else "brand folder"
            return files, [Diagnostic("S010", f"{what} not found", Location(display_path(where), 1, 1))]
    paths = yaml_files(folder)
    site_path = folder / SITE_FILE
    if site_path not in paths:
        diagnostics.append(
            Diagnostic("S010", f"no {SITE_FILE} in the source directory", Location(display_path(folder), 1, 1),
                       hint="legalgen expects site.yaml with 'site' and 'company'")
        )
    overrides = {path.name: path for path in yaml_files(root)} if base else {}
    for name in sorted(set(overrides) - {path.name for path in paths}):
        diagnostics.append(Diagnostic(
            "S013", f"the brand's {name} matches no file of the base source {display_path(folder)}",
            Location(display_path(overrides[name]), 1, 1),
            hint="a brand file overrides the base file of the same name; name it like one of: "
                 + ", ".join(path.name for path in paths)))
    for path in paths:
        source, problems = read_yaml_inside(path, folder, limits)
        diagnostics += problems
        if source is not None and path.name in overrides:
            override, problems = read_yaml_inside(overrides[path.name], root, limits)
            diagnostics += problems
            changed = _identity_kept(source, override) if override is not None else []
            diagnostics += changed
            if override is not None and not changed:
                source, problems = overlay(source, override, m.SUPPORTED_LOCALES)
                diagnostics += problems
        if source is None:
            continue
        if path == site_path:
            files["site"] = source
            continue
        kind = _document_kind(source, diagnostics)
        if kind is None:
            continue
        key = kind
        if kind == "custom":
            ident = source.data.get("id")
            key = ident if isinstance(ident, str) and ident not in m.RESERVED_IDS else path.name
        if key in files:
            what = f"a second {kind} document" if kind != "custom" else f"a second document with the id {key!r}"
            diagnostics.append(
                Diagnostic("S006", f"{what} (the first is {files[key].name})",
                           source.locate(("kind",) if kind != "custom" else ("id",)))
            )
            continue
        files[key] = source
    if paths and len(files) == int("site" in files) and not diagnostics:
        diagnostics.append(Diagnostic("S010", "the source has no documents", Location(display_path(folder), 1, 1)))
    return files, diagnostics


def _identity_kept(base: SourceFile, override: SourceFile) -> list[Diagnostic]:
    """S013 when a brand file changes what its base file is: a document's ``kind`` or a custom
    document's ``id``."""
    if not isinstance(base.data, dict) or not isinstance(override.data, dict):
        return []
    return [Diagnostic("S013", f"a brand cannot change the {key} of a document ({base.data.get(key)!r} in the base)",
                       override.locate((key,)), hint=f"remove {key} from the brand's file")
            for key in ("kind", "id") if key in override.data and override.data[key] != base.data.get(key)]


def _document_kind(source: SourceFile, diagnostics: list[Diagnostic]) -> str | None:
    """The ``kind`` of a document file, or ``None`` with a diagnostic saying why not."""
    data = source.data
    if not isinstance(data, dict) or "kind" not in data:
        diagnostics.append(
            Diagnostic("S009", "missing required key 'kind'", source.locate(()),
                       hint=f"one of: {', '.join(m.ALL_KINDS)}")
        )
        return None
    kind = data["kind"]
    if not isinstance(kind, str) or kind not in _DOCUMENT_MODELS:
        diagnostics.append(
            Diagnostic("S003", f"unknown document kind {kind!r}{_did_you_mean(str(kind), m.ALL_KINDS)}",
                       source.locate(("kind",)))
        )
        return None
    return str(kind)


def _validate(source: SourceFile, cls: type[BaseModel], diagnostics: list[Diagnostic]) -> Any:
    """Validate ``source`` as ``cls``; turn each error into a positioned diagnostic."""
    try:
        return cls.model_validate(source.data)
    except ValidationError as error:
        diagnostics += validation_diagnostics(error, source, cls)
        return None


def validation_diagnostics(error: ValidationError, source: SourceFile, cls: type[BaseModel]) -> list[Diagnostic]:
    """One diagnostic per failing node: the most specific one when a union failed twice."""
    best: dict[NodePath, Diagnostic] = {}
    data = source.data
    for detail in error.errors(include_url=False):
        path = _data_path(data, detail)
        diagnostic = _diagnostic(detail, path, source, cls)
        current = best.get(path)
        if current is None or _PREFERENCE[diagnostic.code] < _PREFERENCE[current.code]:
            best[path] = diagnostic
    return list(best.values())


def _data_path(data: Any, detail: ErrorDetails) -> NodePath:
    """The error's location as a path into the data, without pydantic's union tags."""
    path: list[str | int] = []
    node = data
    loc = detail["loc"]
    for index, step in enumerate(loc):
        exists = (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        )
        if exists:
            node = node[step]
            path.append(step)
        elif index == len(loc) - 1 and detail["type"] == "missing":
            path.append(step)
    return tuple(path)


def _diagnostic(detail: ErrorDetails, path: NodePath, source: SourceFile, cls: type[BaseModel]) -> Diagnostic:
    """Map one pydantic error to a source diagnostic."""
    kind = detail["type"]
    where = ".".join(str(step) for step in path) or "document"
    value = detail.get("input")
    if kind == "extra_forbidden":
        name = str(path[-1])
        options = _field_names(cls, path[:-1])
        return Diagnostic("S002", f"unknown key {name!r} in {_parent(path)}{_did_you_mean(name, options)}",
                          source.locate(path, key=True))
    if kind == "missing":
        return Diagnostic("S009", f"missing required key {str(path[-1])!r} in {_parent(path)}",
                          source.locate(path[:-1]))
    if kind == "period":
        return Diagnostic("S005", f"{where}: {detail['msg']}", source.locate(path))
    if kind in _DATE_ERRORS:
        return Diagnostic("S004", f"{where}: {value!r} is not a valid date (use YYYY-MM-DD)", source.locate(path))
    message = detail["msg"]
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return Diagnostic("S003", f"{where}: {message}", source.locate(path))


def _parent(path: NodePath) -> str:
    parent = ".".join(str(step) for step in path[:-1])
    return parent or "the top level"


def _did_you_mean(name: str, options: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _field_names(cls: type[BaseModel], path: NodePath) -> list[str]:
    """Keys allowed at ``path`` below ``cls``, found by following field annotations."""
    current: Any = cls
    for step in path:
        if isinstance(step, int):
            continue
        fields = getattr(current, "model_fields", {})
        if step not in fields:
            return []
        current = _model_in(fields[step].annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside ``X | None``, ``list[X]``, ``dict[str, X]`` or ``Annotated``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None:
        return None
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _model_in(args[0])
    if origin in (list, tuple, typing.Union, types.UnionType, dict):
        for arg in reversed(args) if origin is dict else args:
            found = _model_in(arg)
            if found is not None:
                return found
    return None


# --------------------------------------------------------------------------- cross-checks


def walk_model(value: Any, path: NodePath = ()) -> Iterator[tuple[NodePath, Any]]:
    """Every model, list item and value below ``value``, with its source path (texts are leaves)."""
    yield path, value
    if isinstance(value, m.Text):
        return
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            child = getattr(value, name)
            if child is not None:
                yield from walk_model(child, (*path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_model(item, (*path, index))


def _models(files: Mapping[str, SourceFile]) -> Iterator[tuple[str, SourceFile, type[BaseModel]]]:
    """Each parsed file with the model its data should validate as."""
    for part, source in files.items():
        yield part, source, m.SiteFile if part == "site" else _DOCUMENT_MODELS[source.data["kind"]]


def text_values(cls: Any, data: Any, path: NodePath = ()) -> Iterator[tuple[NodePath, Any]]:
    """Every value of ``data`` that the model ``cls`` reads as a localized :class:`~legalgen.source.model.Text`.

    Follows the field annotations through the plain data, so it works on data that does
    not validate as a whole.
    """
    if isinstance(data, list):
        for index, item in enumerate(data):
            yield from text_values(cls, item, (*path, index))
        return
    if cls is m.Text or (isinstance(cls, type) and issubclass(cls, m.Text)):
        yield path, data
        return
    fields = getattr(cls, "model_fields", None)
    if not fields or not isinstance(data, dict):
        return
    for name, value in data.items():
        if name in fields:
            inner = _model_in(fields[name].annotation)
            if inner is not None:
                yield from text_values(inner, value, (*path, name))


def _site_locales(files: Mapping[str, SourceFile]) -> list[str]:
    """The locales site.yaml publishes, as far as they can be read."""
    site = files["site"].data.get("site") if "site" in files and isinstance(files["site"].data, dict) else None
    locales = site.get("locales") if isinstance(site, dict) else None
    if not isinstance(locales, list):
        return []
    return [locale for locale in locales if locale in m.SUPPORTED_LOCALES]


def _translation(value: Any) -> str:
    """The text of one locale of a localized text: a string, or ``{text: ..., reviewed: ...}``."""
    if isinstance(value, dict):
        value = value.get("text")
    return value if isinstance(value, str) else ""


def _missing_locales(files: Mapping[str, SourceFile]) -> Iterator[Diagnostic]:
    """S008: every localized text has every locale the site publishes."""
    locales = _site_locales(files)
    for part, source, cls in _models(files):
        for path, value in text_values(cls, source.data):
            if not isinstance(value, dict):
                continue
            missing = [locale for locale in locales if not _translation(value.get(locale)).strip()]
            if missing:
                yield Diagnostic(
                    "S008", f"{'.'.join(map(str, path))}: text lacks locale {', '.join(missing)}",
                    source.locate(path),
                    hint=f"the site publishes {', '.join(locales)}; add a translation for each",
                )


def _lists_of_ids(data: Any, path: NodePath = ()) -> Iterator[tuple[NodePath, list[Any]]]:
    """Every list of mappings with an ``id`` below ``data``."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _lists_of_ids(value, (*path, key))
    elif isinstance(data, list):
        if data and all(isinstance(item, dict) and "id" in item for item in data):
            yield path, data
        for index, item in enumerate(data):
            yield from _lists_of_ids(item, (*path, index))


def _duplicate_ids(files: Mapping[str, SourceFile]) -> Iterator[Diagnostic]:
    """S006: ids are unique within each list."""
    for source in files.values():
        for path, items in _lists_of_ids(source.data):
            seen: dict[str, int] = {}
            for index, item in enumerate(items):
                ident = item["id"]
                if not isinstance(ident, str):
                    continue
                if ident in seen:
                    first = source.locate((*path, seen[ident], "id"))
                    yield Diagnostic("S006", f"duplicate id {ident!r} (first defined at line {first.line})",
                                     source.locate((*path, index, "id")))
                else:
                    seen[ident] = index


def _items(data: Any, key: str) -> list[Any]:
    """``data[key]`` when ``data`` is a mapping and that is a list, else an empty list."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _ids(data: Any, key: str) -> set[str]:
    return {item["id"] for item in _items(data, key) if isinstance(item, dict) and isinstance(item.get("id"), str)}


#: The codes of a file that could not be read at all (unreadable, empty, beyond a limit).
_UNREAD = {"S001", "S009", "S011"}


def _unknown_references(files: Mapping[str, SourceFile], unread: bool = False) -> Iterator[Diagnostic]:
    """S007: purposes and trackers only name data categories and recipients that exist. While
    a file could not be read (``unread``) and no privacy document was, the trackers' recipients
    are not checked: they may be the unread file's, whose own error is the one to fix."""
    privacy = files.get("privacy")
    data = privacy.data if privacy else None
    categories, recipients = _ids(data, "data_categories"), _ids(data, "recipients")

    def check(source: SourceFile, path: NodePath, ref: Any, known: set[str], what: str) -> Iterator[Diagnostic]:
        if not isinstance(ref, str) or ref in known:
            return
        hint = f"defined: {', '.join(sorted(known))}" if known else "the privacy document defines none"
        yield Diagnostic("S007", f"unknown {what} {ref!r}{_did_you_mean(ref, known)}", source.locate(path),
                         hint=hint)

    if privacy:
        for i, purpose in enumerate(_items(data, "purposes")):
            for j, ref in enumerate(_items(purpose, "data")):
                yield from check(privacy, ("purposes", i, "data", j), ref, categories, "data category")
            for j, ref in enumerate(_items(purpose, "recipients")):
                yield from check(privacy, ("purposes", i, "recipients", j), ref, recipients, "recipient")
    cookies = files.get("cookies")
    if cookies and (privacy or not unread):
        for i, tracker in enumerate(_items(cookies.data, "trackers")):
            if isinstance(tracker, dict) and tracker.get("provider") is not None:
                yield from check(cookies, ("trackers", i, "provider"), tracker["provider"], recipients, "recipient")
            for j, ref in enumerate(_items(tracker, "recipients")):
                yield from check(cookies, ("trackers", i, "recipients", j), ref, recipients, "recipient")


def _custom_blocks(files: Mapping[str, SourceFile]) -> Iterator[tuple[SourceFile, list[tuple[int, dict[str, Any]]]]]:
    """Each custom document file with its blocks (index and mapping) as far as they can be read."""
    for source in files.values():
        if isinstance(source.data, dict) and source.data.get("kind") == "custom":
            blocks = _items(source.data, "blocks")
            yield source, [(index, block) for index, block in enumerate(blocks) if isinstance(block, dict)]


def _custom_ids(files: Mapping[str, SourceFile]) -> Iterator[Diagnostic]:
    """S006 and S007 within a custom document.

    Ids of data categories, purposes and recipients are unique across all blocks of the
    document, and a purpose names only the data categories and recipients of its own document.
    """
    for source, blocks in _custom_blocks(files):
        known: dict[str, dict[str, NodePath]] = {kind: {} for kind in _BLOCK_LISTS}
        for index, block in blocks:
            block_type = block.get("type")
            if block_type not in _BLOCK_LISTS:
                continue
            field, what = _BLOCK_LISTS[block_type]
            for j, item in enumerate(_items(block, field)):
                ident = item.get("id") if isinstance(item, dict) else None
                if not isinstance(ident, str):
                    continue
                where: NodePath = ("blocks", index, field, j, "id")
                first = known[block_type].get(ident)
                if first is not None and first[1] != index:
                    yield Diagnostic("S006", f"duplicate {what} id {ident!r} (first defined at line "
                                             f"{source.locate(first).line})", source.locate(where))
                known[block_type].setdefault(ident, where)
        for index, block in blocks:
            if block.get("type") != "purposes":
                continue
            for i, purpose in enumerate(_items(block, "purposes")):
                for field, block_type, what in (("data", "data", "data category"),
                                                 ("recipients", "recipients", "recipient")):
                    defined = known[block_type]
                    for j, ref in enumerate(_items(purpose, field)):
                        if isinstance(ref, str) and ref not in defined:
                            hint = (f"defined: {', '.join(sorted(defined))}" if defined
                                    else f"this document has no {block_type} block")
                            yield Diagnostic("S007", f"unknown {what} {ref!r}{_did_you_mean(ref, defined)}",
                                             source.locate(("blocks", index, "purposes", i, field, j)), hint=hint)


def slug_location(file: SourceFile, document: Any) -> Location:
    """Where a document's URL path is written: its ``slug``, else its ``id`` or ``kind``."""
    return file.locate(("slug",) if document.slug else ("id",) if document.kind == "custom" else ("kind",))


def _shared_slugs(files: Mapping[str, SourceFile], documents: Mapping[str, Any]) -> list[Diagnostic]:
    """S006: no two documents publish under the same URL path, and none where the theme writes its own files."""
    found: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for key, document in documents.items():
        slug = str(document.slug or document.key)
        where = slug_location(files[key], document)
        if slug in _THEME_PATHS:
            found.append(Diagnostic("S006", f"{key} would be published at {slug}/, where the site keeps its "
                                            f"{_THEME_PATHS[slug]}", where,
                                    hint="give the document another slug"))
            continue
        if slug in seen:
            found.append(Diagnostic("S006", f"{key} and {seen[slug]} would both be published at {slug}/",
                                    where, hint="give one of them another slug"))
        else:
            seen[slug] = key
    return found
