"""`legalgen diff`: what a change to the source means, for the reviewer of a pull request.

Two states of a source are compared: git revisions (read from git's objects, never checked
out) or folders. Per document: the facts that changed, each with the ``file:line`` it stands
at; whether the change is material and why; whether a release is needed and the earliest
date it can take effect under the site's notice period; the rendered redline in every
locale; and the check findings the change adds or fixes. Printed as text, as Markdown for a
pull request comment (within GitHub's 65,536 characters: redlines are cut first, never the
verdict), or as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from legalgen.check import check_policy
from legalgen.diagnostics import (
    Diagnostic,
    LegalgenError,
    Location,
    SourceError,
    display_path,
    printable,
    shown_as,
)
from legalgen.render.pages import render_document
from legalgen.render.renderer import LocaleRenderer
from legalgen.source.load import LoadedPolicy, load_policy
from legalgen.source.reader import Limits
from legalgen.versions import vcs
from legalgen.versions.diff import Change, classify, locate_change
from legalgen.versions.history import History, described, load_history, notice_ends, notice_owed
from legalgen.versions.redline import redline

#: GitHub's limit for the body of a pull request comment.
COMMENT_LIMIT = 65_536


@dataclass(frozen=True)
class Side:
    """One state of the source: where it comes from, and what it holds."""

    label: str
    loaded: LoadedPolicy
    history: History
    findings: list[Diagnostic]


@dataclass(frozen=True)
class DocumentReview:
    """What changed in one document."""

    key: str
    changes: list[tuple[Change, Location | None]]
    material: bool
    release_needed: bool
    earliest_effective: dt.date | None
    redlines: dict[str, str]
    status: str  # added, removed, changed, unchanged
    new_locales: tuple[str, ...] = ()  # languages of redlines that are all new text (a language or document added)
    #: The released version whose text the changed source gives, word for word in every language:
    #: the change needs no release (a fact stated that the pages already implied, say)
    reads_as: int | None = None
    #: The earliest effective date waits for the notice period (the change, or what the source
    #: holds beyond its latest release, is material)
    noticed: bool = False


@dataclass(frozen=True)
class Review:
    """The whole comparison."""

    base: str
    head: str
    as_of: dt.date
    notice_period: str
    documents: list[DocumentReview]
    new_findings: list[Diagnostic]
    fixed_findings: list[Diagnostic]

    @property
    def material(self) -> bool:
        """Whether any document changes materially."""
        return any(d.material for d in self.documents)


# --------------------------------------------------------------------------- reading a side


def default_base(source: Path) -> str:
    """The merge base of HEAD with the default branch (origin's HEAD, else main or master)."""
    top, _ = vcs.repository(source)
    candidates = []
    remote = vcs.git(top, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False)
    if remote.returncode == 0 and remote.stdout.strip():
        candidates.append(remote.stdout.strip())
    candidates += ["origin/main", "main", "origin/master", "master"]
    for branch in candidates:
        merge_base = vcs.git(top, "merge-base", "HEAD", branch, check=False)
        if merge_base.returncode == 0 and merge_base.stdout.strip():
            return merge_base.stdout.strip()
    raise LegalgenError("no default branch to compare with (main, master or origin's HEAD); name BASE")


#: The files of a source legalgen reads: its YAML files and the frozen texts below versions/.
_READ_SUFFIXES = (".yaml", ".yml", ".md")
#: The most those files of one revision may hold together.
MAX_REVISION_BYTES = 256 * 1024 * 1024


def extract(source: Path, revision: str, into: Path, *, brand: bool = False, limits: Limits | None = None) -> Path:
    """The source folder as it was at ``revision``, written below ``into`` from git's objects
    (no checkout, and no ``.gitattributes`` of the revision applies): the files legalgen reads,
    each within ``limits.max_bytes`` (S011 otherwise) and all within :data:`MAX_REVISION_BYTES`.
    A link there is S001: a revision's source is read from its own files only. A ``brand``
    folder need not hold a site.yaml."""
    limits = limits or Limits()
    top, inside = vcs.repository(source)
    vcs.require_commit(top, revision)
    problems: list[Diagnostic] = []
    wanted: list[tuple[PurePosixPath, vcs.TreeFile]] = []
    for entry in vcs.tree_files(top, revision, inside):
        relative = PurePosixPath(*entry.path.parts[len(inside.parts):])
        where = Location(f"{revision}:{entry.path.as_posix()}", 1, 1)
        if not relative.parts or any(part in ("..", ".") for part in relative.parts) or relative.is_absolute():
            problems.append(Diagnostic("S001", "a path git should not hold; the file is not read", where))
        elif entry.mode == "120000":
            problems.append(Diagnostic("S001", "a link; a revision's source is read from its own files, never "
                                               "through a link", where, hint="put the file itself in the folder"))
        elif entry.size is not None and entry.path.suffix in _READ_SUFFIXES:
            if entry.size > limits.max_bytes:
                problems.append(Diagnostic("S011", f"file of {entry.size} bytes is larger than the limit of "
                                                   f"{limits.max_bytes}", where,
                                           hint="raise LEGALGEN_MAX_FILE_BYTES if it is genuine"))
            else:
                wanted.append((relative, entry))
    if problems:
        raise SourceError(problems)
    total = sum(entry.size or 0 for _, entry in wanted)
    if total > MAX_REVISION_BYTES:
        raise LegalgenError(f"the source at {inside} in {revision} holds {total} bytes of YAML and Markdown, more "
                            f"than the {MAX_REVISION_BYTES} a comparison reads")
    folder = into / inside
    for (relative, _), content in zip(wanted, vcs.blobs(top, [entry.object for _, entry in wanted]), strict=True):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as stream:
            stream.write(content)
    if not (folder / "site.yaml").is_file() and not (brand and folder.is_dir()):
        raise LegalgenError(f"there is no {'brand' if brand else 'policy'} source at {inside} in {revision}")
    return folder


def read_side(label: str, loaded: LoadedPolicy, as_of: dt.date) -> Side:
    """One loaded side with its released versions and its check findings (with what stops its
    pages from being rendered as of the date: S006, V011)."""
    from legalgen.versions.snapshot import take_snapshot

    history = load_history(loaded)
    try:
        take_snapshot(loaded, history, as_of)
        unrendered: list[Diagnostic] = []
    except SourceError as error:
        unrendered = error.diagnostics
    return Side(label, loaded, history, sorted([*unrendered, *check_policy(loaded, history, as_of)],
                                               key=Diagnostic.sort_key))


# --------------------------------------------------------------------------- comparing


def compare(base: Side, head: Side, as_of: dt.date) -> Review:
    """The review of ``head`` against ``base``."""
    settings = head.loaded.policy.site.notices
    locales = [str(locale) for locale in head.loaded.policy.site.locales]
    renderers: dict[tuple[bool, str], LocaleRenderer] = {}

    def renderer(side: Side, locale: str) -> LocaleRenderer:
        if (side is head, locale) not in renderers:  # one per side and locale, for every document
            renderers[side is head, locale] = LocaleRenderer(side.loaded, locale)
        return renderers[side is head, locale]

    documents = []
    for key in sorted(set(base.loaded.policy.documents) | set(head.loaded.policy.documents)):
        before = base.loaded.policy.document(key)
        after = head.loaded.policy.document(key)
        materiality = classify(base.loaded.policy, head.loaded.policy, key)
        located = [(change, locate_change(head.loaded if after is not None else base.loaded, key, change))
                   for change in materiality.changes]
        redlines: dict[str, str] = {}
        for locale in head.loaded.policy.site.locales:
            old = render_document(base.loaded, key, locale, renderer(base, locale)) if before is not None and \
                locale in base.loaded.policy.site.locales else ""
            new = render_document(head.loaded, key, locale, renderer(head, locale)) if after is not None else ""
            if old != new:
                redlines[locale] = redline(old, new)
        status = "added" if before is None else "removed" if after is None else \
            "changed" if materiality.changes or redlines else "unchanged"
        released = head.history.of(key)
        latest = released[-1].source if released else None
        # what the head's source holds beyond its latest release (None: nothing to compare with)
        pending = classify(latest, head.loaded.policy, key) if latest is not None and after is not None else None
        # an editorial change the pages do not show (C08 compares the same way) is not worth a version
        reads_as = released[-1].number if (
            status == "changed" and after is not None and pending is not None and not pending.material
            and all(released[-1].bodies.get(locale) == renderer(head, locale).body(after) for locale in locales)) else None
        release_needed = status != "unchanged" and after is not None and (
            pending is None or pending.material or reads_as is None)
        earliest = None
        material = False
        if release_needed:
            # a first version is never material (C03 lets it take effect at once)
            material = bool(released) and (materiality.material or bool(pending and pending.material))
            owed = notice_owed(settings, head.loaded.policy.document(key), latest.documents.get(key) if latest else None)
            try:
                earliest = notice_ends(owed, as_of) if material else as_of
                if released and earliest <= released[-1].release.effective:  # V004: after the latest version
                    earliest = released[-1].release.effective + dt.timedelta(days=1)
            except OverflowError:
                raise LegalgenError(f"{key}: the change needs {described(owed)} of notice, which from {as_of} ends past the year "
                                    "9999; compare as of an earlier date (--as-of)") from None
        new_locales = tuple(locale for locale in redlines
                            if before is None or locale not in base.loaded.policy.site.locales)
        documents.append(DocumentReview(key, located, materiality.material, release_needed, earliest, redlines, status,
                                        new_locales, reads_as, material))
    before_set = {d.identity() for d in base.findings}
    after_set = {d.identity() for d in head.findings}
    return Review(base.label, head.label, as_of, str(settings.period), documents,
                  [d for d in head.findings if d.identity() not in before_set],
                  [d for d in base.findings if d.identity() not in after_set])


def review(source: Path, base: str | None, head: str | None, as_of: dt.date | None = None, *,
           shared: Path | None = None) -> Review:
    """Compare two states of the source at ``source``: each a git revision or a folder; no
    ``head`` is the working tree, no ``base`` the merge base with the default branch. For a
    brand, ``source`` is its folder and ``shared`` the base source, both read at each revision
    (a brand compares git revisions only)."""
    from legalgen.clock import today

    with tempfile.TemporaryDirectory(prefix="legalgen-diff-") as scratch, ExitStack() as shown:
        def side(spec: str | None, name: str, *, revision: bool = False) -> tuple[str, Path, Path | None]:
            if spec is None:
                return "working tree", source, shared
            if not revision and _is_folder(spec, source, brand=shared is not None):
                return display_path(Path(spec)), Path(spec), None
            label = spec[:12] if re.fullmatch(r"[0-9a-f]{40}", spec) else spec
            into = Path(scratch) / name
            into.mkdir()
            shown.enter_context(shown_as(into, f"{label}:"))  # its files are cited as git names them
            if shared is None:
                return label, extract(source, spec, into), None
            base = extract(shared, spec, into)  # the revision is checked here
            try:
                brand = extract(source, spec, into, brand=True)
            except LegalgenError:
                raise LegalgenError(f"the brand {source.name} does not exist at {spec}; compare it with a revision "
                                    "that has it") from None
            return label, brand, base

        # the default base is a commit id: read from git, whatever folder may carry its name
        base_label, base_folder, base_shared = side(base, "base") if base is not None else \
            side(default_base(source), "base", revision=True)
        head_label, head_folder, head_shared = side(head, "head")
        failed: dict[str, list[Diagnostic]] = {}
        sides = {}
        for label, folder, under in ((base_label, base_folder, base_shared), (head_label, head_folder, head_shared)):
            try:
                loaded = load_policy(folder, base=under)
            except SourceError as error:
                failed[label] = error.diagnostics
                continue
            date = as_of or today(loaded.policy.site.timezone)
            sides[label] = read_side(label, loaded, date)
        if failed:
            raise DiffSourceError(failed)
        date = as_of or today(sides[head_label].loaded.policy.site.timezone)
        return compare(sides[base_label], sides[head_label], date)


_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def _is_folder(spec: str, source: Path, *, brand: bool) -> bool:
    """Whether BASE or HEAD names a folder to read rather than a git revision.

    A name written as a path (``./old``, ``../x``, ``/tmp/x``) is a folder; a full commit id
    is a revision. Any other name is a folder only when it holds a source and git knows no
    revision of that name: the change under review could add a folder (or link) named like
    a branch, holding whatever it wants compared.
    """
    if spec.startswith(("/", "./", "../")) or spec in (".", ".."):
        if brand:
            raise LegalgenError("a brand is compared between git revisions only, not folders")
        return True
    if brand or _COMMIT_ID.fullmatch(spec) or not (Path(spec) / "site.yaml").is_file():
        return False
    try:
        top, _ = vcs.repository(source)
    except LegalgenError:
        return True  # no git: only the folder can be meant
    if vcs.git(top, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}", check=False).returncode == 0:
        raise LegalgenError(f"{spec!r} names both a git revision and a source folder; write ./{spec} for the "
                            "folder, or the commit id for the revision")
    return True


class DiffSourceError(SourceError):
    """A side of the comparison does not load; its diagnostics say why."""

    def __init__(self, failed: dict[str, list[Diagnostic]]) -> None:
        super().__init__([d for diagnostics in failed.values() for d in diagnostics])
        self.failed = failed


# --------------------------------------------------------------------------- output


def _change_line(change: Change, where: Location | None) -> str:
    kind = "material" if change.material else "editorial"
    place = f" ({where})" if where else ""
    return f"{change.path}: {change.description} [{kind}]{place}"


def _verdict(document: DocumentReview, review_: Review) -> str:
    if document.status == "unchanged":
        return "unchanged"
    verdict = "material" if document.material else "editorial"
    if document.release_needed and document.earliest_effective is not None:
        wait = "" if document.earliest_effective <= review_.as_of else \
            f"; notice period {review_.notice_period}" if document.noticed else \
            "; the day after the latest released version takes effect"
        verdict += f"; release needed, effective on {document.earliest_effective.isoformat()} at the earliest{wait}"
    elif document.reads_as is not None:
        verdict += f"; no release needed, the pages read as version {document.reads_as}"
    return f"{document.status}, {verdict}"


def as_text(review_: Review, *, redlines: bool = False) -> str:
    """The review for a terminal."""
    lines = [f"{review_.base} -> {review_.head} (as of {review_.as_of.isoformat()})"]
    for document in review_.documents:
        lines.append(f"{document.key}: {_verdict(document, review_)}")
        lines += [f"  {_change_line(change, where)}" for change, where in document.changes]
        if redlines:
            for locale, text in document.redlines.items():
                lines += [f"  redline ({locale}):", *("    " + line for line in excerpt(text).splitlines())]
        elif document.redlines:
            changed = [locale for locale in document.redlines if locale not in document.new_locales]
            said = ([f"text changed in {', '.join(changed)}"] if changed else []) + \
                ([f"new text in {', '.join(document.new_locales)}"] if document.new_locales else [])
            lines.append(f"  {'; '.join(said)} (--redlines shows it)")
    lines = [printable(line) for line in lines]  # file names and values cannot start a line of their own
    lines += [f"new: {d.format()}" for d in review_.new_findings]
    lines += [f"fixed: {d.format()}" for d in review_.fixed_findings]
    return "\n".join(lines)


def as_markdown(review_: Review, limit: int = COMMENT_LIMIT) -> str:
    """The review as a pull request comment: the verdict table and findings in full, then each
    redline collapsed; redlines that do not fit within ``limit`` are left out, and said so."""
    head = ["## legalgen diff", "",
            f"{_code(review_.base)} → {_code(review_.head)}, as of {review_.as_of.isoformat()}.", "",
            "| document | change | release |", "|---|---|---|"]
    for document in review_.documents:
        release = (f"needed, effective {document.earliest_effective.isoformat()} at the earliest"
                   if document.release_needed and document.earliest_effective else
                   f"not needed, the pages read as version {document.reads_as}" if document.reads_as is not None
                   else "not needed")
        change = "unchanged" if document.status == "unchanged" else \
            f"{document.status}, **{'material' if document.material else 'editorial'}**"
        head.append(f"| {document.key} | {change} | {release} |")
    for document in review_.documents:
        if document.changes:
            head += ["", f"### {document.key}", ""]
            head += [f"- {_escape(_change_line(change, where))}" for change, where in document.changes]
    if review_.new_findings or review_.fixed_findings:
        head += ["", "### Check findings", ""]
        head += [f"- new: {_code(str(d.location))} {d.severity.value} {d.code} {_escape(d.message)}"
                 for d in review_.new_findings]
        head += [f"- fixed: {d.code} {_escape(d.message)}" for d in review_.fixed_findings]
    text = "\n".join(head) + "\n"
    blocks = [(document.key, locale + (", new language" if locale in document.new_locales
                                       and document.status != "added" else ""), redline_text)
              for document in review_.documents for locale, redline_text in document.redlines.items()]
    left_out = 0
    for key, locale, redline_text in blocks:
        block = (f"\n<details><summary>Redline: {key} ({locale})</summary>\n\n{_unmention(excerpt(redline_text))}\n\n"
                 "</details>\n")
        reserve = 200  # for the closing note
        if len(text) + len(block) + reserve <= limit:
            text += block
        else:
            left_out += 1
    if left_out:
        text += f"\n_{left_out} redline(s) left out to fit a comment; run `legalgen diff --redlines` to see them._\n"
    return text


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(\{\s*#[^}]*\})?\s*$")
_ATTRS = re.compile(r"\s*\{\s*#[^}]*\}\s*$")


def excerpt(marked: str) -> str:
    """The changed lines of a redline, each under the heading of its section, without front matter.

    >>> print(excerpt("---\\ntitle: x\\n---\\n# P\\n\\n## Storage { #storage }\\n\\nKept <del>30</del><ins>60</ins> days.\\nSame.\\n"))
    **Storage**
    <BLANKLINE>
    Kept <del>30</del><ins>60</ins> days.
    """
    lines = marked.splitlines()
    if lines and lines[0] == "---":
        end = lines.index("---", 1) if "---" in lines[1:] else 0
        lines = lines[end + 1:]
    out: list[str] = []
    heading, shown = None, None
    for line in lines:
        match = _HEADING.match(line)
        changed = "<ins>" in line or "<del>" in line
        if match and not changed:
            heading = match.group(2)
            continue
        if changed:
            if heading is not None and heading != shown:
                out += ["", f"**{heading}**"] if out else [f"**{heading}**"]
                shown = heading
            out += ["", _ATTRS.sub("", line)]
    return "\n".join(out).strip("\n")


#: Line breaks, and the controls a comment shows as nothing: inside one list item they would start a new line.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _escape(text: str) -> str:
    """``text`` as plain text on one line of a GitHub comment: Markdown and HTML characters
    escaped, line breaks as spaces, and an ``@`` that mentions nobody (a source value or a
    file name could otherwise notify any GitHub user)."""
    return _unmention(re.sub(r"([\\`*_{}\[\]<>|&~!#])", r"\\\1", _BREAKS.sub(" ", text)))


#: An @ where GitHub sees a mention (not inside an address like privacy@example.com).
_MENTION = re.compile(r"(?<![\w.+\-])@(?=\w)")


def _unmention(text: str) -> str:
    """``text`` with every would-be @mention broken by an empty HTML comment, which shows nothing."""
    return _MENTION.sub("@<!-- -->", text)


def _code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds, on one line; an ``@`` in
    code mentions nobody on GitHub."""
    text = _BREAKS.sub(" ", text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def as_json(review_: Review) -> str:
    """The review for tools."""
    def finding(d: Diagnostic) -> dict[str, Any]:
        return {"code": d.code, "severity": d.severity.value, "message": d.message, "location": str(d.location)}

    data = {
        "base": review_.base, "head": review_.head, "as_of": review_.as_of.isoformat(),
        "material": review_.material, "notice_period": review_.notice_period,
        "documents": [{
            "document": d.key, "status": d.status, "material": d.material, "release_needed": d.release_needed,
            "earliest_effective": d.earliest_effective.isoformat() if d.earliest_effective else None,
            "changes": [{"path": c.path, "description": c.description, "material": c.material,
                         "location": str(where) if where else None} for c, where in d.changes],
            "redlines": d.redlines, "new_locales": list(d.new_locales), "reads_as": d.reads_as,
        } for d in review_.documents],
        "new_findings": [finding(d) for d in review_.new_findings],
        "fixed_findings": [finding(d) for d in review_.fixed_findings],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


__all__ = ["COMMENT_LIMIT", "Review", "as_json", "as_markdown", "as_text", "compare", "default_base", "extract",
           "locate_change", "review"]
